import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import type { CashDeskValues, RefundValues } from '~/lib/billing-payment-form';
import { unwrap } from '~/lib/api-client';
import { cashDeskPayload, refundPayload } from '~/lib/billing-payment-form';
import { useSessionStore } from '~/stores/session';

export type Payment = ApiSchema<'PaymentPageDto'>['items'][number];
export type Statement = ApiSchema<'StatementDto'>;
export type BankStatement = ApiSchema<'BankStatementPageDto'>['items'][number];
export type BankStatementDetail = ApiSchema<'BankStatementDetailDto'>;
export type BankStatementLine = BankStatementDetail['lines'][number];

/** Payments and refunds of the selected tenant's subtree, newest first (page in the URL). */
export function usePaymentList() {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const route = useRoute();
  const query = computed(() => {
    const q: ApiQuery<'/api/payments'> = { page: Math.max(1, Number(route.query.page) || 1), pageSize: 30, order: 'desc' };
    if (store.selectedTenantId) q.tenantId = store.selectedTenantId;
    return q;
  });
  const { data, error, status, refresh } = useAsyncData(
    () => `billing:payments:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/payments', { params: { query: query.value } })),
  );
  return { page: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function usePaymentMutations() {
  const { $api } = useNuxtApp();
  return {
    cashDesk: async (values: CashDeskValues, timeZone?: string) =>
      unwrap(await $api.POST('/api/payments', { body: cashDeskPayload(values, timeZone) })),
    refund: async (id: string, values: RefundValues) =>
      unwrap(await $api.POST('/api/payments/{id}/refund', { params: { path: { id } }, body: refundPayload(values) })),
  };
}

/** A customer's account: ledger entries with the running balance, open invoices, over an optional range of days. */
export function useCustomerStatement(customerId: MaybeRefOrGetter<string>, range: MaybeRefOrGetter<{ from?: string; to?: string }>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `billing:statement:${toValue(customerId)}:${JSON.stringify(toValue(range))}`,
    async () =>
      unwrap(await $api.GET('/api/customers/{id}/statement', { params: { path: { id: toValue(customerId) }, query: toValue(range) } })),
  );
  return { statement: data, error, pending: computed(() => status.value === 'pending'), refresh };
}

/** Bank statements imported in the selected tenant's subtree. */
export function useBankStatementList() {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const query = computed(() => ({ page: 1, pageSize: 50, ...(store.selectedTenantId ? { tenantId: store.selectedTenantId } : {}) }));
  const { data, error, refresh } = useAsyncData(
    () => `billing:bank-statements:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/bank-statements', { params: { query: query.value } })),
  );
  return { page: computed(() => data.value ?? null), error, refresh };
}

export function useBankStatement(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, refresh } = useAsyncData(
    () => `billing:bank-statement:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/bank-statements/{id}', { params: { path: { id: toValue(id) } } })),
  );
  return { statement: data, error, refresh };
}

export function useBankStatementMutations() {
  const { $api } = useNuxtApp();
  const line = (id: string, lineId: string) => ({ params: { path: { id, lineId } } });
  return {
    upload: async (tenantId: string, file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return unwrap(
        await $api.POST('/api/bank-statements', {
          params: { query: { tenantId } },
          body: form as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      );
    },
    assign: async (id: string, lineId: string, target: { invoiceId: string } | { customerId: string }) =>
      unwrap(await $api.POST('/api/bank-statements/{id}/lines/{lineId}/assign', { ...line(id, lineId), body: target })),
    ignore: async (id: string, lineId: string, reason: string) =>
      unwrap(await $api.POST('/api/bank-statements/{id}/lines/{lineId}/ignore', { ...line(id, lineId), body: reason ? { reason } : {} })),
  };
}
