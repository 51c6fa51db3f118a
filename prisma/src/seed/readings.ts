import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { insertMeterDaysFromReadings } from '../rollups';
import { DAY_MS, HOUR_MS, ISTANBUL_OFFSET_MS, type SeedContext } from './context';
import type { Random } from './random';
import type { ReadingSeries } from './scenarios';

const normalise = (w: number[]) => {
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
};

/** Share of a day's water drawn in each local hour: morning and evening peaks, almost nothing at night. */
const HOUSEHOLD_WEEKDAY = normalise([
  0.8, 0.4, 0.3, 0.3, 0.5, 1.5, 5.5, 9, 8, 5.5, 4.5, 4.2, 4.5, 4.5, 3.8, 3.6, 4, 5.5, 7.5, 8.5, 8, 6.5, 4.5, 2.5,
]);
/** Weekends start later and spread the use over the day. */
const HOUSEHOLD_WEEKEND = normalise([
  1.2, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 3, 6, 8.5, 9, 7.5, 6, 5.5, 5, 4.5, 4.5, 5, 6.5, 7.5, 7.5, 6.5, 5, 3,
]);
/** Premises open in working hours. */
const BUSINESS = normalise([0.3, 0.2, 0.2, 0.2, 0.2, 0.3, 1, 3, 7, 8.5, 8.5, 8, 8.5, 8, 7.5, 7, 6.5, 5, 3, 2, 1.5, 1, 0.5, 0.3]);
/** Day-of-week multipliers, Sunday first. */
const HOUSEHOLD_DOW = [1.12, 0.97, 0.97, 0.97, 0.97, 1, 1.12];
const BUSINESS_DOW = [0.35, 1.05, 1.05, 1.05, 1.05, 1.05, 0.6];

export const READING_COLUMNS = [
  'time',
  'device_id',
  'meter_id',
  'subscription_id',
  'tenant_id',
  'index_m3',
  'consumption_m3',
  'battery_pct',
  'rssi',
  'snr',
  'alarms',
  'valve_state',
  'source',
  'quality',
  'decoded',
] as const;

/** COPY text format: backslash, tab, newline and carriage return must be escaped; \N is NULL. */
export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Litres drawn by extra flows (leaks) during (endMs - stepMs, endMs]. */
function extraLitres(s: ReadingSeries, endMs: number): number {
  let litres = 0;
  for (const f of s.extraFlows) {
    const from = Math.max(f.fromMs, endMs - s.stepMs);
    const to = Math.min(f.toMs ?? Infinity, endMs);
    if (to > from) litres += (f.litresPerHour * (to - from)) / HOUR_MS;
  }
  return litres;
}

/** Reading times repeat across devices: each is formatted once per run. */
function formatTime(cache: Map<number, string>, ms: number): string {
  let text = cache.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    cache.set(ms, text);
  }
  return text;
}

