import { Injectable, Logger } from '@nestjs/common';
import type { AlarmType, ValveState } from '@water/shared';
import type { UplinkEnvelope } from '../../core/jobs/jobs.types';
import type { AlarmEvent, ServerEvents } from '../../core/realtime/events';
import { batchUplinks, decodeDuration, decodeFailures, storeDuration, workerUplinks } from '../../core/metrics/metrics';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { mapDecoded, type MappedReading } from '../decoders/decoded-mapping';
import type { DecodeOutput } from '../decoders/decoder-sandbox';
import { DecodersService } from '../decoders/decoders.service';
import { judgeInterval, type MeterRuleContext } from '../meter-data/rules/interval';
import { ValidationService } from '../meter-data/validation.service';
import { NotificationsService } from '../notifications/notifications.service';
import {
  flaggedAlarms,
  legacyJudge,
  localDayFormatter,
  planAlarms,
  planConsumption,
  type AlarmFrame,
  type IntervalJudge,
  type MeterPoint,
} from './uplink-batch';
import {
  UplinkRepository,
  type AlarmRow,
  type BatchTransaction,
  type DailyRow,
  type DeviceContext,
  type ReadingRow,
  type UplinkRow,
} from './uplink.repository';

export { LOW_BATTERY_PCT } from './uplink-batch';

const CONTEXT_TTL_MS = 15_000;

/** What the reading columns can hold (index_m3 DECIMAL(14,3)); a decoder's value past it is not a reading. */
const MAX_INDEX_M3 = 99_999_999_999;
/** Radio figures a receiver can report; others are a sender's error and are not stored on the reading. */
const RSSI_RANGE: [number, number] = [-200, 50];
const SNR_RANGE: [number, number] = [-50, 50];

/**
 * SQLSTATE classes a retry of the same statements may not meet again (connection, rollback by
 * serialization or deadlock, resources, operator intervention, system); others are about the data.
 */
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58)/;

/** A failure worth retrying the whole job for, rather than one caused by an uplink's own values. */
export function isTransientFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE.test(code);
  // Node's socket errors (ECONNRESET, ECONNREFUSED, ETIMEDOUT, …) and pg's pool and connection messages.
  if (typeof code === 'string' && code.startsWith('E')) return true;
  return /connection|terminated|timeout|Connection is closed/i.test(String((err as Error | null)?.message ?? ''));
}

export interface BatchResult {
  stored: number;
  duplicate: number;
  decodeFailed: number;
  /** Uplinks decoded without a meter index (status frames, devices without a meter). */
  noReading: number;
  unknownDevice: number;
  /** Uplinks whose facts the database refused (stored as FAILED with the reason, alone). */
  storeFailed: number;
}

/** One uplink of a batch, decoded. */
interface Item {
  e: UplinkEnvelope;
  ctx: DeviceContext;
  time: Date;
  /** The zone `day` was cut in. */
  zone: string;
  day: string;
  scenarioId: string | null;
  decoded: DecodeOutput;
  mapped: MappedReading | null;
  rssi: number | null;
  snr: number | null;
  flagged: AlarmType[];
  reading?: ReadingRow;
  /** Set when its reading was stored by this batch. */
  stored?: boolean;
  /** Its reading was stored before (a network server's retry, a replayed batch). */
  duplicate?: boolean;
  /** Why the database refused this uplink's facts; it was then stored alone as FAILED. */
  storeError?: string;
}

/** A batch decoded and ready to be written (UplinkProcessor.prepare → store). */
export interface PreparedBatch {
  readonly items: Item[];
  readonly result: BatchResult;
  readonly redecode: boolean;
}

type ReadingEvent = Parameters<ServerEvents['reading.created']>[0];

