import type { AlarmEvent } from '~/composables/useLiveConnection';
import type { useDashboardSummary } from '~/composables/useDashboardSummary';
import type { useDashboardUsage } from '~/composables/useDashboardUsage';
import type { useMap } from '~/composables/useMap';
import { liveCellsIn } from '@water/shared';
import { createCoalescer } from '~/composables/useLiveBuffer';
import { useMapStore } from '~/stores/map';

interface DashboardParts {
  tenantId: MaybeRefOrGetter<string | null>;
  summary: ReturnType<typeof useDashboardSummary>;
  usage: ReturnType<typeof useDashboardUsage>;
  map: ReturnType<typeof useMap>;
}

/**
 * Keeps the dashboard live: readings move the consumption figures and the touched markers, alarm
 * events refresh the alarm cards (batched) and the affected markers, and a reconnect after a gap
 * reloads everything once.
 */
export function useDashboardLive(parts: DashboardParts) {
  const live = useLive();
  const scope = useLiveScope(parts.tenantId);

  const summaryRefresh = createCoalescer(() => parts.summary.refresh(), { wait: 500, maxWait: 3_000 });

  function onAlarm(event: AlarmEvent, recolours: boolean) {
    if (!scope.value.has(event.tenantId)) return;
    summaryRefresh.trigger();
    // Opening or clearing may change a marker's colour; acknowledging never does.
    if (recolours) parts.map.queueRefresh(event.subscriptionId);
  }

  if (import.meta.client) {
    live.on('reading.created', (event) => {
      if (!scope.value.has(event.tenantId)) return;
      parts.summary.applyReading(event);
      parts.usage.applyReading(event);
      parts.map.applyReading(event);
    });
    live.on('alarm.opened', (event) => onAlarm(event, true));
    live.on('alarm.cleared', (event) => onAlarm(event, true));
    live.on('alarm.acknowledged', (event) => onAlarm(event, false));
    // The map's cells: their device states come coalesced per cell (a view too large for cells asks for none).
    const mapStore = useMapStore();
    watch(
      () => [toValue(parts.tenantId), mapStore.viewportOf(toValue(parts.tenantId))?.bounds] as const,
      ([tenantId, bounds]) => live.viewport(tenantId && bounds ? { tenantId, cells: liveCellsIn(bounds) ?? [] } : null),
      { immediate: true },
    );
    live.on('viewport.batch', (batch) => {
      if (!scope.value.has(batch.tenantId)) return;
      // A marker without a recent reading may change colour with a new state; its colour is the API's to tell.
      for (const state of batch.states) {
        const marker = parts.map.markers.value.find((m) => m.subscriptionId === state.subscriptionId);
        if (marker && (marker.status === 'GREY' || marker.status === 'NO_DEVICE')) parts.map.queueRefresh(marker.subscriptionId);
      }
    });
    live.onReady((resumed) => {
      if (!resumed) return;
      void parts.summary.refresh();
      void parts.usage.refresh();
      void parts.map.refresh();
    });
    onBeforeUnmount(() => summaryRefresh.stop());
  }

  return { status: live.status };
}
