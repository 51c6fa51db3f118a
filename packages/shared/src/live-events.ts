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
  /** The open subscription the device's meter serves (a map marker), when known. */
  subscriptionId?: string | null;
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

/**
 * Device states of one tenant in one map cell (a viewport room, issue 22), coalesced as readings.batch is:
 * at most one message per room and LIVE_COALESCE_MS with each device's newest state. Only sockets that
 * asked for the cell with 'viewport.subscribe' get it.
 */
export interface ViewportBatchEvent {
  tenantId: string;
  cell: string;
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
  'viewport.batch': ViewportBatchEvent;
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

/**
 * Map cells of the viewport rooms: slippy-map tiles at one fixed zoom, named `z/x/y`. At zoom 12 a cell is
 * about 7.5 km wide in Türkiye, so a city's view is a few dozen cells and a country's view too many (the
 * console then stays on its tenant rooms alone).
 */
export const LIVE_CELL_ZOOM = 12;
/** A viewport of more cells than this is refused by the gateway (and not asked for by the console). */
export const MAX_VIEWPORT_CELLS = 256;
const CELL_PATTERN = /^12\/(\d{1,4})\/(\d{1,4})$/;

const tileX = (lng: number) => Math.floor(((lng + 180) / 360) * 2 ** LIVE_CELL_ZOOM);
function tileY(lat: number): number {
  const clamped = Math.max(-85.0511, Math.min(85.0511, lat));
  const r = (clamped * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** LIVE_CELL_ZOOM);
}
const inRange = (i: number) => Math.min(2 ** LIVE_CELL_ZOOM - 1, Math.max(0, i));

/** The cell of a point. */
export function liveCell(lat: number, lng: number): string {
  return `${LIVE_CELL_ZOOM}/${inRange(tileX(lng))}/${inRange(tileY(lat))}`;
}

/** Whether a string names a cell at LIVE_CELL_ZOOM (the gateway takes nothing else). */
export function isLiveCell(cell: unknown): cell is string {
  const m = typeof cell === 'string' ? CELL_PATTERN.exec(cell) : null;
  return !!m && Number(m[1]) < 2 ** LIVE_CELL_ZOOM && Number(m[2]) < 2 ** LIVE_CELL_ZOOM;
}

/** The cells a bounding box covers, or null when they are more than MAX_VIEWPORT_CELLS. */
export function liveCellsIn(box: { south: number; west: number; north: number; east: number }): string[] | null {
  const [x0, x1] = [inRange(tileX(box.west)), inRange(tileX(box.east))];
  const [y0, y1] = [inRange(tileY(box.north)), inRange(tileY(box.south))];
  if (x1 < x0 || (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_VIEWPORT_CELLS) return null;
  const cells: string[] = [];
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) cells.push(`${LIVE_CELL_ZOOM}/${x}/${y}`);
  return cells;
}

/** Room of one tenant's devices in one cell: a socket joins it only for tenants it may watch. */
export const cellRoom = (tenantId: string, cell: string) => `cell:${tenantId}:${cell}`;
