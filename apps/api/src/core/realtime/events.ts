import type { AlarmType, ValveState } from '@water/shared';

/** Events pushed to the console over Socket.io; the one map of names to payloads. */
export interface ServerEvents {
  'reading.created': (e: ReadingEvent) => void;
  'device.state': (e: DeviceStateEvent) => void;
  'alarm.opened': (e: AlarmEvent) => void;
  'alarm.cleared': (e: AlarmEvent) => void;
  'alarm.acknowledged': (e: AlarmEvent & { acknowledgedAt: string; acknowledgedBy: string }) => void;
}

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

/** Room of one tenant; a socket joins the rooms of every tenant it may watch, ancestors' watchers included. */
export const tenantRoom = (tenantId: string) => `tenant:${tenantId}`;
