import { Injectable } from '@nestjs/common';
import { sql, type SelectQueryBuilder } from 'kysely';
import type { DB } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { executePrepared } from '../../core/database/prepared';
import { matchesSearch } from '../../core/database/search';
import { NO_POINTS, sortedByTime, type DeviceSpan, type RollupDay, type WindowPoints } from './consumption-buckets';
import type { ConsumptionInterval, LiveReadingRecord, LiveSort, ReadingRecord } from './readings.dto';

/** The live readings table counts at most this many rows (enough for 333 pages of 30). */
export const LIVE_COUNT_CAP = 10_000;

/** A stretch of time during which one meter's readings count for a series (a subscription's meter period). */
export interface MeterWindow {
  meterId: string;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** A window and the part of the asked range to read for it. */
export interface RangedWindow extends MeterWindow {
  from: Date;
  to: Date;
}

/** What a live-table search found: meters by serial, subscriptions by number or customer name. */
export interface LiveSearchMatch {
  meterIds: string[];
  subscriptionIds: string[];
  /** The meters of both (the subscriptions' meters of every period): the index the readings are read by. */
  allMeterIds: string[];
}

/** A live-table search matching at most this many meters reads each meter's newest readings apart (one index probe each). */
export const LIVE_SEARCH_PROBE_MAX = 200;

const LIVE_SORT_COLUMNS = {
  time: 'r.time',
  index: 'r.index_m3',
  consumption: 'r.consumption_m3',
  battery: 'r.battery_pct',
  rssi: 'r.rssi',
  snr: 'r.snr',
} as const satisfies Record<LiveSort, string>;

export interface LiveFilter {
  tenantIds: string[];
  meterId?: string;
  match?: LiveSearchMatch;
  sort: LiveSort;
  order: 'asc' | 'desc';
  brandId?: string;
  from?: Date;
  to?: Date;
  before?: { time: Date; deviceId: string };
  skip: number;
  take: number;
  /** Count the matching rows (capped) too; never in keyset mode. */
  count: boolean;
}

/** What an hourly answer reads (ReadingsRepository.hourWindows). */
export interface HourWindows {
  /** The zone the days were cut in: the one given, or the meter's tenant's (null: no such meter visible). */
  timeZone: string | null;
  /** The zone's local midnights from the day `from` falls in to the one after the day before `to` (epoch ms). */
  dayStarts: number[];
  points: WindowPoints[];
  /** Per window, its estimated readings in the range (time and litres of consumption). */
  estimated: EstimatedPoint[][];
  /** Serials of the devices that alone sent a window's points (others: ReadingsRepository.deviceSerials). */
  serials: Map<string, string>;
}

export interface EstimatedPoint {
  timeMs: number;
  litres: number;
}

/** The windows as a table (ord, meter_id, range_from, range_to, started_at, ended_at); open periods as ±infinity. */
function windowsTable(windows: RangedWindow[]) {
  return sql`
    SELECT w.ord, w.meter_id, w.range_from, w.range_to,
           coalesce(w.started_at, '-infinity'::timestamptz) AS started_at,
           coalesce(w.ended_at, 'infinity'::timestamptz) AS ended_at
      FROM unnest(${windows.map((w) => w.meterId)}::uuid[], ${windows.map((w) => w.startedAt)}::timestamptz[],
                  ${windows.map((w) => w.endedAt)}::timestamptz[], ${windows.map((w) => w.from)}::timestamptz[],
                  ${windows.map((w) => w.to)}::timestamptz[]) WITH ORDINALITY AS w(meter_id, started_at, ended_at, range_from, range_to, ord)`;
}

/**
 * One window's points (windowPoints) as one row, for `w` of windowsTable: their count, times (epoch ms)
 * and indexes (litres) as comma-joined integers, and the lowest and highest device id.
 */
const pointsOfWindow = sql`
  SELECT count(*)::int AS n,
         string_agg((date_part('epoch', x.time) * 1000)::bigint::text, ',') AS t,
         string_agg((x.index_m3 * 1000)::bigint::text, ',') AS l,
         min(x.device_id::text COLLATE "C") AS d1, max(x.device_id::text COLLATE "C") AS d2
    FROM ((SELECT r.time, r.index_m3, r.device_id
             FROM reading r
            WHERE r.meter_id = w.meter_id AND r.time >= w.started_at AND r.time < least(w.range_from, w.ended_at)
            ORDER BY r.time DESC LIMIT 1)
          UNION ALL
          (SELECT r.time, r.index_m3, r.device_id
             FROM reading r
            WHERE r.meter_id = w.meter_id AND r.time >= greatest(w.started_at, w.range_from) AND r.time < least(w.ended_at, w.range_to))
         ) x`;

/** A row of pointsOfWindow as columns; 'swap' when more than one device sent them (read again row by row). */
function columnsOf(r: { n: number; t: string | null; l: string | null; d1: string | null; d2: string | null }): WindowPoints | 'swap' {
  if (r.n === 0 || r.t === null || r.l === null) return NO_POINTS;
  if (r.d1 !== r.d2) return 'swap';
  // JSON.parse reads a list of integers ~4× faster than split + Number (B4, 2026-12-05).
  // Index order already; sortedByTime checks it, which keeps the statement free of a sort node.
  return sortedByTime({ times: JSON.parse(`[${r.t}]`) as number[], litres: JSON.parse(`[${r.l}]`) as number[], devices: r.d1! });
}

/** Time-series reads over `reading` with Kysely; plain PostgreSQL, TimescaleDB optional. */
@Injectable()
export class ReadingsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  meter(id: string) {
    return this.db
      .selectFrom('meter as m')
      .innerJoin('tenant as t', 't.id', 'm.tenant_id')
      .select(['m.id', 'm.tenant_id', 'm.serial_no', 't.time_zone'])
      .where('m.id', '=', id)
      .executeTakeFirst();
  }

