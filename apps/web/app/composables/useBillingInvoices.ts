import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import type { CancelValues } from '~/lib/billing-run';
import type { ListQuerySpec } from '~/lib/list-query';
import { unwrap } from '~/lib/api-client';
import { cancelPayload } from '~/lib/billing-run';
import { bindListQuery } from '~/lib/list-query';
import { useSessionStore } from '~/stores/session';

export type Invoice = ApiSchema<'InvoicePageDto'>['items'][number];
export type InvoiceDetail = ApiSchema<'InvoiceDetailDto'>;

export const INVOICE_LIST: ListQuerySpec<'number', 'status' | 'kind' | 'period' | 'runId' | 'number'> = {
  sorts: ['number'],
  defaultSort: 'number',
  filters: ['status', 'kind', 'period', 'runId', 'number'],
};

/** Invoices and credit notes of the selected tenant's subtree, filtered through the URL (a run's drafts with `runId`). */
export function useInvoiceList(fixed: MaybeRefOrGetter<Partial<ApiQuery<'/api/invoices'>>> = {}) {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const list = bindListQuery(useRoute(), useRouter(), INVOICE_LIST);
  const query = computed(() => {
    const { page, pageSize, ...rest } = list.apiQuery.value;
    const filters = Object.fromEntries(Object.entries(rest).filter(([key]) => (INVOICE_LIST.filters as readonly string[]).includes(key)));
    const q = { page, pageSize, ...filters, ...toValue(fixed) } as ApiQuery<'/api/invoices'>;
    if (store.selectedTenantId && !q.runId) q.tenantId = store.selectedTenantId;
    return q;
  });
  const { data, error, status, refresh } = useAsyncData(
    () => `billing:invoices:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/invoices', { params: { query: query.value } })),
  );
  return {
    list,
    source: { page: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh },
  };
}

export function useInvoice(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, refresh } = useAsyncData(
    () => `billing:invoice:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/invoices/{id}', { params: { path: { id: toValue(id) } } })),
  );
  return { invoice: data, error, refresh };
}

export function useInvoiceMutations() {
  const { $api } = useNuxtApp();
  const path = (id: string) => ({ params: { path: { id } } });
  return {
    issue: async (id: string) => unwrap(await $api.POST('/api/invoices/{id}/issue', path(id))),
    cancel: async (id: string, values: CancelValues) =>
      unwrap(await $api.POST('/api/invoices/{id}/cancel', { ...path(id), body: cancelPayload(values) })),
  };
}

/** The invoice's PDF, downloaded through this site's proxy (the session applies). */
export function invoicePdfHref(id: string): string {
  return `/api/invoices/${encodeURIComponent(id)}/pdf`;
}

/** The other documents of an invoice's subscription and period: its credit note, its re-issue, the invoice it replaced. */
export function useRelatedInvoices(invoice: MaybeRefOrGetter<Pick<Invoice, 'id' | 'subscriptionId' | 'periodStart'>>) {
  const { $api } = useNuxtApp();
  const query = computed(() => {
    const i = toValue(invoice);
    return { subscriptionId: i.subscriptionId, period: i.periodStart.slice(0, 7), pageSize: 20 };
  });
  const { data } = useAsyncData(
    () => `billing:invoices:related:${toValue(invoice).id}:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/invoices', { params: { query: query.value } })).items,
  );
  return computed(() => (data.value ?? []).filter((i) => i.id !== toValue(invoice).id));
}
