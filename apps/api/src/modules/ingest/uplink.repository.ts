import { Injectable } from '@nestjs/common';
import type { AlarmType, ValveState } from '@water/shared';
import { sql, type Transaction } from 'kysely';
import type { DB } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import type { RedecodeRequest } from '../../core/jobs/jobs.types';
import type { FieldMapping } from '../decoders/decoded-mapping';

/** A batch's open transaction, as the processor passes it back to this repository. */
export type BatchTransaction = Transaction<DB>;

/** What the worker needs to know about a device to store its uplinks. */
export interface DeviceContext {
  deviceId: string;
  tenantId: string;
  profileId: string;
  meterId: string | null;
  meterSerialNo: string | null;
  meterHasValve: boolean;
  subscriptionId: string | null;
  dailyThresholdM3: number | null;
  timeZone: string;
  /** What the validation rules need (issue 17); absent: the rules of earlier releases apply. */
  groupId?: string | null;
  q3M3h?: number | null;
  registerCapacityM3?: number | null;
  /** The subscription's address on the map, for the device's viewport room (issue 22); null without one. */
  point?: { lat: number; lng: number } | null;
  scenarios: { id: string; version: number; fPort: number | null; decoderSource: string; fieldMapping: FieldMapping }[];
}

export interface UplinkRow {
  receivedAt: Date;
  deviceId: string;
  tenantId: string;
  integrationId: string | null;
  deviceTime: Date | null;
  fPort: number | null;
  fCnt: number | null;
  payload: Buffer;
  rxMetadata: unknown;
  status: 'DECODED' | 'FAILED';
  scenarioId: string | null;
  decoded: unknown;
  errors: unknown;
}

export interface ReadingRow {
  time: Date;
  deviceId: string;
  meterId: string;
  subscriptionId: string | null;
  tenantId: string;
  indexM3: number;
  consumptionM3: number | null;
  batteryPct: number | null;
  rssi: number | null;
  snr: number | null;
  alarms: AlarmType[];
  valveState: ValveState | null;
  suspect: boolean;
  /** The validation rules' verdict (issue 17); `suspect` alone when absent. */
  quality?: 'VALID' | 'SUSPECT';
  qualityRule?: string | null;
  decoded: unknown;
  /** NETWORK unless said otherwise (imports store CSV_IMPORT). */
  source?: 'NETWORK' | 'CSV_IMPORT';
}

/** A stored uplink as the re-decode run reads it back. */
export interface StoredUplink {
  id: string;
  receivedAt: Date;
  deviceId: string;
  tenantId: string;
  integrationId: string | null;
  deviceTime: Date | null;
  fPort: number | null;
  fCnt: number | null;
  payloadHex: string;
  rx: Record<string, unknown> | null;
}

export interface StoredPoint {
  meterId: string;
  time: Date;
  deviceId: string;
  indexM3: number;
  consumptionM3: number | null;
  quality: string;
}

export interface DailyRow {
  meterId: string;
  day: string;
  tenantId: string;
  subscriptionId: string | null;
  consumptionM3: number;
  lastIndexM3: number;
  readingCount: number;
}

export interface AlarmRow {
  id: string;
  type: AlarmType;
  deviceId: string;
  startedAt: Date;
  clearedAt: Date | null;
}

/** Rows per statement: bounds one statement's arrays (and the VALUES lists of the statements that still bind per row). */
const CHUNK = 1000;

