import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';
import { useSessionStore } from '~/stores/session';

export type OverdueInvoice = ApiSchema<'OverdueInvoicePageDto'>['items'][number];
export type DisconnectionOrder = ApiSchema<'DisconnectionOrderPageDto'>['items'][number];

const scope = () => {
  const store = useSessionStore();
  return () => (store.selectedTenantId ? { tenantId: store.selectedTenantId } : {});
};

/** Overdue invoices of the selected tenant's subtree, longest overdue first. */
export function useOverdueInvoices() {
  const { $api } = useNuxtApp();
  const tenant = scope();
  const query = computed<ApiQuery<'/api/dunning/overdue'>>(() => ({ page: 1, pageSize: 100, order: 'desc', ...tenant() }));
  const { data, error, refresh } = useAsyncData(
    () => `billing:overdue:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/dunning/overdue', { params: { query: query.value } })),
  );
  return { page: computed(() => data.value ?? null), error, refresh };
}

/** Disconnection work orders (the live ones by default: open, done, reconnection open). */
export function useDisconnections() {
  const { $api } = useNuxtApp();
  const tenant = scope();
  const query = computed<ApiQuery<'/api/dunning/disconnections'>>(() => ({ page: 1, pageSize: 100, order: 'desc', ...tenant() }));
  const { data, error, refresh } = useAsyncData(
    () => `billing:disconnections:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/dunning/disconnections', { params: { query: query.value } })),
  );
  return { page: computed(() => data.value ?? null), error, refresh, query };
}

export function useDisconnectionMutations() {
  const { $api } = useNuxtApp();
  const body = (note: string) => ({ note: note.trim() || null });
  return {
    execute: async (id: string, note: string) =>
      unwrap(await $api.POST('/api/dunning/disconnections/{id}/execute', { params: { path: { id } }, body: body(note) })),
    reconnect: async (id: string, note: string) =>
      unwrap(await $api.POST('/api/dunning/disconnections/{id}/reconnect', { params: { path: { id } }, body: body(note) })),
  };
}

/** The billing reports over months (billed vs collected, by subscription group) and the aging as at a day. */
export function useBillingReports(months: MaybeRefOrGetter<{ from: string; to: string }>, asOf: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const tenant = scope();
  const monthsQuery = computed(() => ({ ...toValue(months), ...tenant() }));
  const agingQuery = computed(() => ({ ...(toValue(asOf) ? { asOf: toValue(asOf) } : {}), page: 1, pageSize: 100, ...tenant() }));
  const billed = useAsyncData(
    () => `billing:report:billed:${JSON.stringify(monthsQuery.value)}`,
    async () => unwrap(await $api.GET('/api/billing-reports/billed-collected', { params: { query: monthsQuery.value } })),
  );
  const byGroup = useAsyncData(
    () => `billing:report:group:${JSON.stringify(monthsQuery.value)}`,
    async () => unwrap(await $api.GET('/api/billing-reports/by-group', { params: { query: monthsQuery.value } })),
  );
  const aging = useAsyncData(
    () => `billing:report:aging:${JSON.stringify(agingQuery.value)}`,
    async () => unwrap(await $api.GET('/api/billing-reports/aging', { params: { query: agingQuery.value } })),
  );
  return { billed, byGroup, aging, monthsQuery, agingQuery };
}