/** Litres as m³ with three decimals, without going through floating point. */
function m3(litres: number): string {
  const frac = litres % 1000;
  return `${(litres - frac) / 1000}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

/** The readings of one device as COPY text; fills `s.result`. */
export function generateSeries(s: ReadingSeries, rng: Random, times = new Map<number, string>()): string {
  const a = s.asset;
  // Every other field is built from digits, enum names and ISO times, which COPY text never needs to escape.
  const ids = [a.deviceId, a.meterId, a.subscription.id, a.subscription.tenantId].map(copyText).join('\t');
  const firstMs = s.endMs - (s.count - 1) * s.stepMs;
  const stepH = s.stepMs / HOUR_MS;
  const hasValve = a.meterProfile.hasValve;
  const dayFactors = new Map<number, number>();
  const leakFromMs = s.extraFlows.find((f) => f.toMs === null)?.fromMs ?? Infinity;
  let acc = s.startLitres;
  let prev = s.startLitres;
  let day = -1;
  let dayLitres = 0;
  let highUsageStartMs: number | null = null;
  let highUsageDayLitres = 0;
  let out = '';

  for (let i = 0; i < s.count; i++) {
    const t = firstMs + i * s.stepMs;
    // The interval a reading closes is (t - step, t]; its middle decides the local hour and day.
    const mid = t - s.stepMs / 2 + ISTANBUL_OFFSET_MS;
    const midDay = Math.floor(mid / DAY_MS);
    const hour = Math.floor(mid / HOUR_MS) % 24;
    const dow = (midDay + 4) % 7; // 1970-01-01 was a Thursday
    let dayFactor = dayFactors.get(midDay);
    if (dayFactor === undefined) {
      dayFactor = rng.float(0.85, 1.15);
      dayFactors.set(midDay, dayFactor);
    }
    const weekend = dow === 0 || dow === 6;
    const weight = s.curve === 'HOUSEHOLD' ? (weekend ? HOUSEHOLD_WEEKEND : HOUSEHOLD_WEEKDAY)[hour] : BUSINESS[hour];
    const dowFactor = (s.curve === 'HOUSEHOLD' ? HOUSEHOLD_DOW : BUSINESS_DOW)[dow];
    const closed = s.valveClosedFromMs !== null && t - s.stepMs >= s.valveClosedFromMs;
    let litres = closed ? 0 : s.dailyLitres * dayFactor * dowFactor * weight * stepH * Math.max(0, 1 + s.noise * rng.gaussian());
    if (!closed) litres += extraLitres(s, t);
    acc += litres;
    const index = Math.floor(acc);
    const delta = index - prev;
    prev = index;

    const tDay = Math.floor((t + ISTANBUL_OFFSET_MS) / DAY_MS);
    if (tDay !== day) {
      day = tDay;
      dayLitres = 0;
    }
    dayLitres += delta;
    if (highUsageStartMs === null && t >= leakFromMs && dayLitres > s.thresholdLitres) {
      highUsageStartMs = t;
      highUsageDayLitres = dayLitres;
    }

    const b = s.battery;
    const battery =
      b.lowFromMs === null
        ? b.startPct - (b.perDayPct * (t - firstMs)) / DAY_MS
        : t < b.lowFromMs
          ? 10.05 + (0.12 * (b.lowFromMs - t)) / DAY_MS
          : 9.9 - (0.12 * (t - b.lowFromMs)) / DAY_MS;
    const rssi = Math.round(s.rssiBase + rng.gaussian() * 3);
    const snr = (s.snrBase + rng.gaussian() * 1.2).toFixed(1);
    let alarms = '';
    for (const f of s.flags) if (t >= f.fromMs && (f.toMs === null || t < f.toMs)) alarms += (alarms ? ',' : '') + f.type;
    const valve = hasValve ? (closed ? 'CLOSED' : 'OPEN') : '\\N';

    out += `${formatTime(times, t)}\t${ids}\t${m3(index)}\t${m3(delta)}\t${battery.toFixed(2)}\t${rssi}\t${snr}\t{${alarms}}\t${valve}\tNETWORK\tVALID\t\\N\n`;
  }
  s.result = { lastMs: s.endMs, lastLitres: prev, highUsageStartMs, highUsageDayLitres };
  return out;
}

/** Streams every series into `reading` with one COPY; rows are generated while PostgreSQL ingests. */
export async function copyReadings(ctx: SeedContext, series: ReadingSeries[]): Promise<number> {
  const copy = ctx.client.query(copyFrom(`COPY reading (${READING_COLUMNS.join(', ')}) FROM STDIN`));
  const rng = ctx.rng;
  // In primary-key order each row lands on the rightmost leaf of reading_pkey (B-tree fast path).
  const ordered = [...series].sort((a, b) => (a.asset.deviceId < b.asset.deviceId ? -1 : 1));
  const times = new Map<number, string>();
  function* chunks() {
    for (const s of ordered) yield generateSeries(s, rng, times);
  }
  await pipeline(Readable.from(chunks()), copy);
  ctx.counts.reading = (ctx.counts.reading ?? 0) + copy.rowCount;
  return copy.rowCount;
}

/** Daily totals per meter in the tenant's zone, and each device's and meter's latest state. */
export async function deriveFromReadings(ctx: SeedContext): Promise<void> {
  const daily = await insertMeterDaysFromReadings().execute(ctx.db);
  ctx.counts.meter_daily_consumption = Number(daily.numAffectedRows ?? 0);

  // One index probe per device/meter (LATERAL … LIMIT 1) instead of sorting every reading.
  await sql`
    UPDATE device d
       SET last_seen_at = l.time, battery_pct = l.battery_pct, rssi = l.rssi, snr = l.snr
      FROM device x
      CROSS JOIN LATERAL (SELECT r.time, r.battery_pct, r.rssi, r.snr FROM reading r
                           WHERE r.device_id = x.id ORDER BY r.time DESC LIMIT 1) l
     WHERE d.id = x.id`.execute(ctx.db);

  await sql`
    UPDATE meter m
       SET last_index_m3 = l.index_m3, last_reading_at = l.time
      FROM meter x
      CROSS JOIN LATERAL (SELECT r.time, r.index_m3 FROM reading r
                           WHERE r.meter_id = x.id ORDER BY r.time DESC LIMIT 1) l
     WHERE m.id = x.id`.execute(ctx.db);
}
