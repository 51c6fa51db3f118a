import type { AlarmType, MapStatus } from '@water/shared';
import { MAP_STATUSES, RED_ALARM_TYPES } from '@water/shared';

/**
 * Colours of the dashboard map (BRIEF-NOTES: map colours): a priority order, red (an open tamper,
 * battery, tilt, reverse-flow … alarm) over orange (high usage) over grey (no signal) over
 * NO_DEVICE (no meter/device, drawn grey but counted apart, issue #21) over green.
 * Pure helpers, shared by the map, its legend, the alarm badges and the unit tests.
 */
export const MAP_STATUS_ORDER: readonly MapStatus[] = MAP_STATUSES;

/** Marker fill colours; the legend and the cluster icons use the same ones. */
export const MAP_STATUS_COLOURS: Readonly<Record<MapStatus, string>> = {
  RED: '#dc2626',
  ORANGE: '#ea7a0c',
  GREY: '#6b7280',
  /** Grey too (issue #21), a lighter one: no meter/device is not "no signal". */
  NO_DEVICE: '#9ca3af',
  GREEN: '#16a34a',
};

export const MAP_STATUS_LABELS: Readonly<Record<MapStatus, string>> = {
  RED: 'map.status.RED',
  ORANGE: 'map.status.ORANGE',
  GREY: 'map.status.GREY',
  NO_DEVICE: 'map.status.NO_DEVICE',
  GREEN: 'map.status.GREEN',
};

/** 0 for the most urgent colour; an unknown value ranks below green. */
export function statusRank(status: MapStatus | string): number {
  const rank = (MAP_STATUS_ORDER as readonly string[]).indexOf(status);
  return rank === -1 ? MAP_STATUS_ORDER.length : rank;
}

/** The most urgent status among several (a cluster's colour); null when there are none. */
export function worstStatus(statuses: Iterable<MapStatus>): MapStatus | null {
  let worst: MapStatus | null = null;
  for (const status of statuses) {
    if (worst === null || statusRank(status) < statusRank(worst)) worst = status;
    if (worst === MAP_STATUS_ORDER[0]) break;
  }
  return worst;
}

/** The colour an alarm type paints a marker: red types, HIGH_USAGE orange, NO_SIGNAL grey. */
export function statusOfAlarm(type: AlarmType): MapStatus {
  if (RED_ALARM_TYPES.includes(type)) return 'RED';
  if (type === 'HIGH_USAGE') return 'ORANGE';
  if (type === 'NO_SIGNAL') return 'GREY';
  return 'GREEN';
}

/** The colour of a set of reasons (what the API sends with each marker); green when nothing is wrong. */
export function statusOfReasons(reasons: readonly AlarmType[]): MapStatus {
  return worstStatus(reasons.map(statusOfAlarm)) ?? 'GREEN';
}

/** Markers per colour, every colour present. */
export function countByStatus(markers: Iterable<{ status: MapStatus }>): Record<MapStatus, number> {
  const counts = Object.fromEntries(MAP_STATUS_ORDER.map((s) => [s, 0])) as Record<MapStatus, number>;
  for (const marker of markers) if (marker.status in counts) counts[marker.status]++;
  return counts;
}

/**
 * The i18n keys a marker's popup names its state with: its reasons (alarm labels), else its colour's
 * label (green "Normal", NO_DEVICE "No meter/device" rather than "No signal").
 */
export function markerStatusKeys(
  marker: { status: MapStatus; reasons: readonly AlarmType[] },
  alarmLabels: Readonly<Record<AlarmType, string>>,
): string[] {
  return marker.reasons.length ? marker.reasons.map((r) => alarmLabels[r]) : [MAP_STATUS_LABELS[marker.status]];
}
