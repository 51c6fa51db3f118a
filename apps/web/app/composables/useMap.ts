import type { ApiSchema } from '~/lib/api-client';
import type { ReadingEvent } from '~/composables/useLiveConnection';
import { formatDateTime } from '@water/shared';
import { unwrap } from '~/lib/api-client';
import { createCoalescer } from '~/composables/useLiveBuffer';
import { countByStatus } from '~/composables/useMapStatus';

/** One subscription on the dashboard map (GET /api/dashboard/map). */
export type MapMarker = ApiSchema<'MapDto'>['markers'][number];
export type MapView = ApiSchema<'MapDto'>;

/** Above this many changed markers one full reload is cheaper than one small request each. */
const MAX_MARKER_REQUESTS = 12;
/** Half the side of the box asked for around one marker, in degrees (about a metre). */
const POINT_BOX = 0.00001;

const localDay = (value: string | number) => formatDateTime(value).slice(0, 10);
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** A bbox around one point, as GET /api/dashboard/map takes it (minLng,minLat,maxLng,maxLat). */
export function pointBox(lat: number, lng: number): string {
  return [lng - POINT_BOX, lat - POINT_BOX, lng + POINT_BOX, lat + POINT_BOX].map((v) => v.toFixed(6)).join(',');
}

/** The marker after a reading: its last reading and, for a reading of today, today's consumption. */
export function markerAfterReading(marker: MapMarker, event: Pick<ReadingEvent, 'time' | 'consumptionM3'>, now = Date.now()): MapMarker {
  const newer = !marker.lastReadingAt || Date.parse(event.time) > Date.parse(marker.lastReadingAt);
  const today = localDay(event.time) === localDay(now);
  return {
    ...marker,
    lastReadingAt: newer ? event.time : marker.lastReadingAt,
    todayM3: today && event.consumptionM3 ? round3(marker.todayM3 + event.consumptionM3) : marker.todayM3,
  };
}

/**
 * The dashboard map's markers for a tenant's subtree, fetched in the browser only (the map is
 * client-only and the list can be large). Live events refresh the affected markers: their colour is
 * the API's to decide (alarms, usage thresholds, expected intervals), so a changed subscription is
 * asked for again with a bbox around its point, batched.
 */
export function useMap(tenantId: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();

  const { data, error, status, refresh } = useAsyncData(
    () => `dashboard-map:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      if (!id) return null;
      const view = unwrap(await $api.GET('/api/dashboard/map', { params: { query: { tenantId: id } } }));
      // Which tenant these markers are for: after a tenant change, the previous answer is not the new one's.
      return { ...view, forTenantId: id };
    },
    { server: false, lazy: true },
  );
  // The markers are fetched in the browser, but the server knows the tenant: a preload in the head starts the same
  // request while the HTML is parsed instead of after hydration (issue 21), and the fetch above is answered by it.
  if (import.meta.server) {
    const id = toValue(tenantId);
    if (id)
      useHead({
        link: [{ rel: 'preload', as: 'fetch', href: `/api/dashboard/map?tenantId=${encodeURIComponent(id)}`, crossorigin: 'anonymous' }],
      });
  }

  const markers = shallowRef<MapMarker[]>([]);
  /** The tenant the markers belong to; null while the current tenant's are loading. */
  const markersTenantId = computed(() => (data.value && data.value.forTenantId === toValue(tenantId) ? data.value.forTenantId : null));
  watch([data, markersTenantId], ([view, forTenant]) => (markers.value = forTenant ? (view?.markers ?? []) : []), { immediate: true });
  const counts = computed(() => countByStatus(markers.value));

  function replace(updated: MapMarker[]) {
    if (!updated.length) return;
    const byId = new Map(updated.map((m) => [m.subscriptionId, m]));
    markers.value = markers.value.map((m) => byId.get(m.subscriptionId) ?? m);
  }

  const queued = new Set<string>();
  async function refreshQueued() {
    const ids = [...queued];
    queued.clear();
    const id = toValue(tenantId);
    if (!ids.length || !id) return;
    const targets = markers.value.filter((m) => ids.includes(m.subscriptionId));
    if (targets.length > MAX_MARKER_REQUESTS) {
      await refresh();
      return;
    }
    const boxes = [...new Set(targets.map((m) => pointBox(m.lat, m.lng)))];
    const answers = await Promise.all(
      boxes.map((bbox) =>
        $api
          .GET('/api/dashboard/map', { params: { query: { tenantId: id, bbox } } })
          .then(unwrap)
          .catch(() => null),
      ),
    );
    if (id !== toValue(tenantId)) return;
    replace(answers.flatMap((answer) => answer?.markers ?? []));
  }
  const coalescer = createCoalescer(refreshQueued, { wait: 400, maxWait: 2_000 });
  if (import.meta.client) onBeforeUnmount(() => coalescer.stop());

  /** Asks the API again for this subscription's marker (soon, with others). */
  function queueRefresh(subscriptionId: string | null) {
    if (!subscriptionId || !markers.value.some((m) => m.subscriptionId === subscriptionId)) return;
    queued.add(subscriptionId);
    coalescer.trigger();
  }

  /** A reading: today's consumption and last reading in place; a grey or NO_DEVICE marker may have woken up. */
  function applyReading(event: ReadingEvent) {
    const marker = event.subscriptionId ? markers.value.find((m) => m.subscriptionId === event.subscriptionId) : undefined;
    if (!marker) return;
    replace([markerAfterReading(marker, event)]);
    if (marker.status === 'GREY' || marker.status === 'NO_DEVICE') queueRefresh(marker.subscriptionId);
  }

  return {
    markers,
    markersTenantId,
    counts,
    truncated: computed(() => data.value?.truncated ?? false),
    loading: computed(() => status.value === 'pending' || status.value === 'idle'),
    failed: computed(() => !!error.value),
    refresh,
    queueRefresh,
    applyReading,
  };
}
