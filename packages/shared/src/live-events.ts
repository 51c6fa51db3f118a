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
  /** The quality the validation rules gave the reading on arrival (issue 17), as GET /api/readings/live shows it. */
  quality: 'VALID' | 'SUSPECT' | 'ESTIMATED' | 'EDITED';
  /** The rule that set it (e.g. backward-index, spike), or rollover on a VALID reading; null when none fired. */
  qualityRule: string | null;
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

/** Someone worked on an alarm (issue 21): assigned or unassigned it, added a note, or closed it. */
export interface UpdatedAlarmEvent extends AlarmEvent {
  change: 'ASSIGNED' | 'UNASSIGNED' | 'NOTE' | 'CLOSED';
  /** When and by whom. */
  at: string;
  by: string;
  assignedTo: string | null;
  closedAt: string | null;
}

/** Progress of an import job (issue 17), to the watchers of its tenant, at most every half second and at the end. */
export interface ImportProgressEvent {
  jobId: string;
  tenantId: string;
  kind: 'READINGS' | 'METERS' | 'CUSTOMERS' | 'DEVICES';
  dryRun: boolean;
  status: 'RUNNING' | 'DONE' | 'FAILED';
  /** check: every row is read and checked; write: a clean file is written. Null once finished. */
  phase: 'check' | 'write' | null;
  /** Rows of the current phase read so far. */
  doneRows: number;
  totalRows: number;
  createdRows: number;
  unchangedRows: number;
  failedRows: number;
  message: string | null;
}

/** Progress of a billing run (issue 18), to the watchers of its tenant, after each batch and at the end. */
export interface BillingRunProgressEvent {
  runId: string;
  tenantId: string;
  /** First day of the period (YYYY-MM-DD). */
  periodStart: string;
  status: 'QUEUED' | 'RUNNING' | 'DRAFT' | 'ISSUING' | 'ISSUED' | 'FAILED';
  subscriptionsTotal: number;
  subscriptionsDone: number;
  invoiceCount: number;
  /** Invoices issued so far (while issuing). */
  issuedCount: number;
  problemCount: number;
  grossKurus: number;
  message: string | null;
}

/** A notification for the connected user (issue 19), to that user's own room only, with the new unread count. */
export interface NotificationCreatedEvent {
  id: string;
  tenantId: string;
  eventType: string;
  severity: 'INFO' | 'SUCCESS' | 'WARNING' | 'CRITICAL';
  title: string;
  body: string;
  createdAt: string;
  unreadCount: number;
}

/**
 * Readings and device states of one tenant, coalesced by each publishing process over LIVE_COALESCE_MS
 * (issue 22): at most one message per room and interval, with each device's newest reading and state only.
 * Clients unpack it into 'reading.created' and 'device.state' (unpackReadingsBatch), so views keep their listeners.
 */
export interface ReadingsBatchEvent {
  tenantId: string;
  readings: ReadingEvent[];
  states: DeviceStateEvent[];
}

/** Event name → payload. */
export interface LiveEvents {
  'reading.created': ReadingEvent;
  'device.state': DeviceStateEvent;
  'alarm.opened': AlarmEvent;
  'alarm.cleared': AlarmEvent;
  'alarm.acknowledged': AcknowledgedAlarmEvent;
  'alarm.updated': UpdatedAlarmEvent;
  'import.progress': ImportProgressEvent;
  'notification.created': NotificationCreatedEvent;
  'billing-run.progress': BillingRunProgressEvent;
  'readings.batch': ReadingsBatchEvent;
}
export type LiveEventName = keyof LiveEvents;
export const LIVE_EVENT_NAMES: readonly LiveEventName[] = [
  'reading.created',
  'device.state',
  'alarm.opened',
  'alarm.cleared',
  'alarm.acknowledged',
  'alarm.updated',
  'import.progress',
  'notification.created',
  'billing-run.progress',
];

/** The events a 'readings.batch' stands for, in its order: readings first, then device states. */
export function unpackReadingsBatch(
  batch: ReadingsBatchEvent,
): ({ name: 'reading.created'; payload: ReadingEvent } | { name: 'device.state'; payload: DeviceStateEvent })[] {
  return [
    ...(batch.readings ?? []).map((payload) => ({ name: 'reading.created' as const, payload })),
    ...(batch.states ?? []).map((payload) => ({ name: 'device.state' as const, payload })),
  ];
}

/** Room of one tenant; a socket joins the rooms of every tenant it may watch, ancestors' watchers included. */
export const tenantRoom = (tenantId: string) => `tenant:${tenantId}`;
/** Room of one user (issue 19): every socket of the user joins it, whatever tenants it watches. */
export const userRoom = (userId: string) => `user:${userId}`;
