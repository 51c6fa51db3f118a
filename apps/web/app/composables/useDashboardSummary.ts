import type { AssetStatus } from '@water/shared';
import type { ApiSchema } from '~/lib/api-client';
import type { ReadingEvent } from '~/composables/useLiveConnection';
import { formatDateTime } from '@water/shared';
import { unwrap } from '~/lib/api-client';
import { toApiFailure } from '~/lib/api-error';

export type OutOfServiceStatus = Exclude<AssetStatus, 'ACTIVE'>;

/** GET /api/dashboard/summary: totals for the selected tenant's subtree. */
export type DashboardSummary = ApiSchema<'SummaryDto'>;

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The summary after a reading of today: its consumption added to today's and the period's totals, and
 * to their estimated parts too when the reading is estimated (issue 17).
 */
export function summaryAfterReading(
  summary: DashboardSummary,
  event: Pick<ReadingEvent, 'time' | 'consumptionM3'> & Partial<Pick<ReadingEvent, 'quality'>>,
  now = Date.now(),
): DashboardSummary {
  if (!event.consumptionM3 || formatDateTime(event.time).slice(0, 10) !== formatDateTime(now).slice(0, 10)) return summary;
  const estimated = event.quality === 'ESTIMATED' ? event.consumptionM3 : 0;
  return {
    ...summary,
    consumptionTodayM3: round3(summary.consumptionTodayM3 + event.consumptionM3),
    totalConsumptionM3: round3(summary.totalConsumptionM3 + event.consumptionM3),
    estimatedTodayM3: round3((summary.estimatedTodayM3 ?? 0) + estimated),
    totalEstimatedM3: round3((summary.totalEstimatedM3 ?? 0) + estimated),
  };
}

/** The summary of one tenant, refetched when the tenant changes; `missing` when the API has no such route yet. */
export function useDashboardSummary(tenantId: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();

  const { data, error, status, refresh } = useAsyncData(
    () => `dashboard-summary:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      if (!id) return null;
      const summary = unwrap(await $api.GET('/api/dashboard/summary', { params: { query: { tenantId: id } } }));
      return { summary, fetchedAt: new Date().toISOString() };
    },
  );

  const missing = computed(() => !!error.value && toApiFailure(error.value).status === 404);
  const updatedAt = computed(() => (data.value ? formatDateTime(data.value.fetchedAt) : null));

  /** Live: consumption moves with each reading; alarm counts are refetched (see useDashboardLive). */
  function applyReading(event: ReadingEvent) {
    if (!data.value) return;
    const summary = summaryAfterReading(data.value.summary, event);
    if (summary !== data.value.summary) data.value = { ...data.value, summary };
  }

  return {
    summary: computed(() => data.value?.summary ?? null),
    updatedAt,
    pending: computed(() => status.value === 'pending'),
    failed: computed(() => !!error.value && !missing.value),
    missing,
    refresh,
    applyReading,
  };
}
