import type { Bucket, ChartSeries } from '~/lib/chart-scale';
import type { ConsumptionInterval, ConsumptionRangeInput } from '~/lib/consumption-range';
import type { ApiSchema } from '~/lib/api-client';
import { DEFAULT_TIME_ZONE } from '@water/shared';
import { unwrap } from '~/lib/api-client';
import { defaultRange, isInterval, rangeQuery } from '~/lib/consumption-range';

/** GET /api/{meters|subscriptions|customers}/:id/consumption: every series' `values[i]` is the m³ of the bucket starting at `bucketStarts[i]`. */
export type Consumption = ApiSchema<'ConsumptionDto'>;

/** The chart's bucket list of one series from the answer's columns; a null (not begun) or missing value stays null, a gap. */
export function seriesBuckets(bucketStarts: readonly string[], values: readonly (number | null)[]): Bucket[] {
  return bucketStarts.map((bucketStart, i) => ({ bucketStart, consumptionM3: values[i] ?? null }));
}

export type ConsumptionOwner = 'meters' | 'subscriptions' | 'customers';
/** How the chart splits the total: one series, or one per meter, device or subscription. */
export type ConsumptionView = 'total' | 'byMeter' | 'byDevice' | 'bySubscription';

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

/**
 * A consumption chart's data. Interval, range (DD.MM.YYYY days, inclusive) and view are kept in the URL
 * (?interval=day&from=01.11.2026&to=30.11.2026&view=byMeter) so a chart can be shared as it is seen.
 */
export function useConsumption(
  owner: ConsumptionOwner,
  id: MaybeRefOrGetter<string>,
  views: readonly ConsumptionView[],
  timeZone: MaybeRefOrGetter<string | null | undefined> = DEFAULT_TIME_ZONE,
) {
  const { $api } = useNuxtApp();
  const route = useRoute();
  const router = useRouter();
  const zone = computed(() => toValue(timeZone) || DEFAULT_TIME_ZONE);

  const range = computed<ConsumptionRangeInput>(() => {
    const interval = isInterval(first(route.query.interval)) ? (first(route.query.interval) as ConsumptionInterval) : 'day';
    const fallback = defaultRange(interval, new Date(), zone.value);
    return { interval, from: first(route.query.from) ?? fallback.from, to: first(route.query.to) ?? fallback.to };
  });
  const view = computed<ConsumptionView>(() => {
    const v = first(route.query.view) as ConsumptionView | undefined;
    return v && views.includes(v) ? v : 'total';
  });
  const query = computed(() => rangeQuery(range.value, zone.value));

  const { data, error, status, refresh } = useAsyncData(
    () => `assets:consumption:${owner}:${toValue(id)}:${JSON.stringify(query.value)}`,
    async () => {
      if (!query.value.ok) return null;
      const params = { path: { id: toValue(id) }, query: query.value.query };
      if (owner === 'meters') return unwrap(await $api.GET('/api/meters/{id}/consumption', { params }));
      if (owner === 'subscriptions') return unwrap(await $api.GET('/api/subscriptions/{id}/consumption', { params }));
      return unwrap(await $api.GET('/api/customers/{id}/consumption', { params }));
    },
  );

  const series = computed<ChartSeries[]>(() => {
    const c = data.value;
    if (!c) return [];
    const buckets = (values: (number | null)[]) => seriesBuckets(c.bucketStarts, values);
    if (view.value === 'byMeter' && c.byMeter)
      return c.byMeter.map((m) => ({ key: m.meterId, label: m.serialNo, buckets: buckets(m.values) }));
    if (view.value === 'byDevice' && c.byDevice)
      return c.byDevice.map((d) => ({ key: d.deviceId, label: d.serialNo ?? d.deviceId.slice(0, 8), buckets: buckets(d.values) }));
    if (view.value === 'bySubscription' && c.bySubscription)
      return c.bySubscription.map((s) => ({ key: s.subscriptionId, label: s.subscriptionNo, buckets: buckets(s.values) }));
    return [{ key: 'total', label: 'total', buckets: buckets(c.values) }];
  });

  /** Applies a new interval, range or view; a new interval without a range takes that interval's default window. */
  function update(next: Partial<ConsumptionRangeInput> & { view?: ConsumptionView }) {
    const q = { ...route.query };
    const interval = next.interval ?? range.value.interval;
    const intervalChanged = next.interval && next.interval !== range.value.interval;
    const fallback = defaultRange(interval, new Date(), zone.value);
    const from = next.from ?? (intervalChanged ? fallback.from : range.value.from);
    const to = next.to ?? (intervalChanged ? fallback.to : range.value.to);
    q.interval = interval;
    q.from = from;
    q.to = to;
    if (next.view) q.view = next.view;
    if (q.view === 'total') delete q.view;
    return router.replace({ query: q });
  }

  return {
    range,
    view,
    rangeError: computed(() => (query.value.ok ? null : query.value.error)),
    /** The API query of the shown range (from, to, interval), which the table's export takes too; null while the range is invalid. */
    apiQuery: computed(() => (query.value.ok ? query.value.query : null)),
    consumption: data,
    series,
    error,
    pending: computed(() => status.value === 'pending'),
    refresh,
    update,
    timeZone: zone,
  };
}
