import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { BadInputException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import {
  liveCursor,
  mapLiveReading,
  mapReading,
  MAX_RANGE_DAYS,
  type Consumption,
  type ConsumptionInterval,
  type ConsumptionQuery,
  type LiveReadingPage,
  type LiveReadingsQuery,
  type ReadingsQuery,
  type ReadingView,
  type Series,
} from './readings.dto';
import { ReadingsRepository, type DeltaSum, type MeterWindow } from './readings.repository';

const DAY_MS = 86_400_000;
/** Range shown when the caller gives no `from`: enough for one screen of the chart. */
const DEFAULT_SPAN_DAYS: Record<ConsumptionInterval, number> = { hour: 2, day: 30, month: 365 };

interface Range {
  from: Date;
  to: Date;
  interval: ConsumptionInterval;
  timeZone: string;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Raw readings, consumption history from index deltas, and the live readings table. */
@Injectable()
export class ReadingsService {
  constructor(private readonly readings: ReadingsRepository) {}

  async ofMeter(access: AccessContext, id: string, q: ReadingsQuery): Promise<Page<ReadingView>> {
    const meter = await this.readings.meter(id);
    if (!meter) throw new EntityNotFoundException('meter', id);
    access.require('METERS', 'read', meter.tenant_id, 'meter', id);
    return this.page({ meterId: id }, q);
  }

  async ofDevice(access: AccessContext, id: string, q: ReadingsQuery): Promise<Page<ReadingView>> {
    const device = await this.readings.device(id);
    if (!device) throw new EntityNotFoundException('device', id);
    access.require('DEVICES', 'read', device.tenant_id, 'device', id);
    return this.page({ deviceId: id }, q);
  }

  async meterConsumption(access: AccessContext, id: string, q: ConsumptionQuery): Promise<Consumption> {
    const meter = await this.readings.meter(id);
    if (!meter) throw new EntityNotFoundException('meter', id);
    access.require('METERS', 'read', meter.tenant_id, 'meter', id);
    const range = resolveRange(q, meter.time_zone);
    const { buckets, sums } = await this.compute([{ key: id, meterId: id, startedAt: null, endedAt: null }], range);
    return { ...header(range), ...series(buckets, sums), byDevice: this.byDevice(buckets, sums) };
  }

  /** Total, by meter (across meter changes, each within its period) and by device. */
  async subscriptionConsumption(access: AccessContext, id: string, q: ConsumptionQuery): Promise<Consumption> {
    const s = await this.readings.subscription(id);
    if (!s) throw new EntityNotFoundException('subscription', id);
    access.require('SUBSCRIPTIONS', 'read', s.tenant_id, 'subscription', id);
    const range = resolveRange(q, s.time_zone);
    const periods = await this.readings.periods([id]);
    const { buckets, sums } = await this.compute(periods.map(toWindow), range);
    const meters = [...new Map(periods.map((p) => [p.meter_id, p.serial_no])).entries()];
    return {
      ...header(range),
      ...series(buckets, sums),
      byMeter: meters.map(([meterId, serialNo]) => {
        const own = periods.filter((p) => p.meter_id === meterId);
        const keys = new Set(own.map((p) => p.id));
        return {
          meterId,
          serialNo,
          periods: own.map((p) => ({ startedAt: p.started_at.toISOString(), endedAt: p.ended_at?.toISOString() ?? null })),
          ...series(buckets, sums.filter((x) => keys.has(x.key))),
        };
      }),
      byDevice: this.byDevice(buckets, sums),
    };
  }

  /** Total and by subscription over all of the customer's subscriptions. */
  async customerConsumption(access: AccessContext, id: string, q: ConsumptionQuery): Promise<Consumption> {
    const c = await this.readings.customer(id);
    if (!c) throw new EntityNotFoundException('customer', id);
    access.require('CUSTOMERS', 'read', c.tenant_id, 'customer', id);
    const range = resolveRange(q, c.time_zone);
    const subscriptions = await this.readings.subscriptionsOfCustomer(id);
    const periods = await this.readings.periods(subscriptions.map((s) => s.id));
    const { buckets, sums } = await this.compute(periods.map(toWindow), range);
    return {
      ...header(range),
      ...series(buckets, sums),
      bySubscription: subscriptions.map((s) => {
        const keys = new Set(periods.filter((p) => p.subscription_id === s.id).map((p) => p.id));
        return { subscriptionId: s.id, subscriptionNo: s.subscription_no, ...series(buckets, sums.filter((x) => keys.has(x.key))) };
      }),
    };
  }

  async live(access: AccessContext, q: LiveReadingsQuery): Promise<LiveReadingPage> {
    const tenantIds = access.tenantIds('LIVE_READINGS', 'read', q.tenantId);
    if (q.meterId) {
      const meter = await this.readings.meter(q.meterId);
      if (!meter || !tenantIds.includes(meter.tenant_id)) throw new EntityNotFoundException('meter', q.meterId);
    }
    const { skip, take } = skipTake(q);
    const { rows, total, totalCapped } = await this.readings.live({ tenantIds, meterId: q.meterId, brandId: q.brandId, from: q.from, to: q.to, before: q.before, skip, take });
    return {
      items: rows.map(mapLiveReading),
      total,
      totalCapped,
      page: q.before ? 1 : q.page,
      pageSize: q.pageSize,
      nextCursor: rows.length === take ? liveCursor(rows[rows.length - 1]) : null,
    };
  }

  private async page(on: { meterId: string } | { deviceId: string }, q: ReadingsQuery): Promise<Page<ReadingView>> {
    const { skip, take } = skipTake(q);
    const { rows, total } = await this.readings.readingsPage(on, q.from, q.to, skip, take);
    return { items: rows.map(mapReading), total, page: q.page, pageSize: q.pageSize };
  }

  private async compute(windows: MeterWindow[], r: Range): Promise<{ buckets: Date[]; sums: DeltaSum[] }> {
    const [buckets, sums] = await Promise.all([this.readings.buckets(r.from, r.to, r.interval, r.timeZone), this.readings.deltaSums(windows, r.from, r.to, r.interval, r.timeZone)]);
    return { buckets, sums };
  }

  private byDevice(buckets: Date[], sums: DeltaSum[]): NonNullable<Consumption['byDevice']> {
    const serials = new Map(sums.map((s) => [s.device_id, s.device_serial_no]));
    return [...serials].map(([deviceId, serialNo]) => ({ deviceId, serialNo, ...series(buckets, sums.filter((s) => s.device_id === deviceId)) }));
  }
}

function toWindow(p: { id: string; meter_id: string; started_at: Date; ended_at: Date | null }): MeterWindow {
  return { key: p.id, meterId: p.meter_id, startedAt: p.started_at, endedAt: p.ended_at };
}

function resolveRange(q: ConsumptionQuery, timeZone: string): Range {
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - DEFAULT_SPAN_DAYS[q.interval] * DAY_MS);
  if (from >= to) throw new BadInputException('from must be before to', [{ path: ['from'], message: 'not before to' }]);
  const max = MAX_RANGE_DAYS[q.interval];
  if (to.getTime() - from.getTime() > max * DAY_MS) {
    throw new BadInputException(`${q.interval} buckets cover at most ${max} days; narrow the range or use a larger interval`, [{ path: ['from'], message: `range longer than ${max} days` }]);
  }
  return { from, to, interval: q.interval, timeZone };
}

function header(r: Range) {
  return { interval: r.interval, from: r.from.toISOString(), to: r.to.toISOString(), timeZone: r.timeZone };
}

function series(buckets: Date[], sums: DeltaSum[]): Series {
  const byBucket = new Map<number, number>();
  for (const s of sums) byBucket.set(s.bucket_start.getTime(), (byBucket.get(s.bucket_start.getTime()) ?? 0) + Number(s.m3));
  let total = 0;
  const out = buckets.map((b) => {
    const v = round3(byBucket.get(b.getTime()) ?? 0);
    total += v;
    return { bucketStart: b.toISOString(), consumptionM3: v };
  });
  return { totalM3: round3(total), buckets: out };
}
