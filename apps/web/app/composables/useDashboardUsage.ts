import type { ReadingEvent } from '~/composables/useLiveConnection';
import type { ApiSchema } from '~/lib/api-client';
import { formatDateTime } from '@water/shared';
import { unwrap } from '~/lib/api-client';

/** One local day of fleet consumption (GET /api/dashboard/usage), oldest first, zero-filled; day is YYYY-MM-DD in the tenant's zone. */
export type UsageDay = ApiSchema<'UsageDto'>[number];

/** Brief 2.1.6: 30 days before today plus today, the same period as the summary's total. */
export const USAGE_DAYS = 31;

/** YYYY-MM-DD of an instant in the display time zone. */
export function isoDay(value: string | number): string {
  const [day] = formatDateTime(value).split(' ');
  const [d, m, y] = day!.split('.');
  return `${y}-${m}-${d}`;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The series after a reading: its consumption added to its day when that day is shown, and to the
 * day's estimated part too when the reading is estimated (issue 17).
 */
export function usageAfterReading(
  days: UsageDay[],
  event: Pick<ReadingEvent, 'time' | 'consumptionM3'> & Partial<Pick<ReadingEvent, 'quality'>>,
): UsageDay[] {
  if (!event.consumptionM3) return days;
  const day = isoDay(event.time);
  const index = days.findIndex((d) => d.day === day);
  if (index === -1) return days;
  const current = days[index]!;
  const next = [...days];
  next[index] = {
    day,
    consumptionM3: round3(current.consumptionM3 + event.consumptionM3),
    estimatedM3: round3((current.estimatedM3 ?? 0) + (event.quality === 'ESTIMATED' ? event.consumptionM3 : 0)),
  };
  return next;
}

/** How much of a series is estimated: m³ and its percentage of the total (0 when nothing was used). */
export function estimatedShare(days: readonly Pick<UsageDay, 'consumptionM3' | 'estimatedM3'>[]): { estimatedM3: number; percent: number } {
  const total = days.reduce((sum, d) => sum + d.consumptionM3, 0);
  const estimatedM3 = round3(days.reduce((sum, d) => sum + (d.estimatedM3 ?? 0), 0));
  return { estimatedM3, percent: total > 0 ? Math.min(100, (estimatedM3 / total) * 100) : 0 };
}

/** Daily consumption of the last 30 days and today for a tenant's subtree. */
export function useDashboardUsage(tenantId: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `dashboard-usage:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      if (!id) return [];
      return unwrap(await $api.GET('/api/dashboard/usage', { params: { query: { tenantId: id, days: USAGE_DAYS } } }));
    },
    { lazy: true },
  );

  function applyReading(event: ReadingEvent) {
    if (data.value) data.value = usageAfterReading(data.value, event);
  }

  return {
    days: computed(() => data.value ?? []),
    loading: computed(() => status.value === 'pending'),
    failed: computed(() => !!error.value),
    refresh,
    applyReading,
  };
}