  device(id: string) {
    return this.db
      .selectFrom('device as d')
      .innerJoin('tenant as t', 't.id', 'd.tenant_id')
      .select(['d.id', 'd.tenant_id', 'd.serial_no', 't.time_zone'])
      .where('d.id', '=', id)
      .executeTakeFirst();
  }

  subscription(id: string) {
    return this.db
      .selectFrom('subscription as s')
      .innerJoin('tenant as t', 't.id', 's.tenant_id')
      .select(['s.id', 's.tenant_id', 's.subscription_no', 't.time_zone'])
      .where('s.id', '=', id)
      .executeTakeFirst();
  }

  customer(id: string) {
    return this.db
      .selectFrom('customer as c')
      .innerJoin('tenant as t', 't.id', 'c.tenant_id')
      .select(['c.id', 'c.tenant_id', 't.time_zone'])
      .where('c.id', '=', id)
      .executeTakeFirst();
  }

  /** Meter periods of subscriptions, oldest first. */
  periods(subscriptionIds: string[]) {
    if (subscriptionIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('subscription_meter as sm')
      .innerJoin('meter as m', 'm.id', 'sm.meter_id')
      .innerJoin('subscription as s', 's.id', 'sm.subscription_id')
      .select(['sm.id', 'sm.subscription_id', 's.subscription_no', 'sm.meter_id', 'm.serial_no', 'sm.started_at', 'sm.ended_at'])
      .where('sm.subscription_id', 'in', subscriptionIds)
      .orderBy('sm.started_at')
      .execute();
  }

  subscriptionsOfCustomer(customerId: string) {
    return this.db
      .selectFrom('subscription')
      .select(['id', 'subscription_no'])
      .where('customer_id', '=', customerId)
      .orderBy('subscription_no')
      .execute();
  }

  async readingsPage(
    on: { meterId: string } | { deviceId: string },
    from: Date | undefined,
    to: Date | undefined,
    skip: number,
    take: number,
    withCount: boolean,
  ): Promise<{ rows: ReadingRecord[]; total: number | null }> {
    const base = this.db
      .selectFrom('reading as r')
      .$if('meterId' in on, (q) => q.where('r.meter_id', '=', (on as { meterId: string }).meterId))
      .$if('deviceId' in on, (q) => q.where('r.device_id', '=', (on as { deviceId: string }).deviceId))
      .$if(Boolean(from), (q) => q.where('r.time', '>=', from!))
      .$if(Boolean(to), (q) => q.where('r.time', '<', to!));
    // One statement: the page's rows and, on a page that counts, the total beside each row (an
    // uncorrelated subquery, run once), as a named prepared statement: a history page is one round trip
    // whose SQL PostgreSQL parses once per connection (B2). Only an empty page past the first asks again.
    const rows = await executePrepared(
      this.database.pool,
      'readings-page',
      base
        .leftJoin('device as d', 'd.id', 'r.device_id')
        .leftJoin('meter as m', 'm.id', 'r.meter_id')
        .select([
          'r.time',
          'r.device_id',
          'd.serial_no as device_serial_no',
          'r.meter_id',
          'm.serial_no as meter_serial_no',
          'r.subscription_id',
          'r.index_m3',
          'r.consumption_m3',
          'r.battery_pct',
          'r.rssi',
          'r.snr',
          sql<string[]>`r.alarms::text[]`.as('alarms'),
          'r.valve_state',
          'r.source',
          'r.quality',
          'r.quality_rule',
          'r.decoded',
        ])
        .$if(withCount, (q) => q.select(() => base.select((eb) => eb.fn.countAll<string>().as('n')).as('total')))
        .orderBy('r.time', 'desc')
        .orderBy('r.device_id', 'desc')
        .offset(skip)
        .limit(take),
    );
    if (!withCount) return { rows, total: null };
    const counted = rows.length > 0 ? (rows[0] as { total?: string }).total : skip === 0 ? '0' : undefined;
    const total = counted ?? (await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    for (const row of rows) delete (row as { total?: string }).total;
    return { rows, total: Number(total) };
  }

  /**
   * The points each window's consumption is computed from (consumption-buckets.ts): its readings in
   * its range [from, to), sorted by time, and the last one before `from` inside the window as the
   * predecessor of the first. Read from the covering (meter_id, time) index only, one row per window:
   * times (epoch ms) and indexes (litres) as comma-joined integers and the window's lowest and highest
   * device id. A year of hours was 8,760 rows of three columns to parse (B4); now it is two strings.
   * A window read from more than one device (a swap) is read again row by row for each point's device.
   */
  async windowPoints(windows: RangedWindow[]): Promise<WindowPoints[]> {
    if (windows.length === 0) return [];
    const { rows } = await sql<{ w: number; n: number; t: string | null; l: string | null; d1: string | null; d2: string | null }>`
      WITH w AS (${windowsTable(windows)})
      SELECT w.ord::int AS w, p.n, p.t, p.l, p.d1, p.d2
        FROM w CROSS JOIN LATERAL (${pointsOfWindow}) p`.execute(this.db);
    return this.withSwaps(
      windows,
      rows.map((r) => ({ i: r.w - 1, points: columnsOf(r) })),
      windows.map((): WindowPoints => NO_POINTS),
    );
  }

  /** The points of each window, those of swap windows read again row by row with each point's device. */
  private async withSwaps(windows: RangedWindow[], read: { i: number; points: WindowPoints | 'swap' }[], out: WindowPoints[]) {
    const swapped: number[] = [];
    for (const { i, points } of read) {
      if (points === 'swap') swapped.push(i);
      else out[i] = points;
    }
    if (swapped.length > 0) {
      const again = await this.windowPointRows(swapped.map((i) => windows[i]));
      swapped.forEach((i, j) => (out[i] = again[j]));
    }
    return out;
  }

  /**
   * An hourly answer's reads in one round trip (B4: six statements a year of hours were six wake-ups of
   * a backend on the same two cores): windowPoints' points of windows that all cover [from, to), each
   * window's estimated readings and, when one device sent all its points, that device's serial; and the
   * zone's local midnights over the range (localDays), in the first row only. The zone is given, or
   * read here from a meter's tenant (a meter whose tenant the caller knows: one statement less before).
   */
  async hourWindows(windows: RangedWindow[], from: Date, to: Date, zone: string | { meterId: string }): Promise<HourWindows> {
    const { rows } = await sql<{
      z: string;
      b: string | null;
      w: number | null;
      n: number;
      t: string | null;
      l: string | null;
      d1: string | null;
      d2: string | null;
      s: string | null;
      et: string | null;
      el: string | null;
    }>`
      WITH w AS (${windowsTable(windows)}),
      zone AS (${
        typeof zone === 'string'
          ? sql`SELECT ${zone}::text AS z`
          : sql`SELECT t.time_zone AS z FROM meter m JOIN tenant t ON t.id = m.tenant_id WHERE m.id = ${zone.meterId}`
      }),
      days AS (
        SELECT zone.z, string_agg((date_part('epoch', g AT TIME ZONE zone.z) * 1000)::text, ',' ORDER BY g) AS b
          FROM zone, generate_series(date_trunc('day', ${from}::timestamptz AT TIME ZONE zone.z),
                                     date_trunc('day', (${to}::timestamptz - interval '1 millisecond') AT TIME ZONE zone.z) + interval '1 day',
                                     interval '1 day') AS g
         GROUP BY zone.z)
      SELECT days.z, CASE WHEN x.w IS NULL OR x.w = 1 THEN days.b END AS b, x.*
        FROM days LEFT JOIN LATERAL (
             SELECT w.ord::int AS w, p.n, p.t, p.l, p.d1, p.d2, dv.serial_no AS s, e.t AS et, e.l AS el
               FROM w CROSS JOIN LATERAL (${pointsOfWindow}) p
               LEFT JOIN device dv ON p.d1 = p.d2 AND dv.id = p.d1::uuid
              CROSS JOIN LATERAL (
                      SELECT string_agg((date_part('epoch', r.time) * 1000)::text, ',') AS t,
                             string_agg(((r.consumption_m3 * 1000)::float8)::text, ',') AS l
                        FROM reading r
                       WHERE r.meter_id = w.meter_id AND r.quality = 'ESTIMATED' AND r.consumption_m3 IS NOT NULL
                         AND r.time >= greatest(w.started_at, w.range_from) AND r.time < least(w.ended_at, w.range_to)
                    ) e
             ) x ON true
       ORDER BY x.w`.execute(this.db);
    const out: HourWindows = {
      timeZone: rows[0]?.z ?? null,
      dayStarts: [],
      points: windows.map((): WindowPoints => NO_POINTS),
      estimated: windows.map(() => []),
      serials: new Map(),
    };
    const read: { i: number; points: WindowPoints | 'swap' }[] = [];
    for (const r of rows) {
      if (r.b !== null) out.dayStarts = (JSON.parse(`[${r.b}]`) as number[]).map(Math.round);
      if (r.w === null) continue;
      const i = r.w - 1;
      if (r.et !== null && r.el !== null) {
        const litres = JSON.parse(`[${r.el}]`) as number[];
        out.estimated[i] = (JSON.parse(`[${r.et}]`) as number[]).map((t, j) => ({ timeMs: Math.round(t), litres: Math.round(litres[j]) }));
      }
      if (r.s !== null) out.serials.set(r.d1!, r.s);
      read.push({ i, points: columnsOf(r) });
    }
    await this.withSwaps(windows, read, out.points);
    return out;
  }

  /** windowPoints row by row, each point with its device: for windows read from more than one device. */
  private async windowPointRows(windows: RangedWindow[]): Promise<WindowPoints[]> {
    const { rows } = await sql<{ w: number; t: number; l: number; d: string }>`
      WITH w AS (${windowsTable(windows)})
      SELECT w.ord::int AS w, p.t, p.l, p.d
        FROM w CROSS JOIN LATERAL (
               (SELECT date_part('epoch', r.time) * 1000 AS t, (r.index_m3 * 1000)::float8 AS l, r.device_id::text AS d
                  FROM reading r
                 WHERE r.meter_id = w.meter_id AND r.time >= w.started_at AND r.time < least(w.range_from, w.ended_at)
                 ORDER BY r.time DESC LIMIT 1)
               UNION ALL
               (SELECT date_part('epoch', r.time) * 1000, (r.index_m3 * 1000)::float8, r.device_id::text
                  FROM reading r
                 WHERE r.meter_id = w.meter_id AND r.time >= greatest(w.started_at, w.range_from) AND r.time < least(w.ended_at, w.range_to))
             ) p`.execute(this.db);
    const out = windows.map(() => ({ times: [] as number[], litres: [] as number[], devices: [] as string[] }));
    for (const r of rows) {
      const points = out[r.w - 1];
      points.times.push(Math.round(r.t));
      points.litres.push(Math.round(r.l));
      points.devices.push(r.d);
    }
    return out.map(sortedByTime);
  }

  /**
   * Per window, the estimated readings in [from, to) within the window's period (time and litres of
   * consumption): the estimated share of the consumption answers, through the partial index on estimates.
   */
  async estimatedPoints(windows: RangedWindow[]): Promise<EstimatedPoint[][]> {
    if (windows.length === 0) return [];
    const { rows } = await sql<{ w: number; t: number; l: number }>`
      SELECT w.ord::int AS w, date_part('epoch', r.time) * 1000 AS t, (r.consumption_m3 * 1000)::float8 AS l
        FROM unnest(${windows.map((w) => w.meterId)}::uuid[], ${windows.map((w) => w.startedAt)}::timestamptz[],
                    ${windows.map((w) => w.endedAt)}::timestamptz[], ${windows.map((w) => w.from)}::timestamptz[],
                    ${windows.map((w) => w.to)}::timestamptz[]) WITH ORDINALITY AS w(meter_id, started_at, ended_at, range_from, range_to, ord)
        JOIN reading r ON r.meter_id = w.meter_id AND r.quality = 'ESTIMATED' AND r.consumption_m3 IS NOT NULL
                      AND r.time >= greatest(coalesce(w.started_at, '-infinity'::timestamptz), w.range_from)
                      AND r.time < least(coalesce(w.ended_at, 'infinity'::timestamptz), w.range_to)`.execute(this.db);
    const out = windows.map((): EstimatedPoint[] => []);
    for (const r of rows) out[r.w - 1].push({ timeMs: Math.round(r.t), litres: Math.round(r.l) });
    return out;
  }

  /**
   * Per window, each device's first and last reading in [from, to) and their count: which days one
   * device alone reported (consumption-buckets.ts planDays). One pass over the covering index.
   */
  async deviceSpans(windows: { meterId: string; from: Date; to: Date }[]): Promise<DeviceSpan[][]> {
    if (windows.length === 0) return [];
    const { rows } = await sql<{ w: number; d: string; f: number; l: number; n: number }>`
      SELECT w.ord::int AS w, s.d, s.f, s.l, s.n
        FROM unnest(${windows.map((w) => w.meterId)}::uuid[], ${windows.map((w) => w.from)}::timestamptz[],
                    ${windows.map((w) => w.to)}::timestamptz[]) WITH ORDINALITY AS w(meter_id, range_from, range_to, ord)
       CROSS JOIN LATERAL (
             SELECT r.device_id::text AS d, date_part('epoch', min(r.time)) * 1000 AS f, date_part('epoch', max(r.time)) * 1000 AS l, count(*)::int AS n
               FROM reading r
              WHERE r.meter_id = w.meter_id AND r.time >= w.range_from AND r.time < w.range_to
              GROUP BY r.device_id
           ) s`.execute(this.db);
    const out = windows.map((): DeviceSpan[] => []);
    for (const r of rows) out[r.w - 1].push({ deviceId: r.d, firstMs: Math.round(r.f), lastMs: Math.round(r.l), count: r.n });
    return out;
  }

  /**
   * The worker's daily rollup of the given meters for the local days overlapping [from, to), keyed
   * `meterId|YYYY-MM-DD`. Only rows of tenants whose zone is the asked one: their days are its days.
   */
  async dailyRollup(meterIds: string[], from: Date, to: Date, timeZone: string): Promise<Map<string, RollupDay>> {
    const out = new Map<string, RollupDay>();
    if (meterIds.length === 0) return out;
    const { rows } = await sql<{ m: string; d: string; l: number; n: number }>`
      SELECT dc.meter_id::text AS m, dc.day::text AS d, (dc.consumption_m3 * 1000)::float8 AS l, dc.reading_count AS n
        FROM meter_daily_consumption dc
        JOIN tenant t ON t.id = dc.tenant_id AND t.time_zone = ${timeZone}
       WHERE dc.meter_id = ANY(${[...new Set(meterIds)]}::uuid[])
         AND dc.day >= (${from}::timestamptz AT TIME ZONE ${timeZone})::date
         AND dc.day <= ((${to}::timestamptz - interval '1 millisecond') AT TIME ZONE ${timeZone})::date`.execute(this.db);
    for (const r of rows) out.set(`${r.m}|${r.d}`, { litres: Math.round(r.l), readingCount: r.n });
    return out;
  }

  /**
   * The zone's local midnights from the one starting the day `from` falls in to the one ending the
   * day before `to` (epoch ms, with the date): n + 1 bounds for the n local days overlapping the range.
   */
  async localDays(from: Date, to: Date, timeZone: string): Promise<{ startMs: number; day: string }[]> {
    const { rows } = await sql<{ b: number; d: string }>`
      SELECT date_part('epoch', g AT TIME ZONE ${timeZone}) * 1000 AS b, g::date::text AS d
        FROM generate_series(date_trunc('day', ${from}::timestamptz AT TIME ZONE ${timeZone}),
                             date_trunc('day', (${to}::timestamptz - interval '1 millisecond') AT TIME ZONE ${timeZone}) + interval '1 day',
                             interval '1 day') AS g`.execute(this.db);
    return rows.map((r) => ({ startMs: Math.round(r.b), day: r.d }));
  }

  /** Bucket starts (epoch ms) covering [from, to) in the zone's calendar: local hours, midnights or firsts of the month. */
  async bucketStarts(from: Date, to: Date, interval: ConsumptionInterval, timeZone: string): Promise<number[]> {
    const { rows } = await sql<{ b: number }>`
      SELECT date_part('epoch', g AT TIME ZONE ${timeZone}) * 1000 AS b
        FROM generate_series(date_trunc(${interval}, ${from}::timestamptz AT TIME ZONE ${timeZone}),
                             (${to}::timestamptz - interval '1 millisecond') AT TIME ZONE ${timeZone},
                             ('1 ' || ${interval})::interval) AS g`.execute(this.db);
    return rows.map((r) => Math.round(r.b));
  }

  deviceSerials(ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('device').select(['id', 'serial_no']).where('id', 'in', ids).execute();
  }

  /**
   * The live search's matches among the given tenants, each list capped at `cap` + 1 (the caller refuses
   * more): ids through the trigram indexes of `search_text` (water_search_ids), never a scan of readings.
   */
  async liveSearch(tenantIds: string[], term: string, cap: number): Promise<LiveSearchMatch> {
    if (tenantIds.length === 0) return { meterIds: [], subscriptionIds: [], allMeterIds: [] };
    const [meters, subscriptions] = await Promise.all([
      this.db
        .selectFrom('meter as m')
        .select('m.id')
        .where('m.tenant_id', 'in', tenantIds)
        .where(matchesSearch('meter', 'm.id', term))
        .limit(cap + 1)
        .execute(),
      this.db
        .selectFrom('subscription as s')
        .select('s.id')
        .where('s.tenant_id', 'in', tenantIds)
        .where((eb) => eb.or([matchesSearch('subscription', 's.id', term), matchesSearch('customer', 's.customer_id', term)]))
        .limit(cap + 1)
        .execute(),
    ]);
    const subscriptionIds = subscriptions.map((r) => r.id);
    const served =
      subscriptionIds.length === 0
        ? []
        : await this.db
            .selectFrom('subscription_meter')
            .select('meter_id')
            .distinct()
            .where('subscription_id', 'in', subscriptionIds)
            .execute();
    const meterIds = meters.map((r) => r.id);
    return { meterIds, subscriptionIds, allMeterIds: [...new Set([...meterIds, ...served.map((r) => r.meter_id)])] };
  }

  /** The Live Readings table (brief 2.2): newest first (or a sort of issue 21), page numbers or a keyset cursor. */
  async live(f: LiveFilter): Promise<{ rows: LiveReadingRecord[]; total: number | null; totalCapped: boolean }> {
    if (f.tenantIds.length === 0 || (f.match && f.match.allMeterIds.length === 0)) return { rows: [], total: 0, totalCapped: false };
    const match = f.match;
    const where = <O>(q: SelectQueryBuilder<DB & { r: DB['reading'] }, 'r', O>) =>
      q
        .where('r.tenant_id', 'in', f.tenantIds)
        .$if(Boolean(f.meterId), (q) => q.where('r.meter_id', '=', f.meterId!))
        .$if(Boolean(f.brandId), (q) =>
          q.where('r.meter_id', 'in', (eb) => eb.selectFrom('meter as bm').select('bm.id').where('bm.brand_id', '=', f.brandId!)),
        )
        .$if(Boolean(match), (q) =>
          q.where(
            sql<boolean>`(r.meter_id = ANY(${match!.meterIds}::uuid[]) OR r.subscription_id = ANY(${match!.subscriptionIds}::uuid[]))`,
          ),
        )
        .$if(Boolean(f.from), (q) => q.where('r.time', '>=', f.from!))
        .$if(Boolean(f.to), (q) => q.where('r.time', '<', f.to!))
        // The plain bound on time is implied by the row comparison; stated, it is an index condition on the
        // time indexes, so a deep page (an export's 200th) starts its scan at the cursor whatever the plan.
        .$if(Boolean(f.before), (q) =>
          q
            .where('r.time', '<=', f.before!.time)
            .where(sql<boolean>`(r.time, r.device_id) < (${f.before!.time}::timestamptz, ${f.before!.deviceId}::uuid)`),
        );
    const sorted = <O>(q: SelectQueryBuilder<DB & { r: DB['reading'] }, 'r', O>) => {
      const byValue = f.sort !== 'time';
      const first = q.orderBy(LIVE_SORT_COLUMNS[f.sort], (ob) => {
        const directed = f.order === 'desc' ? ob.desc() : ob.asc();
        return byValue ? directed.nullsLast() : directed;
      });
      const time = byValue ? first.orderBy('r.time', 'desc') : first;
      return time.orderBy('r.device_id', f.sort === 'time' ? f.order : 'desc');
    };
    const columns = [
      'r.time',
      'r.device_id',
      'r.tenant_id',
      'r.meter_id',
      'r.subscription_id',
      'r.index_m3',
      'r.consumption_m3',
      'r.battery_pct',
      'r.rssi',
      'r.snr',
      'r.alarms',
      'r.quality',
      'r.quality_rule',
    ] as const;
    const take = f.before ? f.take : f.skip + f.take;
    // The page of readings first, on `reading` alone (the time index, no parallel workers), then its rows'
    // meter, subscription, customer and address: joined before the LIMIT, PostgreSQL planned them for all
    // 10M readings (nested loops filtering tens of thousands of rows to keep 90, docs/benchmarks.md B2).
    // A search matching few meters reads each meter's newest rows through the (meter_id, time) index and
    // merges them: filtering the time index instead walks it until enough rows of those meters turn up,
    // the whole table when they have gone quiet.
    const probe = Boolean(match) && f.sort === 'time' && match!.allMeterIds.length <= LIVE_SEARCH_PROBE_MAX;
    const ofPage = probe
      ? this.db
          .selectFrom('meter as w')
          .where('w.id', 'in', match!.allMeterIds)
          .innerJoinLateral(
            (eb) =>
              sorted(where(eb.selectFrom('reading as r').whereRef('r.meter_id', '=', 'w.id')))
                .select(columns)
                .limit(take)
                .as('r'),
            (join) => join.onTrue(),
          )
          .select(columns)
          .orderBy('r.time', f.order)
          .orderBy('r.device_id', f.order)
          .$if(!f.before, (q) => q.offset(f.skip))
          .limit(f.take)
          .as('r')
      : sorted(where(this.db.selectFrom('reading as r')).$if(Boolean(match), (q) => q.where('r.meter_id', 'in', match!.allMeterIds)))
          .select(columns)
          .$if(!f.before, (q) => q.offset(f.skip))
          .limit(f.take)
          .as('r');
    const page = this.db
      .selectFrom(ofPage)
      .leftJoin('meter as m', 'm.id', 'r.meter_id')
      .leftJoin('meter_brand as mb', 'mb.id', 'm.brand_id')
      .leftJoin('meter_profile as mp', 'mp.id', 'm.meter_profile_id')
      .leftJoin('subscription as s', 's.id', 'r.subscription_id')
      .leftJoin('customer as c', 'c.id', 's.customer_id')
      .leftJoin('address as a', 'a.id', 's.address_id')
      .select([
        'r.time',
        'r.device_id',
        'r.tenant_id',
        'r.meter_id',
        'm.serial_no as meter_serial_no',
        'mb.name as meter_brand',
        'mp.meter_type',
        's.id as subscription_id',
        's.subscription_no',
        's.subscription_type',
        'c.id as customer_id',
        sql<string>`coalesce(c.organization_name, c.name || ' ' || c.surname)`.as('customer_name'),
        'a.latitude',
        'a.longitude',
        'r.index_m3',
        'r.consumption_m3',
        'r.battery_pct',
        'r.rssi',
        'r.snr',
        sql<string[]>`r.alarms::text[]`.as('alarms'),
        'r.quality',
        'r.quality_rule',
      ])
      .$call(sorted);
    // Counting every reading of a fleet is a full scan (19 s at 10M rows, docs/benchmarks.md): count up
    // to a cap and report whether the real number is higher. The count rides in the page's statement
    // (an uncorrelated subquery, run once): one round trip a first page, not two (B2).
    const capped = this.db
      .selectFrom(
        where(this.db.selectFrom('reading as r'))
          .$if(Boolean(match), (q) => q.where('r.meter_id', 'in', match!.allMeterIds))
          .select(sql<number>`1`.as('one'))
          .limit(LIVE_COUNT_CAP + 1)
          .as('capped'),
      )
      .select((eb) => eb.fn.countAll<string>().as('n'));
    const rows = await page.$if(f.count, (q) => q.select(capped.as('total'))).execute();
    if (!f.count) return { rows, total: null, totalCapped: false };
    // An empty page has no row to carry the count: nothing to count on the first, counted apart past it.
    const counted = rows.length > 0 ? rows[0].total : f.skip === 0 ? '0' : undefined;
    const n = Number(counted ?? (await capped.executeTakeFirstOrThrow()).n);
    for (const row of rows) delete row.total;
    return { rows: rows, total: Math.min(n, LIVE_COUNT_CAP), totalCapped: n > LIVE_COUNT_CAP };
  }
}
