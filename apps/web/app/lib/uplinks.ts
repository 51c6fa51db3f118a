/**
 * Pure helpers of the uplink inspector: payload encodings, radio metadata, time ranges and the
 * re-decode run's requests and progress (apps/api modules/ingest/uplinks.controller.ts).
 */
import type { ApiBody, ApiSchema } from '~/lib/api-client';

export const UPLINK_STATUSES = ['FAILED', 'DECODED', 'RECEIVED'] as const;
export type UplinkStatus = (typeof UPLINK_STATUSES)[number];

/** The time ranges the inspector offers, newest edge at "now". */
export const UPLINK_RANGES = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
} as const;
export type UplinkRange = keyof typeof UPLINK_RANGES;
export const DEFAULT_UPLINK_RANGE: UplinkRange = '7d';

export function isUplinkRange(value: unknown): value is UplinkRange {
  return typeof value === 'string' && Object.hasOwn(UPLINK_RANGES, value);
}

export function isUplinkStatus(value: unknown): value is UplinkStatus {
  return typeof value === 'string' && (UPLINK_STATUSES as readonly string[]).includes(value);
}

/** The instants of a range ending at `now`. */
export function rangeBounds(range: UplinkRange, now: number): { from: string; to: string } {
  return { from: new Date(now - UPLINK_RANGES[range]).toISOString(), to: new Date(now).toISOString() };
}

/** Base64 of a hexadecimal payload (what TTS and ChirpStack show); an odd or non-hex string gives null. */
export function hexToBase64(hex: string): string | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  let binary = '';
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(Number.parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}

/** Hex in byte pairs, easier to read against a decoder: "0a1b2c" gives "0a 1b 2c". */
export function spacedHex(hex: string): string {
  return hex.match(/.{1,2}/g)?.join(' ') ?? '';
}

export interface UplinkRx {
  rssi: number | null;
  snr: number | null;
  gatewayCount: number | null;
  /** How the uplink came in: http or mqtt and the network server. */
  source: string | null;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The API stores the receive metadata as JSON ({ rssi, snr, gatewayCount, source }); anything else reads as unknown. */
export function readRx(rx: unknown): UplinkRx {
  const r = rx && typeof rx === 'object' ? (rx as Record<string, unknown>) : {};
  return { rssi: num(r.rssi), snr: num(r.snr), gatewayCount: num(r.gatewayCount), source: typeof r.source === 'string' ? r.source : null };
}

/** Who a re-decode run covers: one device or one integration. */
export type RedecodeScope = { deviceId: string } | { integrationId: string };

/** POST /api/uplinks/redecode */
export type RedecodeBody = ApiBody<'/api/uplinks/redecode', 'post'>;

/** Re-decode the failed uplinks of a device or an integration received within the range. */
export function rangeRedecodeBody(scope: RedecodeScope, range: UplinkRange, now: number): RedecodeBody {
  return { ...scope, status: 'FAILED', ...rangeBounds(range, now) };
}

/**
 * Re-decode one uplink. The API wants a time range as well: a second either side of its receive time
 * (the answer's ISO time drops the database's microseconds).
 */
export function singleRedecodeBody(uplink: { id: string; deviceId: string; receivedAt: string }): RedecodeBody {
  const at = Date.parse(uplink.receivedAt);
  return {
    deviceId: uplink.deviceId,
    uplinkIds: [uplink.id],
    status: 'ANY',
    from: new Date(at - 1_000).toISOString(),
    to: new Date(at + 1_000).toISOString(),
  };
}

/** GET /api/uplinks/redecode/:jobId */
export type RedecodeStatus = ApiSchema<'RedecodeStatusDto'>;
export type RedecodeState = RedecodeStatus['state'];

/** A run is over once BullMQ calls it completed or failed; polling stops then. */
export function isRedecodeFinished(state: RedecodeState): boolean {
  return state === 'completed' || state === 'failed';
}

export interface RedecodeSummary {
  /** 0–100, whole numbers; 100 only once every uplink was done. */
  percent: number;
  finished: boolean;
  /** Finished, and the run itself did not fail (single uplinks may still fail to decode). */
  succeeded: boolean;
  done: number;
  total: number;
  stored: number;
  failed: number;
}

export function summarizeRedecode(status: RedecodeStatus): RedecodeSummary {
  const { total, done, stored, failed } = status.progress;
  const finished = isRedecodeFinished(status.state);
  const succeeded = status.state === 'completed';
  let percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : succeeded ? 100 : 0;
  if (succeeded) percent = 100;
  return { percent, finished, succeeded, done, total, stored, failed };
}

/** Pretty JSON of a decoded result for the expandable row. */
export function prettyJson(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value, null, 2);
}
