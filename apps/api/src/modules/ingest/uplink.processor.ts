import { Injectable, Logger } from '@nestjs/common';
import { RED_ALARM_TYPES, type AlarmType } from '@water/shared';
import { sql, type Transaction } from 'kysely';
import type { DB } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import type { UplinkEnvelope } from '../../core/jobs/jobs.types';
import type { AlarmEvent } from '../../core/realtime/events';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { mapDecoded, type FieldMapping, type MappedReading } from '../decoders/decoded-mapping';
import { DecodersService } from '../decoders/decoders.service';

/** Battery level under which LOW_BATTERY opens even when the frame sets no flag. */
export const LOW_BATTERY_PCT = 10;
const CONTEXT_TTL_MS = 15_000;

interface DeviceContext {
  deviceId: string;
  tenantId: string;
  profileId: string;
  meterId: string | null;
  meterSerialNo: string | null;
  meterHasValve: boolean;
  subscriptionId: string | null;
  dailyThresholdM3: number | null;
  timeZone: string;
  scenarios: { id: string; version: number; fPort: number | null; decoderSource: string; fieldMapping: FieldMapping }[];
}

export interface ProcessResult {
  status: 'stored' | 'decode-failed' | 'duplicate' | 'no-reading';
  errors?: string[];
}

/**
 * Turns one accepted uplink into stored facts: the raw uplink, the reading, the device's and meter's
 * last state, the daily rollup and alarms, then tells the live watchers.
 */