/** A reading from outside the network (an import), of a device whose meter and subscription the caller resolved. */
export interface ExternalReading {
  deviceId: string;
  meterId: string;
  subscriptionId: string | null;
  tenantId: string;
  meterHasValve: boolean;
  time: Date;
  indexM3: number;
  /** What the meter-data rules judge it by, as a device context carries it. */
  groupId: string | null;
  q3M3h: number | null;
  registerCapacityM3: number | null;
}

/**
 * Turns a batch of accepted uplinks into stored facts in one transaction: the raw uplinks, the
 * readings with their consumption, the devices' and meters' last state, the daily rollup and alarms;
 * then tells the live watchers. Every table gets one multi-row statement per batch, so the cost per
 * uplink falls with the batch size. Batches that share devices or meters run one after another (row
 * locks), in whatever worker process they land, so consumption is right even when frames arrive late.
 */
@Injectable()
export class UplinkProcessor {
  private readonly logger = new Logger('uplinks');
  private readonly contexts = new Map<string, { value: DeviceContext; expires: number }>();
  private readonly dayOf = localDayFormatter();

  constructor(
    private readonly repository: UplinkRepository,
    private readonly decoders: DecodersService,
    private readonly live: LiveEventsService,
    private readonly validation: ValidationService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Stores a batch. `redecode`: the uplinks are stored already (an operator re-runs them after a
   * decoder fix): device contexts are read afresh (the fixed scenario) and each uplink's decode result
   * is replaced; readings, rollups, alarms and live events follow the normal path.
   */
  async process(envelopes: UplinkEnvelope[], options: { redecode?: boolean } = {}): Promise<BatchResult> {
    return this.store(await this.prepare(envelopes, options));
  }

  /**
   * The part of a batch that needs no transaction: device contexts and decoding. The worker's merger runs it
   * for the next batch while the previous one is being written (decoding threads and PostgreSQL work at once).
   */
  async prepare(envelopes: UplinkEnvelope[], options: { redecode?: boolean } = {}): Promise<PreparedBatch> {
    const redecode = options.redecode ?? false;
    const result: BatchResult = { stored: 0, duplicate: 0, decodeFailed: 0, noReading: 0, unknownDevice: 0, storeFailed: 0 };
    const contexts = await this.load([...new Set(envelopes.map((e) => e.deviceId))], redecode);
    const known: { e: UplinkEnvelope; ctx: DeviceContext }[] = [];
    for (const e of envelopes) {
      const ctx = contexts.get(e.deviceId);
      if (!ctx) {
        this.logger.warn({ deviceId: e.deviceId, requestId: e.requestId }, 'uplink for a device that no longer exists');
        result.unknownDevice++;
        continue;
      }
      known.push({ e, ctx });
    }
    // The batch's decodes go to the thread pool together: both threads work, and the pool hands them over in bundles.
    const items: Item[] = await Promise.all(known.map(({ e, ctx }) => this.decode(e, ctx)));
    return { items, result, redecode };
  }

  /** Writes a prepared batch in one transaction (halved around an uplink the database refuses), then tells the live watchers. */
  async store({ items, result, redecode }: PreparedBatch): Promise<BatchResult> {
    if (!items.length) return result;

    const stopStore = storeDuration.startTimer();
    const { opened, cleared } = await this.writeIsolating(items, redecode);
    stopStore();
    batchUplinks.observe(items.length);

    for (const it of items) {
      if (it.storeError) result.storeFailed++;
      else if (!it.mapped) result.decodeFailed++;
      else if (it.stored) result.stored++;
      else if (it.duplicate) result.duplicate++;
      else result.noReading++;
    }
    this.announce(items, opened, cleared);
    for (const [outcome, n] of [
      ['stored', result.stored],
      ['duplicate', result.duplicate],
      ['decode_failed', result.decodeFailed],
      ['no_reading', result.noReading],
      ['unknown_device', result.unknownDevice],
      ['store_failed', result.storeFailed],
    ] as const)
      if (n) workerUplinks.inc({ outcome }, n);
    return result;
  }

  /**
   * Stores readings that did not come over the network (imports) through the uplinks' own path, in one
   * transaction: the same locks, consumption from each meter's neighbours in time (a reading older than
   * stored ones corrects its successor), the meters' last index and the daily rollups. No uplink, device
   * state, alarm or live event: these are history, not news. Returns, per reading in the order given,
   * whether it was stored now or was stored already (same device and time).
   */
  async storeExternalReadings(readings: ExternalReading[], source: 'CSV_IMPORT'): Promise<('stored' | 'duplicate')[]> {
    const items: Item[] = readings.map((r) => {
      const ctx: DeviceContext = {
        deviceId: r.deviceId,
        tenantId: r.tenantId,
        profileId: '',
        meterId: r.meterId,
        meterSerialNo: null,
        meterHasValve: r.meterHasValve,
        subscriptionId: r.subscriptionId,
        dailyThresholdM3: null,
        timeZone: '',
        groupId: r.groupId,
        q3M3h: r.q3M3h,
        registerCapacityM3: r.registerCapacityM3,
        scenarios: [],
      };
      const e: UplinkEnvelope = {
        deviceId: r.deviceId,
        tenantId: r.tenantId,
        integrationId: null,
        receivedAt: r.time.toISOString(),
        deviceTime: null,
        fPort: null,
        fCnt: null,
        payloadHex: '',
        rx: null,
        source: 'generic',
      };
      const mapped: MappedReading = { indexM3: r.indexM3, batteryPct: null, valveState: null, alarms: {} };
      return {
        e,
        ctx,
        time: r.time,
        zone: '',
        day: '',
        scenarioId: null,
        decoded: { data: null, warnings: [], errors: [] },
        mapped,
        rssi: null,
        snr: null,
        flagged: [],
      };
    });
    const sorted = [...items].sort((a, b) => a.time.getTime() - b.time.getTime());
    await this.repository.transaction(async (trx) => {
      await this.repository.lock(
        trx,
        [...new Set(items.map((it) => it.ctx.deviceId))].sort(),
        [...new Set(items.map((it) => it.ctx.meterId!))].sort(),
      );
      const zones = await this.repository.lockTimeZones(trx, [...new Set(items.map((it) => it.ctx.tenantId))].sort());
      for (const it of items) {
        it.zone = it.ctx.timeZone = zones.get(it.ctx.tenantId) ?? 'UTC';
        it.day = this.dayOf(it.time, it.zone);
      }
      await this.storeReadings(trx, sorted, source);
    });
    return items.map((it) => (it.stored ? 'stored' : 'duplicate'));
  }

  private async decode(e: UplinkEnvelope, ctx: DeviceContext): Promise<Item> {
    const time = new Date(e.deviceTime ?? e.receivedAt);
    const scenario = ctx.scenarios.find((s) => s.fPort !== null && s.fPort === e.fPort) ?? ctx.scenarios.find((s) => s.fPort === null);
    const stopDecode = decodeDuration.startTimer();
    const decoded: DecodeOutput = scenario
      ? await this.decoders.decode(scenario, { bytes: [...Buffer.from(e.payloadHex, 'hex')], fPort: e.fPort, recvTime: time })
      : { data: null, warnings: [], errors: [`no message scenario of the device profile handles port ${e.fPort ?? 'none'}`] };
    const failed = !decoded.data || decoded.errors.length > 0;
    if (scenario) stopDecode({ outcome: failed ? 'failed' : 'ok' });
    if (failed) decodeFailures.inc({ reason: failureReason(scenario !== undefined, decoded) });
    let mapped = failed ? null : mapDecoded(decoded.data!, scenario!.fieldMapping);
    if (mapped?.indexM3 != null && mapped.indexM3 > MAX_INDEX_M3) {
      decoded.errors.push(`indexM3 ${mapped.indexM3} is beyond any register (at most ${MAX_INDEX_M3} m³)`);
      mapped = null;
    }
    return {
      e,
      ctx,
      time,
      zone: ctx.timeZone,
      day: this.dayOf(time, ctx.timeZone),
      scenarioId: scenario?.id ?? null,
      decoded,
      mapped,
      rssi: within(e.rx?.rssi, RSSI_RANGE, 'rssi', decoded.warnings, 0),
      snr: within(e.rx?.snr, SNR_RANGE, 'snr', decoded.warnings, 2),
      flagged: mapped ? flaggedAlarms(mapped.alarms, mapped.batteryPct) : [],
    };
  }

  /**
   * Writes the batch in one transaction. When the database refuses it for the values of some uplink
   * (not for a lost connection, which the job's retry handles), the batch is halved until each
   * culprit is alone, and each culprit is stored as FAILED with the reason: one bad uplink never costs
   * the others, and none is lost.
   */
  private async writeIsolating(items: Item[], redecode: boolean): Promise<{ opened: AlarmRow[]; cleared: AlarmRow[] }> {
    try {
      return await this.repository.transaction((trx) => this.write(trx, items, redecode));
    } catch (err) {
      if (isTransientFailure(err)) throw err;
      // The rolled-back attempt's marks are void.
      for (const it of items) {
        it.reading = undefined;
        it.stored = undefined;
        it.duplicate = undefined;
      }
      const reason = String((err as Error).message ?? err)
        .replaceAll('\u0000', '')
        .slice(0, 500);
      if (items.length === 1) {
        const it = items[0];
        it.storeError = reason;
        this.logger.error(
          { deviceId: it.ctx.deviceId, requestId: it.e.requestId, err: reason },
          'uplink refused by the database; stored as FAILED',
        );
        await this.repository.transaction((trx) =>
          this.repository.insertUplinks(
            trx,
            [{ ...this.uplinkRow(it), status: 'FAILED', decoded: null, errors: { errors: [`not stored: ${reason}`], warnings: [] } }],
            redecode,
          ),
        );
        return { opened: [], cleared: [] };
      }
      this.logger.warn({ uplinks: items.length, err: reason }, 'batch refused by the database; storing it in halves');
      const half = Math.ceil(items.length / 2);
      const first = await this.writeIsolating(items.slice(0, half), redecode);
      const second = await this.writeIsolating(items.slice(half), redecode);
      return { opened: [...first.opened, ...second.opened], cleared: [...first.cleared, ...second.cleared] };
    }
  }

  private uplinkRow({ e, ctx, decoded: d, mapped, scenarioId }: Item): UplinkRow {
    return {
      receivedAt: new Date(e.receivedAt),
      deviceId: ctx.deviceId,
      tenantId: ctx.tenantId,
      integrationId: e.integrationId,
      deviceTime: e.deviceTime ? new Date(e.deviceTime) : null,
      fPort: e.fPort,
      fCnt: e.fCnt,
      payload: Buffer.from(e.payloadHex, 'hex'),
      rxMetadata: e.rx ? { ...e.rx, source: e.source } : { source: e.source },
      status: mapped ? 'DECODED' : 'FAILED',
      scenarioId,
      decoded: d.data,
      errors: d.errors.length || d.warnings.length ? { errors: d.errors, warnings: d.warnings } : null,
    };
  }

  private async write(trx: BatchTransaction, items: Item[], redecode: boolean) {
    const decoded = items.filter((it) => it.mapped).sort((a, b) => a.time.getTime() - b.time.getTime());
    const deviceIds = [...new Set(items.map((it) => it.ctx.deviceId))].sort();
    const meterIds = [...new Set(decoded.flatMap((it) => (it.ctx.meterId ? [it.ctx.meterId] : [])))].sort();
    await this.repository.lock(trx, deviceIds, meterIds);
    // The cached contexts may hold a zone changed since: days are cut in the zone read under the lock.
    const zones = await this.repository.lockTimeZones(trx, [...new Set(items.map((it) => it.ctx.tenantId))].sort());
    for (const it of items) {
      const zone = zones.get(it.ctx.tenantId);
      if (zone && zone !== it.zone) {
        it.ctx.timeZone = zone;
        it.zone = zone;
        it.day = this.dayOf(it.time, zone);
      }
    }

    await this.repository.insertUplinks(
      trx,
      items.map((it) => this.uplinkRow(it)),
      redecode,
    );

    const daily = await this.storeReadings(trx, decoded);

    // Device state from every decoded frame, the newest value of each field winning.
    const devices = new Map<string, { deviceId: string; time: Date; batteryPct: number | null; rssi: number | null; snr: number | null }>();
    for (const it of decoded) {
      const d = devices.get(it.ctx.deviceId);
      devices.set(it.ctx.deviceId, {
        deviceId: it.ctx.deviceId,
        time: it.time,
        batteryPct: it.mapped!.batteryPct ?? d?.batteryPct ?? null,
        rssi: it.rssi ?? d?.rssi ?? null,
        snr: it.snr ?? d?.snr ?? null,
      });
    }
    await this.repository.updateDevices(trx, [...devices.values()]);

    return this.storeAlarms(trx, decoded, daily);
  }

  /** Readings with their consumption, the meters' last state and the daily rollup; returns the day totals. */
  private async storeReadings(trx: BatchTransaction, decoded: Item[], source?: 'CSV_IMPORT'): Promise<Map<string, number>> {
    const withIndex = decoded.filter((it) => it.mapped!.indexM3 !== null && it.ctx.meterId);
    const perMeter = new Map<string, Item[]>();
    for (const it of withIndex) {
      const list = perMeter.get(it.ctx.meterId!);
      if (list) list.push(it);
      else perMeter.set(it.ctx.meterId!, [it]);
    }
    const ranges = [...perMeter].map(([meterId, list]) => ({ meterId, from: list[0].time, to: list[list.length - 1].time }));
    let stored = await this.repository.neighbours(trx, ranges);
    // Real readings replace the estimates around them (issue 17): only when a neighbour is one, so the usual batch
    // pays nothing.
    const estimated = new Set(stored.filter((p) => p.quality === 'ESTIMATED').map((p) => p.meterId));
    if (estimated.size) {
      const dropped = await this.repository.dropEstimates(
        trx,
        ranges.filter((r) => estimated.has(r.meterId)),
      );
      const days = new Map<string, { meterId: string; day: string; consumptionM3: number; count: number }>();
      for (const d of dropped) {
        const day = this.dayOf(d.time, perMeter.get(d.meterId)![0].ctx.timeZone);
        const key = `${d.meterId}|${day}`;
        const row = days.get(key) ?? { meterId: d.meterId, day, consumptionM3: 0, count: 0 };
        row.consumptionM3 = Math.round((row.consumptionM3 + d.consumptionM3) * 1000) / 1000;
        row.count += 1;
        days.set(key, row);
      }
      await this.repository.removeFromDaily(trx, [...days.values()]);
      // The gaps left either side are estimated again by a revalidation job; it takes the meter's lock, so it
      // runs on what this batch commits.
      await this.validation.reestimate(
        dropped.map((d) => d.meterId),
        ranges,
      );
      stored = [
        ...stored.filter((p) => !estimated.has(p.meterId)),
        ...(await this.repository.neighbours(
          trx,
          ranges.filter((r) => estimated.has(r.meterId)),
        )),
      ];
    }
    // The validation rules of each meter's tenant and group, loaded once for the batch (cached across batches).
    const rules = await this.validation.batchContexts(
      [...perMeter].map(([meterId, list]) => {
        const ctx = list[0].ctx;
        return {
          meterId,
          tenantId: ctx.tenantId,
          groupId: ctx.groupId ?? null,
          q3: ctx.q3M3h ?? null,
          registerCapacityM3: ctx.registerCapacityM3 ?? null,
        };
      }),
    );

    const rows: ReadingRow[] = [];
    const fixes: {
      meterId: string;
      ctx: DeviceContext;
      deviceId: string;
      time: Date;
      consumptionM3: number;
      suspect: boolean;
      quality: 'VALID' | 'SUSPECT';
      rule: string | null;
      diffM3: number;
    }[] = [];
    for (const [meterId, list] of perMeter) {
      const points: MeterPoint[] = list.map((it, i) => ({
        time: it.time,
        deviceId: it.ctx.deviceId,
        indexM3: it.mapped!.indexM3!,
        batchRef: i,
        receivedAt: new Date(it.e.receivedAt),
      }));
      const plan = planConsumption(
        stored.filter((p) => p.meterId === meterId),
        points,
        judgeWith(rules.get(meterId)),
      );
      for (const c of plan.readings) {
        const it = list[c.batchRef];
        it.reading = {
          time: it.time,
          deviceId: it.ctx.deviceId,
          meterId,
          subscriptionId: it.ctx.subscriptionId,
          tenantId: it.ctx.tenantId,
          indexM3: it.mapped!.indexM3!,
          consumptionM3: c.consumptionM3,
          batteryPct: it.mapped!.batteryPct,
          rssi: it.rssi,
          snr: it.snr,
          alarms: it.flagged,
          valveState: it.mapped!.valveState,
          suspect: c.suspect,
          quality: c.quality,
          qualityRule: c.rule,
          decoded: it.decoded.data,
          source,
        };
        rows.push(it.reading);
      }
      for (const ref of plan.duplicates) list[ref].duplicate = true;
      for (const f of plan.fixes) fixes.push({ ...f, meterId, ctx: list[0].ctx });
    }

    const inserted = await this.repository.insertReadings(trx, rows);
    await this.repository.fixConsumption(trx, fixes);

    const meters = new Map<string, { meterId: string; time: Date; indexM3: number; valveState: ValveState | null }>();
    const days = new Map<string, DailyRow>();
    const addDay = (meterId: string, ctx: DeviceContext, day: string, consumption: number, index: number) => {
      const key = `${meterId}|${day}`;
      const d = days.get(key) ?? {
        meterId,
        day,
        tenantId: ctx.tenantId,
        subscriptionId: ctx.subscriptionId,
        consumptionM3: 0,
        lastIndexM3: index,
        readingCount: 0,
      };
      d.consumptionM3 = Math.round((d.consumptionM3 + consumption) * 1000) / 1000;
      d.lastIndexM3 = Math.max(d.lastIndexM3, index);
      d.readingCount += 1;
      days.set(key, d);
    };
    for (const it of withIndex) {
      const r = it.reading;
      if (!r || it.duplicate) continue;
      if (!inserted.has(`${r.deviceId}|${r.time.getTime()}`)) {
        it.duplicate = true;
        continue;
      }
      it.stored = true;
      addDay(r.meterId, it.ctx, it.day, r.consumptionM3 ?? 0, r.indexM3);
      meters.set(r.meterId, {
        meterId: r.meterId,
        time: r.time,
        indexM3: r.indexM3,
        valveState: it.ctx.meterHasValve ? r.valveState : null,
      });
    }
    // A corrected reading was counted in its day's rollup already: shift that day by the difference.
    const shifts = new Map<string, { meterId: string; day: string; diffM3: number }>();
    for (const f of fixes) {
      if (f.diffM3 === 0) continue;
      const day = this.dayOf(f.time, f.ctx.timeZone);
      const key = `${f.meterId}|${day}`;
      const s = shifts.get(key) ?? { meterId: f.meterId, day, diffM3: 0 };
      s.diffM3 = Math.round((s.diffM3 + f.diffM3) * 1000) / 1000;
      shifts.set(key, s);
    }

    await this.repository.updateMeters(trx, [...meters.values()]);
    await this.repository.shiftDaily(trx, [...shifts.values()]);
    return this.repository.addDaily(trx, [...days.values()]);
  }

  private async storeAlarms(trx: BatchTransaction, decoded: Item[], totals: Map<string, number>) {
    // Each stored reading's running total of its day: the day's new total minus what came after it.
    const today = new Map<Item, number>();
    const after = new Map<string, number>();
    for (const it of [...decoded].reverse()) {
      if (!it.stored) continue;
      const key = `${it.ctx.meterId}|${it.day}`;
      const total = totals.get(key);
      if (total === undefined) continue;
      const later = after.get(key) ?? 0;
      today.set(it, Math.round((total - later) * 1000) / 1000);
      after.set(key, later + (it.reading!.consumptionM3 ?? 0));
    }

    const byDevice = new Map<string, Item[]>();
    // A duplicate frame was handled when it first arrived.
    for (const it of decoded) {
      if (it.duplicate) continue;
      const list = byDevice.get(it.ctx.deviceId);
      if (list) list.push(it);
      else byDevice.set(it.ctx.deviceId, [it]);
    }
    const open = await this.repository.openAlarms(trx, [...byDevice.keys()]);

    const toInsert: Parameters<UplinkRepository['insertAlarms']>[1] = [];
    const toClear: { id: string; clearedAt: Date }[] = [];
    for (const [deviceId, list] of byDevice) {
      const ctx = list[0].ctx;
      const frames: AlarmFrame[] = list.map((it) => ({
        time: it.time,
        flagged: it.flagged,
        reported: it.mapped!.alarms,
        batteryPct: it.mapped!.batteryPct,
        todayM3: ctx.subscriptionId ? (today.get(it) ?? null) : null,
        dailyThresholdM3: ctx.dailyThresholdM3,
        day: it.day,
      }));
      const plan = planAlarms(
        open.filter((a) => a.deviceId === deviceId).map((a) => ({ id: a.id, type: a.type, startedAt: new Date(a.startedAt) })),
        frames,
        (d) => this.dayOf(d, ctx.timeZone),
      );
      for (const a of plan.opened)
        toInsert.push({ ...a, tenantId: ctx.tenantId, deviceId, meterId: ctx.meterId, subscriptionId: ctx.subscriptionId });
      toClear.push(...plan.cleared);
    }
    const opened = await this.repository.insertAlarms(trx, toInsert);
    const cleared = await this.repository.clearAlarms(trx, toClear);
    return { opened, cleared };
  }

  /** Live events after the commit, in time order: readings, each device's newest state, alarms. */
  private announce(items: Item[], opened: AlarmRow[], cleared: AlarmRow[]) {
    const byDevice = new Map<string, DeviceContext>(items.map((it) => [it.ctx.deviceId, it.ctx]));
    const latest = new Map<string, ReadingEvent>();
    for (const it of [...items].sort((a, b) => a.time.getTime() - b.time.getTime())) {
      if (!it.stored) continue;
      const r = it.reading!;
      const event: ReadingEvent = {
        tenantId: it.ctx.tenantId,
        deviceId: it.ctx.deviceId,
        meterId: r.meterId,
        meterSerialNo: it.ctx.meterSerialNo,
        subscriptionId: it.ctx.subscriptionId,
        time: r.time.toISOString(),
        indexM3: r.indexM3,
        consumptionM3: r.consumptionM3,
        batteryPct: r.batteryPct,
        rssi: r.rssi,
        snr: r.snr,
        alarms: r.alarms,
        valveState: r.valveState,
        quality: r.quality ?? 'VALID',
        qualityRule: r.qualityRule ?? null,
        receivedAt: it.e.receivedAt,
      };
      this.live.emit('reading.created', it.ctx.tenantId, event);
      latest.set(it.ctx.deviceId, event);
    }
    for (const r of latest.values()) {
      const state = {
        tenantId: r.tenantId,
        deviceId: r.deviceId,
        meterId: r.meterId,
        subscriptionId: r.subscriptionId,
        lastSeenAt: r.time,
        batteryPct: r.batteryPct,
        rssi: r.rssi,
        snr: r.snr,
        lastIndexM3: r.indexM3,
      };
      // The point also sends it to its map cell's viewport room.
      this.live.emit('device.state', r.tenantId, state, byDevice.get(r.deviceId)?.point);
    }
    // Live watchers and the people subscribed to the alarm type (issue 19: queued, so the batch does not wait).
    const tell = (event: 'alarm.opened' | 'alarm.cleared', payload: AlarmEvent) => {
      this.live.emit(event, payload.tenantId, payload);
      void this.notifications.notify(event, payload);
    };
    for (const a of opened) {
      const ctx = byDevice.get(a.deviceId)!;
      tell('alarm.opened', this.alarmEvent(ctx, a, null));
      if (a.clearedAt) tell('alarm.cleared', this.alarmEvent(ctx, a, a.clearedAt));
    }
    for (const a of cleared) {
      const ctx = byDevice.get(a.deviceId)!;
      tell('alarm.cleared', this.alarmEvent(ctx, a, a.clearedAt));
    }
  }

  private alarmEvent(ctx: DeviceContext, a: AlarmRow, clearedAt: Date | null): AlarmEvent {
    return {
      id: a.id,
      tenantId: ctx.tenantId,
      type: a.type,
      deviceId: ctx.deviceId,
      meterId: ctx.meterId,
      subscriptionId: ctx.subscriptionId,
      startedAt: new Date(a.startedAt).toISOString(),
      clearedAt: clearedAt ? new Date(clearedAt).toISOString() : null,
    };
  }

  /** Device contexts, cached briefly (profile edits bump scenario versions); misses load in one query. */
  private async load(deviceIds: string[], fresh = false): Promise<Map<string, DeviceContext>> {
    const out = new Map<string, DeviceContext>();
    const missing: string[] = [];
    const now = Date.now();
    for (const id of deviceIds) {
      const hit = fresh ? undefined : this.contexts.get(id);
      if (hit && hit.expires > now) out.set(id, hit.value);
      else missing.push(id);
    }
    if (missing.length) {
      for (const ctx of await this.repository.contexts(missing)) {
        out.set(ctx.deviceId, ctx);
        this.contexts.set(ctx.deviceId, { value: ctx, expires: now + CONTEXT_TTL_MS });
      }
      if (this.contexts.size > 100_000) for (const [id, c] of this.contexts) if (c.expires <= now) this.contexts.delete(id);
    }
    return out;
  }
}

/** The interval rules of a meter's tenant and group (issue 17), or those of earlier releases without a context. */
function judgeWith(rules: MeterRuleContext | undefined): IntervalJudge {
  if (!rules) return legacyJudge;
  return (previous, current) => {
    const j = judgeInterval(
      previous,
      { time: current.time, indexM3: current.indexM3, receivedAt: current.receivedAt ?? current.time },
      rules,
    );
    return { consumptionM3: j.consumptionM3, quality: j.quality === 'SUSPECT' ? 'SUSPECT' : 'VALID', rule: j.rule };
  };
}

/** A radio figure inside what receivers report, rounded to the column's digits; outside it, null and a warning on the uplink. */
function within(v: number | undefined, [min, max]: [number, number], name: string, warnings: string[], digits: number): number | null {
  if (v === undefined || v === null) return null;
  if (!Number.isFinite(v) || v < min || v > max) {
    warnings.push(`${name} ${v} is outside ${min}…${max}: not stored on the reading`);
    return null;
  }
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Why a decode failed, in a few stable words for metrics (the uplink keeps the full text). */
function failureReason(hadScenario: boolean, d: DecodeOutput): string {
  if (!hadScenario) return 'no_scenario';
  const text = d.errors.join(' ');
  if (/timeout|timed out|budget/i.test(text)) return 'timeout';
  if (/memory/i.test(text)) return 'memory';
  if (!d.errors.length) return 'no_data';
  return 'decoder_error';
}
