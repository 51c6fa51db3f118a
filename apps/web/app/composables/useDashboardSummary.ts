import { formatDateTime } from '@water/shared';
import { toApiFailure } from '~/lib/api-error';

/** GET /api/dashboard/summary: totals for the selected tenant's subtree. */
export interface DashboardSummary {
  subscriptions: number;
  meters: number;
  devices: number;
  totalConsumptionM3: number;
  openAlarms: number;
}

/** The summary of one tenant, refetched when the tenant changes; `missing` when the API has no such route yet. */
export function useDashboardSummary(tenantId: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();

  const { data, error, status, refresh } = useAsyncData(
    () => `dashboard-summary:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      if (!id) return null;
      const summary = await $api<DashboardSummary>('/api/dashboard/summary', { query: { tenantId: id } });
      return { summary, fetchedAt: new Date().toISOString() };
    },
  );

  const missing = computed(() => !!error.value && toApiFailure(error.value).status === 404);
  const updatedAt = computed(() => (data.value ? formatDateTime(data.value.fetchedAt) : null));

  return {
    summary: computed(() => data.value?.summary ?? null),
    updatedAt,
    pending: computed(() => status.value === 'pending'),
    failed: computed(() => !!error.value && !missing.value),
    missing,
    refresh,
  };
}