function chunks<T>(rows: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const num = (n: number | null, digits: number) => (n === null ? null : n.toFixed(digits));

/** The worker's statements: every write of a batch of uplinks is one multi-row statement per table. */
@Injectable()
export class UplinkRepository {
  constructor(private readonly database: DatabaseService) {}

  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute(work);
  }

  /** Devices with their meter, open subscription, usage threshold, tenant time zone and active scenarios. */
  async contexts(deviceIds: string[]): Promise<DeviceContext[]> {
    if (!deviceIds.length) return [];
    const db = this.database.db;
    const rows = await db
      .selectFrom('device as d')
      .innerJoin('tenant as t', 't.id', 'd.tenant_id')
      .leftJoin('meter as m', 'm.id', 'd.meter_id')
      .leftJoin('subscription_meter as sm', (j) => j.onRef('sm.meter_id', '=', 'm.id').on('sm.ended_at', 'is', null))
      .leftJoin('subscription as s', 's.id', 'sm.subscription_id')
      .leftJoin('subscription_group as g', 'g.id', 's.group_id')
      .leftJoin('meter_profile as mp', 'mp.id', 'm.meter_profile_id')
      .leftJoin('address as a', 'a.id', 's.address_id')
      .select([
        'd.id as deviceId',
        'd.tenant_id as tenantId',
        'd.device_profile_id as profileId',
        'd.meter_id as meterId',
        'm.serial_no as meterSerialNo',
        'm.has_valve as meterHasValve',
        'sm.subscription_id as subscriptionId',
        'g.daily_threshold_m3 as threshold',
        't.time_zone as timeZone',
        's.group_id as groupId',
        'mp.q3',
        'mp.register_capacity_m3 as registerCapacity',
        'a.latitude as lat',
        'a.longitude as lng',
      ])
      .where('d.id', 'in', deviceIds)
      .execute();
    if (!rows.length) return [];
    const scenarios = await db
      .selectFrom('message_scenario')
      .select([
        'device_profile_id as profileId',
        'id',
        'version',
        'f_port as fPort',
        'decoder_source as decoderSource',
        'field_mapping as fieldMapping',
      ])
      .where('device_profile_id', 'in', [...new Set(rows.map((r) => r.profileId))])
      .where('is_active', '=', true)
      .orderBy('sort_order')
      .execute();
    return rows.map((row) => ({
      deviceId: row.deviceId,
      tenantId: row.tenantId,
      profileId: row.profileId,
      meterId: row.meterId,
      meterSerialNo: row.meterSerialNo,
      meterHasValve: Boolean(row.meterHasValve),
      subscriptionId: row.subscriptionId,
      dailyThresholdM3: row.threshold === null ? null : Number(row.threshold),
      timeZone: row.timeZone,
      groupId: row.groupId ?? null,
      q3M3h: row.q3 === null ? null : Number(row.q3),
      registerCapacityM3: row.registerCapacity === null ? null : Number(row.registerCapacity),
      point: row.lat === null || row.lng === null ? null : { lat: Number(row.lat), lng: Number(row.lng) },
      scenarios: scenarios
        .filter((s) => s.profileId === row.profileId)
        .map((s) => ({
          id: s.id,
          version: s.version,
          fPort: s.fPort,
          decoderSource: s.decoderSource,
          fieldMapping: (s.fieldMapping ?? {}) as FieldMapping,
        })),
    }));
  }

  /**
   * Serialises batches that touch the same devices and meters, in every worker process: rows are
   * locked in one global order (devices, then meters, each by id), so two batches cannot deadlock.
   */
  async lock(trx: Transaction<DB>, deviceIds: string[], meterIds: string[]): Promise<void> {
    if (deviceIds.length) await trx.selectFrom('device').select('id').where('id', 'in', deviceIds).orderBy('id').forNoKeyUpdate().execute();
    if (meterIds.length) await trx.selectFrom('meter').select('id').where('id', 'in', meterIds).orderBy('id').forNoKeyUpdate().execute();
  }

  /**
   * The tenants' time zones as they are now, read under a share lock taken after the device and meter
   * locks: a tenant update (which re-cuts the tenant's daily rollup when its zone changes) waits for
   * the batches in flight, and batches wait for it, so no batch adds a day cut in a zone just replaced.
   */
  async lockTimeZones(trx: Transaction<DB>, tenantIds: string[]): Promise<Map<string, string>> {
    if (!tenantIds.length) return new Map();
    const rows = await trx.selectFrom('tenant').select(['id', 'time_zone']).where('id', 'in', tenantIds).orderBy('id').forShare().execute();
    return new Map(rows.map((r) => [r.id, r.time_zone]));
  }

  /** Stored uplinks a re-decode run takes (the request's tenants, time range and filters). */
  private matching(q: Omit<RedecodeRequest, 'total' | 'requestedBy' | 'requestId'>) {
    return this.database.db
      .selectFrom('uplink as u')
      .innerJoin('device as d', 'd.id', 'u.device_id')
      .where('u.tenant_id', 'in', q.tenantIds.length ? q.tenantIds : ['00000000-0000-0000-0000-000000000000'])
      .where('u.received_at', '>=', new Date(q.from))
      .where('u.received_at', '<', new Date(q.to))
      .$if(Boolean(q.deviceId), (w) => w.where('u.device_id', '=', q.deviceId!))
      .$if(Boolean(q.deviceProfileId), (w) => w.where('d.device_profile_id', '=', q.deviceProfileId!))
      .$if(Boolean(q.integrationId), (w) => w.where('u.integration_id', '=', q.integrationId!))
      .$if(Boolean(q.status), (w) => w.where('u.status', '=', q.status!))
      .$if(Boolean(q.uplinkIds?.length), (w) => w.where(sql<boolean>`u.id = ANY(${q.uplinkIds!}::bigint[])`));
  }

  async countMatching(q: Omit<RedecodeRequest, 'total' | 'requestedBy' | 'requestId'>): Promise<number> {
    const row = await this.matching(q)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The next `limit` matching uplinks after `after`, oldest first, so consumption chains in time order. */
  async nextMatching(q: RedecodeRequest, after: { receivedAt: Date; id: string } | null, limit: number): Promise<StoredUplink[]> {
    const rows = await this.matching(q)
      .select([
        'u.id',
        'u.received_at',
        'u.device_id',
        'u.tenant_id',
        'u.integration_id',
        'u.device_time',
        'u.f_port',
        'u.f_cnt',
        'u.payload',
        'u.rx_metadata',
      ])
      .$if(after !== null, (w) => w.where(sql<boolean>`(u.received_at, u.id) > (${after!.receivedAt}::timestamptz, ${after!.id}::bigint)`))
      .orderBy('u.received_at')
      .orderBy('u.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      receivedAt: new Date(r.received_at),
      deviceId: r.device_id,
      tenantId: r.tenant_id,
      integrationId: r.integration_id,
      deviceTime: r.device_time ? new Date(r.device_time) : null,
      fPort: r.f_port,
      fCnt: r.f_cnt === null ? null : Number(r.f_cnt),
      payloadHex: Buffer.from(r.payload).toString('hex'),
      rx: (r.rx_metadata ?? null) as Record<string, unknown> | null,
    }));
  }

  /**
   * Raw uplinks; a retried batch (its worker died after committing) finds its uplinks stored already.
   * `redecode` replaces a stored uplink's decode result (status, scenario, decoded, errors) instead.
   */
  async insertUplinks(trx: Transaction<DB>, rows: UplinkRow[], redecode = false): Promise<void> {
    const onConflict = redecode
      ? sql`DO UPDATE SET status = excluded.status, scenario_id = excluded.scenario_id, decoded = excluded.decoded, errors = excluded.errors`
      : sql`DO NOTHING`;
    // One array per column through unnest: a fixed 13-parameter statement, where VALUES would bind and plan 13 per row.
    for (const part of chunks(rows)) {
      await sql`
        INSERT INTO uplink (received_at, device_id, tenant_id, integration_id, device_time, f_port, f_cnt, payload, rx_metadata, status, scenario_id, decoded, errors)
        SELECT received_at, device_id, tenant_id, integration_id, device_time, f_port, f_cnt, decode(payload, 'hex'), rx_metadata::jsonb, status::uplink_status, scenario_id, decoded::jsonb, errors::jsonb
          FROM unnest(${part.map((u) => u.receivedAt)}::timestamptz[], ${part.map((u) => u.deviceId)}::uuid[], ${part.map((u) => u.tenantId)}::uuid[],
                      ${part.map((u) => u.integrationId)}::uuid[], ${part.map((u) => u.deviceTime)}::timestamptz[], ${part.map((u) => u.fPort)}::int[],
                      ${part.map((u) => (u.fCnt === null ? null : String(u.fCnt)))}::bigint[], ${part.map((u) => u.payload.toString('hex'))}::text[],
                      ${part.map((u) => (u.rxMetadata === undefined ? null : JSON.stringify(u.rxMetadata)))}::text[], ${part.map((u) => u.status)}::text[], ${part.map((u) => u.scenarioId)}::uuid[],
                      ${part.map((u) => (u.decoded === null ? null : JSON.stringify(u.decoded)))}::text[], ${part.map((u) => (u.errors === null ? null : JSON.stringify(u.errors)))}::text[])
               AS v(received_at, device_id, tenant_id, integration_id, device_time, f_port, f_cnt, payload, rx_metadata, status, scenario_id, decoded, errors)
        ON CONFLICT (device_id, received_at, (coalesce(f_cnt, -1))) ${onConflict}`.execute(trx);
    }
  }

  /**
   * Per meter: the stored reading before `from`, those between `from` and `to`, and the one after `to`,
   * through the (meter_id, time) covering index.
   */
  async neighbours(trx: Transaction<DB>, ranges: { meterId: string; from: Date; to: Date }[]): Promise<StoredPoint[]> {
    if (!ranges.length) return [];
    const { rows } = await sql<{
      meter_id: string;
      time: Date;
      device_id: string;
      index_m3: string;
      consumption_m3: string | null;
      quality: string;
    }>`
      SELECT b.meter_id, r.time, r.device_id, r.index_m3, r.consumption_m3, r.quality
      FROM unnest(${ranges.map((r) => r.meterId)}::uuid[], ${ranges.map((r) => r.from)}::timestamptz[], ${ranges.map((r) => r.to)}::timestamptz[]) AS b(meter_id, t0, t1)
      CROSS JOIN LATERAL (
        (SELECT time, device_id, index_m3, consumption_m3, quality::text FROM reading WHERE meter_id = b.meter_id AND time < b.t0 ORDER BY time DESC LIMIT 1)
        UNION ALL
        (SELECT time, device_id, index_m3, consumption_m3, quality::text FROM reading WHERE meter_id = b.meter_id AND time >= b.t0 AND time <= b.t1)
        UNION ALL
        (SELECT time, device_id, index_m3, consumption_m3, quality::text FROM reading WHERE meter_id = b.meter_id AND time > b.t1 ORDER BY time LIMIT 1)
      ) r`.execute(trx);
    return rows.map((r) => ({
      meterId: r.meter_id,
      time: new Date(r.time),
      deviceId: r.device_id,
      indexM3: Number(r.index_m3),
      consumptionM3: r.consumption_m3 === null ? null : Number(r.consumption_m3),
      quality: r.quality,
    }));
  }

  /**
   * A real reading arriving where estimates stand replaces them (issue 17): per meter, deletes the
   * estimates between the real readings around [from, to]; returns what they had added to their days.
   */
  async dropEstimates(
    trx: Transaction<DB>,
    ranges: { meterId: string; from: Date; to: Date }[],
  ): Promise<{ meterId: string; time: Date; consumptionM3: number }[]> {
    if (!ranges.length) return [];
    const { rows } = await sql<{ meter_id: string; time: Date; consumption_m3: string | null }>`
      DELETE FROM reading r
       USING (SELECT b.meter_id,
                     coalesce((SELECT max(time) FROM reading WHERE meter_id = b.meter_id AND time < b.t0 AND quality <> 'ESTIMATED'), '-infinity') AS lo,
                     coalesce((SELECT min(time) FROM reading WHERE meter_id = b.meter_id AND time > b.t1 AND quality <> 'ESTIMATED'), 'infinity') AS hi
                FROM unnest(${ranges.map((r) => r.meterId)}::uuid[], ${ranges.map((r) => r.from)}::timestamptz[], ${ranges.map((r) => r.to)}::timestamptz[]) AS b(meter_id, t0, t1)) w
       WHERE r.meter_id = w.meter_id AND r.quality = 'ESTIMATED' AND r.time > w.lo AND r.time < w.hi
      RETURNING r.meter_id, r.time, r.consumption_m3`.execute(trx);
    return rows.map((r) => ({
      meterId: r.meter_id,
      time: new Date(r.time),
      consumptionM3: r.consumption_m3 === null ? 0 : Number(r.consumption_m3),
    }));
  }

  /** Takes deleted estimates out of their days: their consumption, their estimated share and their count. */
  async removeFromDaily(
    trx: Transaction<DB>,
    rows: { meterId: string; day: string; consumptionM3: number; count: number }[],
  ): Promise<void> {
    if (!rows.length) return;
    await sql`
      UPDATE meter_daily_consumption c
      SET consumption_m3 = greatest(0, c.consumption_m3 - v.m3),
          estimated_m3 = greatest(0, c.estimated_m3 - v.m3),
          reading_count = greatest(0, c.reading_count - v.n)
      FROM unnest(${rows.map((r) => r.meterId)}::uuid[], ${rows.map((r) => r.day)}::date[], ${rows.map((r) => r.consumptionM3.toFixed(3))}::numeric[],
                  ${rows.map((r) => r.count)}::int[]) AS v(meter_id, day, m3, n)
      WHERE c.meter_id = v.meter_id AND c.day = v.day`.execute(trx);
  }

  /** Inserts readings, skipping ones stored already; returns the keys (device|epoch ms) it inserted. */
  async insertReadings(trx: Transaction<DB>, rows: ReadingRow[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const part of chunks(rows)) {
      // Alarms travel as array literals ('{TAMPER,TILT}'): unnest cannot take a ragged two-dimensional array.
      const { rows: out } = await sql<{ device_id: string; time: Date }>`
        INSERT INTO reading (time, device_id, meter_id, subscription_id, tenant_id, index_m3, consumption_m3, battery_pct, rssi, snr, alarms, valve_state, source, quality, quality_rule, decoded)
        SELECT time, device_id, meter_id, subscription_id, tenant_id, index_m3, consumption_m3, battery_pct, rssi, snr, alarms::alarm_type[], valve_state::valve_state,
               source::reading_source, quality::reading_quality, quality_rule, decoded::jsonb
          FROM unnest(${part.map((r) => r.time)}::timestamptz[], ${part.map((r) => r.deviceId)}::uuid[], ${part.map((r) => r.meterId)}::uuid[],
                      ${part.map((r) => r.subscriptionId)}::uuid[], ${part.map((r) => r.tenantId)}::uuid[], ${part.map((r) => r.indexM3.toFixed(3))}::numeric[],
                      ${part.map((r) => num(r.consumptionM3, 3))}::numeric[], ${part.map((r) => (r.batteryPct === null ? null : String(r.batteryPct)))}::numeric[],
                      ${part.map((r) => r.rssi)}::smallint[], ${part.map((r) => (r.snr === null ? null : String(r.snr)))}::numeric[],
                      ${part.map((r) => `{${r.alarms.join(',')}}`)}::text[], ${part.map((r) => r.valveState)}::text[],
                      ${part.map((r) => r.quality ?? (r.suspect ? 'SUSPECT' : 'VALID'))}::text[], ${part.map((r) => r.qualityRule ?? (r.suspect ? 'backward-index' : null))}::text[],
                      ${part.map((r) => JSON.stringify(r.decoded ?? null))}::text[],
                      ${part.map((r) => r.source ?? 'NETWORK')}::text[])
               AS v(time, device_id, meter_id, subscription_id, tenant_id, index_m3, consumption_m3, battery_pct, rssi, snr, alarms, valve_state, quality, quality_rule, decoded, source)
        ON CONFLICT (device_id, time) DO NOTHING
        RETURNING device_id, time`.execute(trx);
      for (const r of out) inserted.add(`${r.device_id}|${new Date(r.time).getTime()}`);
    }
    return inserted;
  }

  /** Stored readings whose predecessor arrived late get their consumption recomputed. */
  async fixConsumption(
    trx: Transaction<DB>,
    fixes: { deviceId: string; time: Date; consumptionM3: number; suspect: boolean; quality?: 'VALID' | 'SUSPECT'; rule?: string | null }[],
  ): Promise<void> {
    if (!fixes.length) return;
    // Operators' and estimated readings keep their flag, as do flags of the periodic rules and of reception time.
    await sql`
      UPDATE reading r
      SET consumption_m3 = v.consumption,
          quality = CASE WHEN r.quality IN ('EDITED', 'ESTIMATED') OR r.quality_rule IN ('stuck', 'future-time', 'past-time') THEN r.quality
                         ELSE v.quality::reading_quality END,
          quality_rule = CASE WHEN r.quality IN ('EDITED', 'ESTIMATED') OR r.quality_rule IN ('stuck', 'future-time', 'past-time') THEN r.quality_rule
                              ELSE v.rule END
      FROM unnest(${fixes.map((f) => f.deviceId)}::uuid[], ${fixes.map((f) => f.time)}::timestamptz[], ${fixes.map((f) => f.consumptionM3.toFixed(3))}::numeric[],
                  ${fixes.map((f) => f.quality ?? (f.suspect ? 'SUSPECT' : 'VALID'))}::text[], ${fixes.map((f) => f.rule ?? (f.suspect ? 'backward-index' : null))}::text[])
        AS v(device_id, time, consumption, quality, rule)
      WHERE r.device_id = v.device_id AND r.time = v.time`.execute(trx);
  }

  /** Last seen, battery and radio of each device, unless a newer uplink got there first. */
  async updateDevices(
    trx: Transaction<DB>,
    rows: { deviceId: string; time: Date; batteryPct: number | null; rssi: number | null; snr: number | null }[],
  ): Promise<void> {
    if (!rows.length) return;
    await sql`
      UPDATE device d
      SET last_seen_at = v.time,
          battery_pct = coalesce(v.battery_pct, d.battery_pct),
          rssi = coalesce(v.rssi, d.rssi),
          snr = coalesce(v.snr, d.snr),
          updated_at = now()
      FROM unnest(${rows.map((r) => r.deviceId)}::uuid[], ${rows.map((r) => r.time)}::timestamptz[], ${rows.map((r) => num(r.batteryPct, 2))}::numeric[],
                  ${rows.map((r) => r.rssi)}::smallint[], ${rows.map((r) => num(r.snr, 2))}::numeric[]) AS v(id, time, battery_pct, rssi, snr)
      WHERE d.id = v.id AND (d.last_seen_at IS NULL OR d.last_seen_at < v.time)`.execute(trx);
  }

  /** Last index, reading time and valve state of each meter, unless a newer reading got there first. */
  async updateMeters(
    trx: Transaction<DB>,
    rows: { meterId: string; time: Date; indexM3: number; valveState: ValveState | null }[],
  ): Promise<void> {
    if (!rows.length) return;
    await sql`
      UPDATE meter m
      SET last_index_m3 = v.index_m3,
          last_reading_at = v.time,
          valve_state = CASE WHEN m.has_valve AND v.valve_state IS NOT NULL THEN v.valve_state::valve_state ELSE m.valve_state END,
          updated_at = now()
      FROM unnest(${rows.map((r) => r.meterId)}::uuid[], ${rows.map((r) => r.time)}::timestamptz[], ${rows.map((r) => r.indexM3.toFixed(3))}::numeric[],
                  ${rows.map((r) => r.valveState)}::text[]) AS v(id, time, index_m3, valve_state)
      WHERE m.id = v.id AND (m.last_reading_at IS NULL OR m.last_reading_at < v.time)`.execute(trx);
  }

  /** Adds to each meter's daily rollup; returns each touched day's new total. */
  async addDaily(trx: Transaction<DB>, rows: DailyRow[]): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    if (!rows.length) return totals;
    for (const part of chunks(rows)) {
      const out = await trx
        .insertInto('meter_daily_consumption')
        .values(
          part.map((r) => ({
            meter_id: r.meterId,
            day: sql`${r.day}::date`,
            tenant_id: r.tenantId,
            subscription_id: r.subscriptionId,
            consumption_m3: r.consumptionM3.toFixed(3),
            last_index_m3: r.lastIndexM3.toFixed(3),
            reading_count: r.readingCount,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['meter_id', 'day']).doUpdateSet({
            consumption_m3: sql`meter_daily_consumption.consumption_m3 + excluded.consumption_m3`,
            last_index_m3: sql`greatest(meter_daily_consumption.last_index_m3, excluded.last_index_m3)`,
            reading_count: sql`meter_daily_consumption.reading_count + excluded.reading_count`,
          }),
        )
        .returning(['meter_id', sql<string>`day::text`.as('day'), 'consumption_m3'])
        .execute();
      for (const r of out) totals.set(`${r.meter_id}|${r.day}`, Number(r.consumption_m3));
    }
    return totals;
  }

  /** Moves days' totals by the difference of corrected readings (which the totals counted already). */
  async shiftDaily(trx: Transaction<DB>, rows: { meterId: string; day: string; diffM3: number }[]): Promise<void> {
    if (!rows.length) return;
    await sql`
      UPDATE meter_daily_consumption c
      SET consumption_m3 = greatest(0, c.consumption_m3 + v.diff)
      FROM unnest(${rows.map((r) => r.meterId)}::uuid[], ${rows.map((r) => r.day)}::date[], ${rows.map((r) => r.diffM3.toFixed(3))}::numeric[]) AS v(meter_id, day, diff)
      WHERE c.meter_id = v.meter_id AND c.day = v.day`.execute(trx);
  }

  async openAlarms(trx: Transaction<DB>, deviceIds: string[]): Promise<AlarmRow[]> {
    if (!deviceIds.length) return [];
    return trx
      .selectFrom('alarm')
      .select(['id', 'type', 'device_id as deviceId', 'started_at as startedAt', 'cleared_at as clearedAt'])
      .where('device_id', 'in', deviceIds)
      .where('cleared_at', 'is', null)
      .execute() as Promise<AlarmRow[]>;
  }

  async insertAlarms(
    trx: Transaction<DB>,
    rows: {
      tenantId: string;
      type: AlarmType;
      deviceId: string;
      meterId: string | null;
      subscriptionId: string | null;
      startedAt: Date;
      clearedAt: Date | null;
      details: unknown;
    }[],
  ): Promise<AlarmRow[]> {
    if (!rows.length) return [];
    return (
      trx
        .insertInto('alarm')
        .values(
          rows.map((a) => ({
            tenant_id: a.tenantId,
            type: a.type,
            device_id: a.deviceId,
            meter_id: a.meterId,
            subscription_id: a.subscriptionId,
            started_at: a.startedAt,
            cleared_at: a.clearedAt,
            details: a.details === null ? null : JSON.stringify(a.details),
          })),
        )
        // One open alarm per type and device (a partial unique index); another process may have opened it.
        .onConflict((oc) =>
          oc
            .columns(['type', 'device_id'])
            .where(sql<boolean>`cleared_at IS NULL AND device_id IS NOT NULL`)
            .doNothing(),
        )
        .returning(['id', 'type', 'device_id as deviceId', 'started_at as startedAt', 'cleared_at as clearedAt'])
        .execute() as Promise<AlarmRow[]>
    );
  }

  async clearAlarms(trx: Transaction<DB>, rows: { id: string; clearedAt: Date }[]): Promise<AlarmRow[]> {
    if (!rows.length) return [];
    const { rows: out } = await sql<AlarmRow>`
      UPDATE alarm a SET cleared_at = v.cleared_at
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.clearedAt)}::timestamptz[]) AS v(id, cleared_at)
      WHERE a.id = v.id AND a.cleared_at IS NULL
      RETURNING a.id, a.type, a.device_id AS "deviceId", a.started_at AS "startedAt", a.cleared_at AS "clearedAt"`.execute(trx);
    return out;
  }
}
