import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';
import type { ParamsOverride, SettingsRow } from './settings';
import type { ReadingQuality } from './rules/types';

/** A meter as validation, estimation and editing need it. */
export interface MeterRecord {
  id: string;
  tenantId: string;
  timeZone: string;
  deviceId: string | null;
  /** The device profile's reporting interval of the meter's device (null: no device). */
  intervalMinutes: number | null;
  q3: number | null;
  registerCapacityM3: number | null;
  /** The subscription the meter serves now, and its group. */
  subscriptionId: string | null;
  groupId: string | null;
}

/** A stored reading of one meter, as the rules read it. */
export interface StoredReading {
  time: Date;
  deviceId: string;
  indexM3: number;
  consumptionM3: number | null;
  quality: ReadingQuality;
  rule: string | null;
  source: string;
}

export interface ReadingChange {
  deviceId: string;
  time: Date;
  consumptionM3: number | null;
  quality: ReadingQuality;
  rule: string | null;
}

export interface NewReading {
  time: Date;
  deviceId: string;
  meterId: string;
  subscriptionId: string | null;
  tenantId: string;
  indexM3: number;
  source: 'MANUAL' | 'ESTIMATED';
  quality: ReadingQuality;
  rule: string;
}

export interface RevisionRow {
  tenantId: string;
  deviceId: string;
  meterId: string;
  time: Date;
  action: 'create' | 'update';
  reason: string;
  before: unknown;
  after: unknown;
  photo: Buffer | null;
  photoContentType: string | null;
  revisedBy: string | null;
}

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Statements of meter data management. Writes take the opaque `Transaction` of the service's
 * `UnitOfWork` (so an operator's change and its audit entry commit together) and run the Kysely-built
 * SQL through it; reads outside a transaction use Kysely directly.
 */
@Injectable()
export class MeterDataRepository {
  constructor(private readonly database: DatabaseService) {}

  private async run<R>(tx: Transaction | undefined, query: RawBuilder<R>): Promise<R[]> {
    const c = query.compile(this.database.db);
    return clientOf(this.database, tx).$queryRawUnsafe<R[]>(c.sql, ...c.parameters);
  }

  // ─── Settings ─────────────────────────────────────────────────────────────────────

  /** Per tenant asked, the settings rows of the tenant and its ancestors with their depth. */
  async settingsRows(tenantIds: string[]): Promise<Map<string, SettingsRow[]>> {
    const out = new Map<string, SettingsRow[]>(tenantIds.map((id) => [id, []]));
    if (!tenantIds.length) return out;
    const { rows } = await sql<{ tenant_id: string; owner_id: string; depth: number; group_id: string | null; params: ParamsOverride }>`
      SELECT t.id AS tenant_id, a.id AS owner_id, nlevel(a.path) AS depth, s.subscription_group_id AS group_id, s.params
        FROM tenant t
        JOIN tenant a ON a.path @> t.path
        JOIN meter_data_settings s ON s.tenant_id = a.id
       WHERE t.id = ANY(${tenantIds}::uuid[])`.execute(this.database.db);
    for (const r of rows)
      out.get(r.tenant_id)!.push({ depth: r.depth, ownerId: r.owner_id, subscriptionGroupId: r.group_id, params: r.params ?? {} });
    return out;
  }

  /** A tenant's own rows (group null: the tenant's), for the settings view. */
  async ownSettings(tenantId: string) {
    const { rows } = await sql<{ group_id: string | null; params: ParamsOverride; updated_at: Date; updated_by: string | null }>`
      SELECT subscription_group_id AS group_id, params, updated_at, updated_by FROM meter_data_settings WHERE tenant_id = ${tenantId}::uuid`.execute(
      this.database.db,
    );
    return rows;
  }

  groups() {
    return this.database.db.selectFrom('subscription_group').select(['id', 'code', 'name', 'name_en']).orderBy('code').execute();
  }

  async groupExists(id: string): Promise<boolean> {
    const row = await this.database.db.selectFrom('subscription_group').select('id').where('id', '=', id).executeTakeFirst();
    return Boolean(row);
  }

  /** Replaces a tenant's (or a group's) settings row; an empty override deletes it. Returns the row before. */
  async saveSettings(
    tx: Transaction,
    tenantId: string,
    groupId: string | null,
    params: ParamsOverride,
    userId: string | null,
  ): Promise<ParamsOverride | null> {
    const before = await this.run<{ params: ParamsOverride }>(
      tx,
      sql`SELECT params FROM meter_data_settings WHERE tenant_id = ${tenantId}::uuid AND subscription_group_id IS NOT DISTINCT FROM ${groupId}::uuid FOR UPDATE`,
    );
    await this.run(
      tx,
      sql`DELETE FROM meter_data_settings WHERE tenant_id = ${tenantId}::uuid AND subscription_group_id IS NOT DISTINCT FROM ${groupId}::uuid RETURNING id`,
    );
    if (Object.keys(params).length)
      await this.run(
        tx,
        sql`INSERT INTO meter_data_settings (tenant_id, subscription_group_id, params, updated_by)
            VALUES (${tenantId}::uuid, ${groupId}::uuid, ${JSON.stringify(params)}::jsonb, ${userId}::uuid) RETURNING id`,
      );
    return before[0]?.params ?? null;
  }

  // ─── Meters and their readings ──────────────────────────────────────────────────────

  async meter(id: string): Promise<MeterRecord | undefined> {
    const { rows } = await sql<Record<string, unknown>>`
      SELECT m.id, m.tenant_id, t.time_zone, d.id AS device_id, dp.expected_interval_minutes, mp.q3::float8 AS q3,
             mp.register_capacity_m3::float8 AS capacity, sm.subscription_id, s.group_id
        FROM meter m
        JOIN tenant t ON t.id = m.tenant_id
        JOIN meter_profile mp ON mp.id = m.meter_profile_id
        LEFT JOIN device d ON d.meter_id = m.id
        LEFT JOIN device_profile dp ON dp.id = d.device_profile_id
        LEFT JOIN subscription_meter sm ON sm.meter_id = m.id AND sm.ended_at IS NULL
        LEFT JOIN subscription s ON s.id = sm.subscription_id
       WHERE m.id = ${id}::uuid`.execute(this.database.db);
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id as string,
      tenantId: r.tenant_id as string,
      timeZone: r.time_zone as string,
      deviceId: (r.device_id as string | null) ?? null,
      intervalMinutes: n(r.expected_interval_minutes),
      q3: n(r.q3),
      registerCapacityM3: n(r.capacity),
      subscriptionId: (r.subscription_id as string | null) ?? null,
      groupId: (r.group_id as string | null) ?? null,
    };
  }

  /** What the rollover rule needs of meters: tenant, subscription group now, the profile's register capacity. */
  async meterRollovers(meterIds: string[]) {
    if (!meterIds.length) return [];
    const { rows } = await sql<{ id: string; tenant_id: string; group_id: string | null; capacity: number | null }>`
      SELECT m.id, m.tenant_id, s.group_id, mp.register_capacity_m3::float8 AS capacity
        FROM meter m
        JOIN meter_profile mp ON mp.id = m.meter_profile_id
        LEFT JOIN subscription_meter sm ON sm.meter_id = m.id AND sm.ended_at IS NULL
        LEFT JOIN subscription s ON s.id = sm.subscription_id
       WHERE m.id = ANY(${meterIds}::uuid[])`.execute(this.database.db);
    return rows;
  }

  /** Meters of tenants with what the periodic rules need (the device's interval, the open subscription). */
  async metersOfTenant(tenantId: string): Promise<string[]> {
    const rows = await this.database.db
      .selectFrom('meter as m')
      .innerJoin('device as d', 'd.meter_id', 'm.id')
      .select('m.id')
      .where('m.tenant_id', '=', tenantId)
      .where('d.status', '=', 'ACTIVE')
      .orderBy('m.id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Serialises with the worker's batches on this meter (they lock devices, then meters, each by id). */
  async lockMeter(tx: Transaction, meterId: string): Promise<void> {
    await this.run(tx, sql`SELECT id FROM meter WHERE id = ${meterId}::uuid FOR NO KEY UPDATE`);
  }

  /** The subscription a meter served at an instant (its period holds the time). */
  async subscriptionAt(tx: Transaction | undefined, meterId: string, time: Date): Promise<string | null> {
    const rows = await this.run<{ subscription_id: string }>(
      tx,
      sql`SELECT subscription_id FROM subscription_meter
           WHERE meter_id = ${meterId}::uuid AND started_at <= ${time}::timestamptz AND (ended_at IS NULL OR ended_at > ${time}::timestamptz)
           ORDER BY started_at DESC LIMIT 1`,
    );
    return rows[0]?.subscription_id ?? null;
  }

  /**
   * The meter's readings in [from, to] with the one before `from` first (any quality), oldest first;
   * `realOnly` leaves estimates out, `withNext` adds the first reading after `to`.
   */
  async readings(
    tx: Transaction | undefined,
    meterId: string,
    from: Date,
    to: Date,
    options: { realOnly?: boolean; withNext?: boolean } = {},
  ): Promise<StoredReading[]> {
    const real = options.realOnly ? sql`AND quality <> 'ESTIMATED'` : sql``;
    const rows = await this.run<Record<string, unknown>>(
      tx,
      sql`SELECT * FROM (
            (SELECT time, device_id, index_m3::float8 AS index_m3, consumption_m3::float8 AS consumption_m3, quality::text AS quality, quality_rule, source::text AS source
               FROM reading WHERE meter_id = ${meterId}::uuid AND time < ${from}::timestamptz ${real} ORDER BY time DESC LIMIT 1)
            UNION ALL
            (SELECT time, device_id, index_m3::float8, consumption_m3::float8, quality::text, quality_rule, source::text
               FROM reading WHERE meter_id = ${meterId}::uuid AND time >= ${from}::timestamptz AND time <= ${to}::timestamptz ${real})
            ${
              options.withNext
                ? sql`UNION ALL
            (SELECT time, device_id, index_m3::float8, consumption_m3::float8, quality::text, quality_rule, source::text
               FROM reading WHERE meter_id = ${meterId}::uuid AND time > ${to}::timestamptz ${real} ORDER BY time LIMIT 1)`
                : sql``
            }
          ) r ORDER BY time, device_id`,
    );
    return rows.map((r) => ({
      time: new Date(r.time as Date),
      deviceId: r.device_id as string,
      indexM3: Number(r.index_m3),
      consumptionM3: n(r.consumption_m3),
      quality: r.quality as ReadingQuality,
      rule: (r.quality_rule as string | null) ?? null,
      source: r.source as string,
    }));
  }

  async readingAt(tx: Transaction | undefined, meterId: string, time: Date): Promise<(StoredReading & { tenantId: string }) | undefined> {
    const rows = await this.run<Record<string, unknown>>(
      tx,
      sql`SELECT time, device_id, tenant_id, index_m3::float8 AS index_m3, consumption_m3::float8 AS consumption_m3, quality::text AS quality, quality_rule, source::text AS source
            FROM reading WHERE meter_id = ${meterId}::uuid AND time = ${time}::timestamptz ORDER BY device_id LIMIT 1 ${tx ? sql`FOR UPDATE` : sql``}`,
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      time: new Date(r.time as Date),
      deviceId: r.device_id as string,
      tenantId: r.tenant_id as string,
      indexM3: Number(r.index_m3),
      consumptionM3: n(r.consumption_m3),
      quality: r.quality as ReadingQuality,
      rule: (r.quality_rule as string | null) ?? null,
      source: r.source as string,
    };
  }

  /** Consumption, quality and rule of stored readings, in one statement. */
  async applyChanges(tx: Transaction, changes: ReadingChange[]): Promise<void> {
    if (!changes.length) return;
    await this.run(
      tx,
      sql`UPDATE reading r
             SET consumption_m3 = v.consumption, quality = v.quality::reading_quality, quality_rule = v.rule
            FROM unnest(${changes.map((c) => c.deviceId)}::uuid[], ${changes.map((c) => c.time)}::timestamptz[],
                        ${changes.map((c) => (c.consumptionM3 === null ? null : c.consumptionM3.toFixed(3)))}::numeric[],
                        ${changes.map((c) => c.quality)}::text[], ${changes.map((c) => c.rule)}::text[]) AS v(device_id, time, consumption, quality, rule)
           WHERE r.device_id = v.device_id AND r.time = v.time
           RETURNING r.time`,
    );
  }

  async setIndex(tx: Transaction, deviceId: string, time: Date, indexM3: number, rule: string): Promise<void> {
    await this.run(
      tx,
      sql`UPDATE reading SET index_m3 = ${indexM3.toFixed(3)}::numeric, quality = 'EDITED', quality_rule = ${rule}
           WHERE device_id = ${deviceId}::uuid AND time = ${time}::timestamptz RETURNING time`,
    );
  }

  /** Inserts readings (manual, estimated); one already at (device, time) is left as it is. Returns how many went in. */
  async insertReadings(tx: Transaction, rows: NewReading[]): Promise<number> {
    if (!rows.length) return 0;
    const out = await this.run<{ time: Date }>(
      tx,
      sql`INSERT INTO reading (time, device_id, meter_id, subscription_id, tenant_id, index_m3, source, quality, quality_rule)
          SELECT time, device_id, meter_id, subscription_id, tenant_id, index_m3, source::reading_source, quality::reading_quality, rule
            FROM unnest(${rows.map((r) => r.time)}::timestamptz[], ${rows.map((r) => r.deviceId)}::uuid[], ${rows.map((r) => r.meterId)}::uuid[],
                        ${rows.map((r) => r.subscriptionId)}::uuid[], ${rows.map((r) => r.tenantId)}::uuid[],
                        ${rows.map((r) => r.indexM3.toFixed(3))}::numeric[], ${rows.map((r) => r.source)}::text[],
                        ${rows.map((r) => r.quality)}::text[], ${rows.map((r) => r.rule)}::text[])
                 AS v(time, device_id, meter_id, subscription_id, tenant_id, index_m3, source, quality, rule)
          ON CONFLICT (device_id, time) DO NOTHING
          RETURNING time`,
    );
    return out.length;
  }

  /** Deletes a meter's estimates in [from, to]; returns their times. */
  async deleteEstimates(tx: Transaction, meterId: string, from: Date, to: Date): Promise<Date[]> {
    const rows = await this.run<{ time: Date }>(
      tx,
      sql`DELETE FROM reading WHERE meter_id = ${meterId}::uuid AND quality = 'ESTIMATED' AND time >= ${from}::timestamptz AND time <= ${to}::timestamptz RETURNING time`,
    );
    return rows.map((r) => new Date(r.time));
  }

  /**
   * Cuts the meter's local days from `fromDay` to `toDay` anew from its readings (the way the worker
   * adds them up, with the estimated share): the tenant rollup follows through its triggers.
   */
  async rebuildDays(tx: Transaction, meterId: string, from: Date, to: Date): Promise<void> {
    const bounds = sql`(SELECT (${from}::timestamptz AT TIME ZONE t.time_zone)::date AS d0, (${to}::timestamptz AT TIME ZONE t.time_zone)::date AS d1, t.time_zone
                          FROM meter m JOIN tenant t ON t.id = m.tenant_id WHERE m.id = ${meterId}::uuid)`;
    await this.run(
      tx,
      sql`DELETE FROM meter_daily_consumption c USING ${bounds} b WHERE c.meter_id = ${meterId}::uuid AND c.day BETWEEN b.d0 AND b.d1 RETURNING c.day`,
    );
    await this.run(
      tx,
      sql`INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, subscription_id, consumption_m3, last_index_m3, reading_count, estimated_m3)
          SELECT r.meter_id, r.day, r.tenant_id, (array_agg(r.subscription_id ORDER BY r.time DESC))[1], coalesce(sum(r.consumption_m3), 0),
                 max(r.index_m3), count(*)::int, coalesce(sum(r.consumption_m3) FILTER (WHERE r.quality = 'ESTIMATED'), 0)
            FROM (SELECT x.*, (x.time AT TIME ZONE b.time_zone)::date AS day
                    FROM reading x, ${bounds} b
                   WHERE x.meter_id = ${meterId}::uuid
                     AND x.time >= (b.d0::timestamp AT TIME ZONE b.time_zone) AND x.time < ((b.d1 + 1)::timestamp AT TIME ZONE b.time_zone)) r
           GROUP BY r.meter_id, r.day, r.tenant_id
          RETURNING meter_id`,
    );
  }

  /** Last index and reading time of the meter from its newest reading. */
  async refreshMeterLast(tx: Transaction, meterId: string): Promise<void> {
    await this.run(
      tx,
      sql`UPDATE meter m SET last_index_m3 = r.index_m3, last_reading_at = r.time, updated_at = now()
            FROM (SELECT index_m3, time FROM reading WHERE meter_id = ${meterId}::uuid ORDER BY time DESC LIMIT 1) r
           WHERE m.id = ${meterId}::uuid RETURNING m.id`,
    );
  }

  // ─── History for the rules ─────────────────────────────────────────────────────────

  /** Per meter, the average daily consumption over its days with readings in the last `days` days (before today, UTC). */
  async dailyHistory(meters: { meterId: string; days: number }[]): Promise<Map<string, { averageM3PerDay: number; days: number }>> {
    const out = new Map<string, { averageM3PerDay: number; days: number }>();
    if (!meters.length) return out;
    const { rows } = await sql<{ meter_id: string; avg: number; days: number }>`
      SELECT c.meter_id, avg(c.consumption_m3)::float8 AS avg, count(*)::int AS days
        FROM unnest(${meters.map((m) => m.meterId)}::uuid[], ${meters.map((m) => m.days)}::int[]) AS v(meter_id, days)
        JOIN meter_daily_consumption c ON c.meter_id = v.meter_id AND c.day >= current_date - v.days AND c.day < current_date
       GROUP BY c.meter_id`.execute(this.database.db);
    for (const r of rows) out.set(r.meter_id, { averageM3PerDay: Number(r.avg), days: r.days });
    return out;
  }

  /**
   * A meter's average consumption per (weekday, local hour it closes) over [from, to), real readings
   * only, each hour averaged over the days it was reported on.
   */
  async weekdayHours(tx: Transaction | undefined, meterId: string, from: Date, to: Date, timeZone: string): Promise<Map<string, number>> {
    const rows = await this.run<{ wd: number; h: number; m3: number }>(
      tx,
      sql`SELECT extract(dow FROM l)::int AS wd, extract(hour FROM l)::int AS h, (sum(consumption_m3) / count(DISTINCT l::date))::float8 AS m3
            FROM (SELECT (time - interval '1 millisecond') AT TIME ZONE ${timeZone} AS l, consumption_m3
                    FROM reading WHERE meter_id = ${meterId}::uuid AND time >= ${from}::timestamptz AND time < ${to}::timestamptz
                     AND quality IN ('VALID', 'EDITED') AND consumption_m3 IS NOT NULL) x
           GROUP BY 1, 2`,
    );
    return new Map(rows.map((r) => [`${r.wd}|${r.h}`, Number(r.m3)]));
  }

  // ─── Periodic rules ─────────────────────────────────────────────────────────────────

  async tenants(): Promise<{ id: string; timeZone: string }[]> {
    const rows = await this.database.db.selectFrom('tenant').select(['id', 'time_zone']).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, timeZone: r.time_zone }));
  }

  /**
   * Per meter of the tenant on an open subscription, with its group: the index before `since` and the
   * index range and count of its readings since (the stuck rule's window).
   */
  async stuckWindows(tenantId: string, since: Date) {
    const { rows } = await sql<{
      meter_id: string;
      group_id: string | null;
      before: number | null;
      min: number | null;
      max: number | null;
      count: number;
    }>`
      SELECT sm.meter_id, s.group_id,
             (SELECT index_m3::float8 FROM reading WHERE meter_id = sm.meter_id AND time < ${since}::timestamptz ORDER BY time DESC LIMIT 1) AS before,
             w.min, w.max, w.count
        FROM subscription_meter sm
        JOIN subscription s ON s.id = sm.subscription_id AND s.is_active
        CROSS JOIN LATERAL (SELECT min(index_m3)::float8 AS min, max(index_m3)::float8 AS max, count(*)::int AS count
                              FROM reading WHERE meter_id = sm.meter_id AND time >= ${since}::timestamptz AND quality <> 'ESTIMATED') w
       WHERE sm.tenant_id = ${tenantId}::uuid AND sm.ended_at IS NULL`.execute(this.database.db);
    return rows;
  }

  /**
   * Marks a meter's VALID readings since `since` SUSPECT (stuck); returns how many. The closed days they
   * fall on are marked changed for the quality rollup (no rollup row moves with a flag).
   */
  async markStuck(meterId: string, since: Date): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      WITH u AS (
        UPDATE reading SET quality = 'SUSPECT', quality_rule = 'stuck'
         WHERE meter_id = ${meterId}::uuid AND time >= ${since}::timestamptz AND quality = 'VALID' RETURNING tenant_id, time
      ), marked AS (
        SELECT water_quality_days_changed(u.tenant_id, array_agg(DISTINCT (u.time AT TIME ZONE t.time_zone)::date))
          FROM u JOIN tenant t ON t.id = u.tenant_id GROUP BY u.tenant_id
      )
      SELECT (SELECT count(*) FROM u)::int AS n, (SELECT count(*) FROM marked) AS tenants`.execute(this.database.db);
    return rows[0]?.n ?? 0;
  }

  // ─── Quality rollup ─────────────────────────────────────────────────────────────────

  /**
   * The tenant's closed local days of the last `days` before `end`'s local day whose quality counts do
   * not hold (never counted, or changed since), and the last two always (a late reading of the worker
   * may change a flag without moving the meter rollup); newest first.
   */
  async qualityDaysToCount(tenantId: string, end: Date, days: number): Promise<string[]> {
    const { rows } = await sql<{ day: string }>`
      SELECT to_char(g.day, 'YYYY-MM-DD') AS day
        FROM tenant t
       CROSS JOIN LATERAL (SELECT (${end}::timestamptz AT TIME ZONE t.time_zone)::date AS today) l
       CROSS JOIN generate_series(l.today - ${days}::int, l.today - 1, interval '1 day') AS g(day)
        LEFT JOIN quality_day q ON q.tenant_id = t.id AND q.day = g.day::date
       WHERE t.id = ${tenantId}::uuid
         AND (q.day IS NULL OR q.counted_version <> q.version OR g.day::date >= l.today - 2)
       ORDER BY g.day DESC`.execute(this.database.db);
    return rows.map((r) => r.day);
  }

  /** Counts one local day of a tenant from its readings into the quality rollup (migration 0023). */
  async countQualityDay(tenantId: string, day: string): Promise<void> {
    await sql`SELECT water_count_quality_day(${tenantId}::uuid, ${day}::date)`.execute(this.database.db);
  }

  /**
   * Per meter of the tenant whose device reports at least hourly, with its group and device: the
   * litres of each of the `hours` local hours ending at `end` (null: no reading closed that hour).
   */
  async hourlyFlow(tenantId: string, end: Date, hours: number) {
    const { rows } = await sql<{
      meter_id: string;
      device_id: string;
      subscription_id: string | null;
      group_id: string | null;
      h: number;
      hour: number;
      litres: number | null;
    }>`
      WITH m AS (
        SELECT d.meter_id, d.id AS device_id, sm.subscription_id, s.group_id
          FROM device d
          JOIN device_profile dp ON dp.id = d.device_profile_id AND dp.expected_interval_minutes <= 60
          LEFT JOIN subscription_meter sm ON sm.meter_id = d.meter_id AND sm.ended_at IS NULL
          LEFT JOIN subscription s ON s.id = sm.subscription_id
         WHERE d.tenant_id = ${tenantId}::uuid AND d.meter_id IS NOT NULL AND d.status = 'ACTIVE'
      ), slots AS (
        SELECT g AS h, ${end}::timestamptz - (${hours} - g) * interval '1 hour' AS t0 FROM generate_series(0, ${hours} - 1) g
      )
      SELECT m.meter_id, m.device_id, m.subscription_id, m.group_id, slots.h,
             extract(hour FROM slots.t0 AT TIME ZONE t.time_zone)::int AS hour,
             (SELECT (sum(r.consumption_m3) * 1000)::float8 FROM reading r
               WHERE r.meter_id = m.meter_id AND r.time > slots.t0 AND r.time <= slots.t0 + interval '1 hour' AND r.consumption_m3 IS NOT NULL) AS litres
        FROM m CROSS JOIN slots JOIN tenant t ON t.id = ${tenantId}::uuid
       ORDER BY m.meter_id, slots.h`.execute(this.database.db);
    return rows;
  }

  /** Open LEAK alarms this detector raised (details.source), per device. */
  async openLeakAlarms(tenantId: string): Promise<{ id: string; deviceId: string }[]> {
    const { rows } = await sql<{ id: string; device_id: string }>`
      SELECT id, device_id FROM alarm
       WHERE tenant_id = ${tenantId}::uuid AND type = 'LEAK' AND cleared_at IS NULL AND details->>'source' = 'leak-detection'`.execute(
      this.database.db,
    );
    return rows.map((r) => ({ id: r.id, deviceId: r.device_id }));
  }

  async openLeak(
    rows: { tenantId: string; deviceId: string; meterId: string; subscriptionId: string | null; startedAt: Date; details: unknown }[],
  ) {
    if (!rows.length) return [];
    const { rows: out } = await sql<{
      id: string;
      tenant_id: string;
      device_id: string;
      meter_id: string;
      subscription_id: string | null;
      started_at: Date;
    }>`
      INSERT INTO alarm (tenant_id, type, device_id, meter_id, subscription_id, started_at, details)
      SELECT tenant_id, 'LEAK', device_id, meter_id, subscription_id, started_at, details::jsonb
        FROM unnest(${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.deviceId)}::uuid[], ${rows.map((r) => r.meterId)}::uuid[],
                    ${rows.map((r) => r.subscriptionId)}::uuid[], ${rows.map((r) => r.startedAt)}::timestamptz[], ${rows.map((r) => JSON.stringify(r.details))}::text[])
             AS v(tenant_id, device_id, meter_id, subscription_id, started_at, details)
      ON CONFLICT (type, device_id) WHERE cleared_at IS NULL AND device_id IS NOT NULL DO NOTHING
      RETURNING id, tenant_id, device_id, meter_id, subscription_id, started_at`.execute(this.database.db);
    return out;
  }

  async clearAlarms(ids: string[], at: Date) {
    if (!ids.length) return [];
    const { rows } = await sql<{
      id: string;
      tenant_id: string;
      device_id: string;
      meter_id: string | null;
      subscription_id: string | null;
      started_at: Date;
    }>`
      UPDATE alarm SET cleared_at = ${at}::timestamptz WHERE id = ANY(${ids}::uuid[]) AND cleared_at IS NULL
      RETURNING id, tenant_id, device_id, meter_id, subscription_id, started_at`.execute(this.database.db);
    return rows;
  }

  // ─── Revisions ──────────────────────────────────────────────────────────────────────

  async insertRevision(tx: Transaction, r: RevisionRow): Promise<string> {
    const rows = await this.run<{ id: string }>(
      tx,
      sql`INSERT INTO reading_revision (tenant_id, device_id, meter_id, time, action, reason, before, after, photo, photo_content_type, revised_by)
          VALUES (${r.tenantId}::uuid, ${r.deviceId}::uuid, ${r.meterId}::uuid, ${r.time}::timestamptz, ${r.action}, ${r.reason},
                  ${r.before === null ? null : JSON.stringify(r.before)}::jsonb, ${JSON.stringify(r.after)}::jsonb,
                  decode(${r.photo ? r.photo.toString('base64') : null}::text, 'base64'), ${r.photoContentType}, ${r.revisedBy}::uuid)
          RETURNING id`,
    );
    return rows[0].id;
  }

  revisions(meterId: string, time: Date) {
    return this.revisionsIn(undefined, meterId, time);
  }

  /** A reading's revisions, oldest first (inside the transaction that just added one). */
  async revisionsIn(tx: Transaction | undefined, meterId: string, time: Date) {
    return this.run<{
      id: string;
      device_id: string;
      time: Date;
      action: string;
      reason: string;
      before: unknown;
      after: unknown;
      has_photo: boolean;
      revised_by: string | null;
      revised_by_name: string | null;
      revised_at: Date;
    }>(
      tx,
      sql`
      SELECT r.id, r.device_id, r.time, r.action, r.reason, r.before, r.after, r.photo IS NOT NULL AS has_photo, r.revised_by,
             CASE WHEN u.id IS NULL THEN NULL ELSE u.name || ' ' || u.surname END AS revised_by_name, r.revised_at
        FROM reading_revision r LEFT JOIN app_user u ON u.id = r.revised_by
       WHERE r.meter_id = ${meterId}::uuid AND r.time = ${time}::timestamptz
       ORDER BY r.revised_at, r.id`,
    );
  }

  async revisionPhoto(id: string) {
    const { rows } = await sql<{ tenant_id: string; meter_id: string; photo: Buffer | null; photo_content_type: string | null }>`
      SELECT tenant_id, meter_id, photo, photo_content_type FROM reading_revision WHERE id = ${id}::uuid`.execute(this.database.db);
    return rows[0];
  }
}
