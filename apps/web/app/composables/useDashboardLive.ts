import type { AlarmEvent } from '~/composables/useLiveConnection';
import type { useDashboardSummary } from '~/composables/useDashboardSummary';
import type { useDashboardUsage } from '~/composables/useDashboardUsage';
import type { useMap } from '~/composables/useMap';
import { createCoalescer } from '~/composables/useLiveBuffer';

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