@Injectable()
export class UplinkProcessor {
  private readonly logger = new Logger('uplinks');
  private readonly contexts = new Map<string, { value: DeviceContext; expires: number }>();
  /** Uplinks of one device are handled one after another, so consumption is computed in order. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly database: DatabaseService,
    private readonly decoders: DecodersService,
    private readonly live: LiveEventsService,
  ) {}

  process(envelope: UplinkEnvelope): Promise<ProcessResult> {
    const previous = this.chains.get(envelope.deviceId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.handle(envelope));
    this.chains.set(envelope.deviceId, next);
    void next.finally(() => {
      if (this.chains.get(envelope.deviceId) === next) this.chains.delete(envelope.deviceId);
    });
    return next;
  }

  private async handle(e: UplinkEnvelope): Promise<ProcessResult> {
    const ctx = await this.context(e.deviceId);
    if (!ctx) {
      this.logger.warn({ deviceId: e.deviceId }, 'uplink for a device that no longer exists');
      return { status: 'no-reading', errors: ['device no longer exists'] };
    }
    const time = new Date(e.deviceTime ?? e.receivedAt);
    const bytes = [...Buffer.from(e.payloadHex, 'hex')];
    const scenario = ctx.scenarios.find((s) => s.fPort !== null && s.fPort === e.fPort) ?? ctx.scenarios.find((s) => s.fPort === null);
    const decoded = scenario
      ? await this.decoders.decode(scenario, { bytes, fPort: e.fPort, recvTime: time })
      : { data: null, warnings: [], errors: [`no message scenario of the device profile handles port ${e.fPort ?? 'none'}`] };
    const failed = !decoded.data || decoded.errors.length > 0;
    const mapped = failed ? null : mapDecoded(decoded.data!, scenario!.fieldMapping);

    const outcome = await this.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('uplink')
        .values({
          received_at: new Date(e.receivedAt),
          device_id: ctx.deviceId,
          tenant_id: ctx.tenantId,
          integration_id: e.integrationId,
          device_time: e.deviceTime ? new Date(e.deviceTime) : null,
          f_port: e.fPort,
          f_cnt: e.fCnt === null ? null : String(e.fCnt),
          payload: Buffer.from(e.payloadHex, 'hex'),
          rx_metadata: e.rx ? JSON.stringify({ ...e.rx, source: e.source }) : JSON.stringify({ source: e.source }),
          status: failed ? 'FAILED' : 'DECODED',
          scenario_id: scenario?.id ?? null,
          decoded: decoded.data ? JSON.stringify(decoded.data) : null,
          errors: decoded.errors.length || decoded.warnings.length ? JSON.stringify({ errors: decoded.errors, warnings: decoded.warnings }) : null,
        })
        // A retried job (its worker died after committing) finds its uplink already stored.
        .onConflict((oc) => oc.expression(sql`device_id, received_at, (coalesce(f_cnt, -1))`).doNothing())
        .execute();
      if (!mapped) return { status: 'decode-failed' as const };
      return this.store(trx, ctx, e, time, mapped, decoded.data!);
    });

    if (outcome.status === 'decode-failed') return { status: 'decode-failed', errors: decoded.errors };
    if (outcome.status !== 'stored') return { status: outcome.status };
    const { reading, alarms } = outcome;
    if (reading) {
      this.live.emit('reading.created', ctx.tenantId, reading);
      this.live.emit('device.state', ctx.tenantId, {
        tenantId: ctx.tenantId,
        deviceId: ctx.deviceId,
        meterId: ctx.meterId,
        lastSeenAt: reading.time,
        batteryPct: reading.batteryPct,
        rssi: reading.rssi,
        snr: reading.snr,
        lastIndexM3: reading.indexM3,
      });
    }
    for (const a of alarms.opened) this.live.emit('alarm.opened', ctx.tenantId, a);
    for (const a of alarms.cleared) this.live.emit('alarm.cleared', ctx.tenantId, a);
    return { status: 'stored' };
  }

  private async store(trx: Transaction<DB>, ctx: DeviceContext, e: UplinkEnvelope, time: Date, m: MappedReading, data: Record<string, unknown>) {
    const rssi = e.rx?.rssi !== undefined ? Math.round(e.rx.rssi) : null;
    const snr = e.rx?.snr ?? null;
    const flagged = (Object.entries(m.alarms) as [AlarmType, boolean][]).filter(([, on]) => on).map(([t]) => t);
    if (m.batteryPct !== null && m.batteryPct < LOW_BATTERY_PCT && !flagged.includes('LOW_BATTERY')) flagged.push('LOW_BATTERY');

    await trx
      .updateTable('device')
      .set({
        last_seen_at: time,
        battery_pct: m.batteryPct !== null ? String(m.batteryPct) : sql`battery_pct`,
        rssi: rssi ?? sql`rssi`,
        snr: snr !== null ? String(snr) : sql`snr`,
        updated_at: new Date(),
      })
      .where('id', '=', ctx.deviceId)
      .where((w) => w.or([w('last_seen_at', 'is', null), w('last_seen_at', '<', time)]))
      .execute();

    let reading: Parameters<LiveEventsService['emit']>[2] | null = null;
    if (m.indexM3 !== null && ctx.meterId) {
      const prev = await trx
        .selectFrom('reading')
        .select('index_m3')
        .where('meter_id', '=', ctx.meterId)
        .where('time', '<', time)
        .orderBy('time', 'desc')
        .limit(1)
        .executeTakeFirst();
      const delta = prev ? m.indexM3 - Number(prev.index_m3) : null;
      // An index that goes backwards is recorded but counts as no consumption and is marked suspect.
      const consumption = delta === null ? null : Math.max(0, Math.round(delta * 1000) / 1000);
      const inserted = await trx
        .insertInto('reading')
        .values({
          time,
          device_id: ctx.deviceId,
          meter_id: ctx.meterId,
          subscription_id: ctx.subscriptionId,
          tenant_id: ctx.tenantId,
          index_m3: m.indexM3.toFixed(3),
          consumption_m3: consumption === null ? null : consumption.toFixed(3),
          battery_pct: m.batteryPct === null ? null : String(m.batteryPct),
          rssi,
          snr: snr === null ? null : String(snr),
          alarms: sql`${sql.val(flagged)}::alarm_type[]`,
          valve_state: m.valveState,
          source: 'NETWORK',
          quality: delta !== null && delta < 0 ? 'SUSPECT' : 'GOOD',
          decoded: JSON.stringify(data),
        })
        .onConflict((oc) => oc.columns(['device_id', 'time']).doNothing())
        .returning('time')
        .executeTakeFirst();
      if (!inserted) return { status: 'duplicate' as const };

      await trx
        .updateTable('meter')
        .set({
          last_index_m3: m.indexM3.toFixed(3),
          last_reading_at: time,
          valve_state: ctx.meterHasValve && m.valveState ? m.valveState : sql`valve_state`,
          updated_at: new Date(),
        })
        .where('id', '=', ctx.meterId)
        .where((w) => w.or([w('last_reading_at', 'is', null), w('last_reading_at', '<', time)]))
        .execute();

      const day = await trx
        .insertInto('meter_daily_consumption')
        .values({
          meter_id: ctx.meterId,
          day: sql`(${time}::timestamptz AT TIME ZONE ${ctx.timeZone})::date`,
          tenant_id: ctx.tenantId,
          subscription_id: ctx.subscriptionId,
          consumption_m3: (consumption ?? 0).toFixed(3),
          last_index_m3: m.indexM3.toFixed(3),
          reading_count: 1,
        })
        .onConflict((oc) =>
          oc.columns(['meter_id', 'day']).doUpdateSet({
            consumption_m3: sql`meter_daily_consumption.consumption_m3 + excluded.consumption_m3`,
            last_index_m3: sql`greatest(meter_daily_consumption.last_index_m3, excluded.last_index_m3)`,
            reading_count: sql`meter_daily_consumption.reading_count + 1`,
          }),
        )
        .returning(['consumption_m3', 'day'])
        .executeTakeFirstOrThrow();

      reading = {
        tenantId: ctx.tenantId,
        deviceId: ctx.deviceId,
        meterId: ctx.meterId,
        meterSerialNo: ctx.meterSerialNo,
        subscriptionId: ctx.subscriptionId,
        time: time.toISOString(),
        indexM3: m.indexM3,
        consumptionM3: consumption,
        batteryPct: m.batteryPct,
        rssi,
        snr,
        alarms: flagged,
        valveState: m.valveState,
        receivedAt: e.receivedAt,
      };
      const alarms = await this.alarms(trx, ctx, time, m, flagged, Number(day.consumption_m3));
      return { status: 'stored' as const, reading, alarms };
    }
    const alarms = await this.alarms(trx, ctx, time, m, flagged, null);
    return { status: 'stored' as const, reading, alarms };
  }

  /** Opens alarms the frame raises, clears the ones it reports gone, and judges usage against the group threshold. */
  private async alarms(trx: Transaction<DB>, ctx: DeviceContext, time: Date, m: MappedReading, flagged: AlarmType[], todayM3: number | null) {
    const reported = Object.keys(m.alarms) as AlarmType[];
    const toOpen = new Set<AlarmType>(flagged.filter((t) => RED_ALARM_TYPES.includes(t)));
    const toClear = new Set<AlarmType>(['NO_SIGNAL']);
    for (const t of reported) if (!m.alarms[t]) toClear.add(t);
    if (m.batteryPct !== null && m.batteryPct >= LOW_BATTERY_PCT && m.alarms.LOW_BATTERY !== true) toClear.add('LOW_BATTERY');
    let usage: Record<string, unknown> | null = null;
    if (todayM3 !== null && ctx.dailyThresholdM3 !== null && ctx.subscriptionId) {
      if (todayM3 > ctx.dailyThresholdM3) {
        toOpen.add('HIGH_USAGE');
        usage = { todayM3, thresholdM3: ctx.dailyThresholdM3 };
      } else toClear.add('HIGH_USAGE');
    }
    for (const t of toOpen) toClear.delete(t);

    const opened: AlarmEvent[] = [];
    for (const type of toOpen) {
      const row = await trx
        .insertInto('alarm')
        .values({
          tenant_id: ctx.tenantId,
          type,
          device_id: ctx.deviceId,
          meter_id: ctx.meterId,
          subscription_id: ctx.subscriptionId,
          started_at: time,
          details: JSON.stringify(type === 'HIGH_USAGE' ? usage : { batteryPct: m.batteryPct }),
        })
        .onConflict((oc) => oc.columns(['type', 'device_id']).where(sql<boolean>`cleared_at IS NULL AND device_id IS NOT NULL`).doNothing())
        .returning(['id', 'type', 'started_at'])
        .executeTakeFirst();
      if (row) opened.push(this.alarmEvent(ctx, row.id, row.type, row.started_at, null));
    }
    const cleared: AlarmEvent[] = [];
    if (toClear.size) {
      const rows = await trx
        .updateTable('alarm')
        .set({ cleared_at: time })
        .where('device_id', '=', ctx.deviceId)
        .where('cleared_at', 'is', null)
        .where('type', 'in', [...toClear])
        // HIGH_USAGE clears only once a new day starts below the threshold.
        .where((w) => w.or([w('type', '!=', 'HIGH_USAGE'), w('started_at', '<', sql<Date>`date_trunc('day', ${time}::timestamptz AT TIME ZONE ${ctx.timeZone}) AT TIME ZONE ${ctx.timeZone}`)]))
        .where('started_at', '<=', time)
        .returning(['id', 'type', 'started_at', 'cleared_at'])
        .execute();
      for (const r of rows) cleared.push(this.alarmEvent(ctx, r.id, r.type, r.started_at, r.cleared_at));
    }
    return { opened, cleared };
  }

