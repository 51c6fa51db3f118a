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

/** The series after a reading: its consumption added to its day when that day is shown. */
export function usageAfterReading(days: UsageDay[], event: Pick<ReadingEvent, 'time' | 'consumptionM3'>): UsageDay[] {
  if (!event.consumptionM3) return days;
  const day = isoDay(event.time);
  const index = days.findIndex((d) => d.day === day);
  if (index === -1) return days;
  const next = [...days];
  next[index] = { day, consumptionM3: Math.round((days[index]!.consumptionM3 + event.consumptionM3) * 1000) / 1000 };
  return next;
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
