import type { AlarmType, ValveState } from './definitions';

/**
 * Events the API pushes to the console over Socket.io (apps/api/src/core/realtime): the one definition of
 * their names and payloads, shared by the emitting side and the console.
 */

export interface ReadingEvent {
  tenantId: string;
  deviceId: string;
  meterId: string | null;
  meterSerialNo: string | null;
  subscriptionId: string | null;
  time: string;
  indexM3: number;
  consumptionM3: number | null;
  batteryPct: number | null;
  rssi: number | null;
  snr: number | null;
  alarms: AlarmType[];
  valveState: ValveState | null;
  /** When the uplink reached the platform, for end-to-end latency. */
  receivedAt: string;
}

export interface DeviceStateEvent {
  tenantId: string;
  deviceId: string;
  meterId: string | null;
  lastSeenAt: string;
  batteryPct: number | null;
  rssi: number | null;
  snr: number | null;
  lastIndexM3: number | null;
}

export interface AlarmEvent {
  id: string;
  tenantId: string;
  type: AlarmType;
  deviceId: string | null;
  meterId: string | null;
  subscriptionId: string | null;
  startedAt: string;
  clearedAt: string | null;
}

export interface AcknowledgedAlarmEvent extends AlarmEvent {
  acknowledgedAt: string;
  acknowledgedBy: string;
}

/** Event name → payload. */
export interface LiveEvents {
  'reading.created': ReadingEvent;
  'device.state': DeviceStateEvent;
  'alarm.opened': AlarmEvent;
  'alarm.cleared': AlarmEvent;
  'alarm.acknowledged': AcknowledgedAlarmEvent;
}
export type LiveEventName = keyof LiveEvents;
export const LIVE_EVENT_NAMES: readonly LiveEventName[] = [
  'reading.created',
  'device.state',
  'alarm.opened',
  'alarm.cleared',
  'alarm.acknowledged',
];

/** Room of one tenant; a socket joins the rooms of every tenant it may watch, ancestors' watchers included. */
export const tenantRoom = (tenantId: string) => `tenant:${tenantId}`;