  private alarmEvent(ctx: DeviceContext, id: string, type: AlarmType, startedAt: Date, clearedAt: Date | null): AlarmEvent {
    return {
      id,
      tenantId: ctx.tenantId,
      type,
      deviceId: ctx.deviceId,
      meterId: ctx.meterId,
      subscriptionId: ctx.subscriptionId,
      startedAt: new Date(startedAt).toISOString(),
      clearedAt: clearedAt ? new Date(clearedAt).toISOString() : null,
    };
  }

  /** Device, meter, subscription and scenarios, cached briefly (profile edits bump scenario versions). */
  private async context(deviceId: string): Promise<DeviceContext | null> {
    const hit = this.contexts.get(deviceId);
    if (hit && hit.expires > Date.now()) return hit.value;
    const db = this.database.db;
    const row = await db
      .selectFrom('device as d')
      .innerJoin('tenant as t', 't.id', 'd.tenant_id')
      .leftJoin('meter as m', 'm.id', 'd.meter_id')
      .leftJoin('subscription_meter as sm', (j) => j.onRef('sm.meter_id', '=', 'm.id').on('sm.ended_at', 'is', null))
      .leftJoin('subscription as s', 's.id', 'sm.subscription_id')
      .leftJoin('subscription_group as g', 'g.id', 's.group_id')
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
      ])
      .where('d.id', '=', deviceId)
      .executeTakeFirst();
    if (!row) return null;
    const scenarios = await db
      .selectFrom('message_scenario')
      .select(['id', 'version', 'f_port as fPort', 'decoder_source as decoderSource', 'field_mapping as fieldMapping'])
      .where('device_profile_id', '=', row.profileId)
      .where('is_active', '=', true)
      .orderBy('sort_order')
      .execute();
    const value: DeviceContext = {
      deviceId: row.deviceId,
      tenantId: row.tenantId,
      profileId: row.profileId,
      meterId: row.meterId,
      meterSerialNo: row.meterSerialNo,
      meterHasValve: Boolean(row.meterHasValve),
      subscriptionId: row.subscriptionId,
      dailyThresholdM3: row.threshold === null ? null : Number(row.threshold),
      timeZone: row.timeZone,
      scenarios: scenarios.map((s) => ({ ...s, fieldMapping: (s.fieldMapping ?? {}) as FieldMapping })),
    };
    this.contexts.set(deviceId, { value, expires: Date.now() + CONTEXT_TTL_MS });
    return value;
  }
}
