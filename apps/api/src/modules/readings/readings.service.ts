import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
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
import {
  addInto,
  countFrom,
  dayBuckets,
  hourStarts,
  mergeInto,
  planDays,
  sumWindow as sumPoints,
  toSeries,
  firstFutureBucket,
  type WindowSums,
} from './consumption-buckets';
import { ValidationService } from '../meter-data/validation.service';
import type { MeterBrandList, MeterBrandsQuery } from '../meters/meters.dto';
import { MetersService } from '../meters/meters.service';
import { withIsoStarts, type ConsumptionBody } from './consumption-json';
import { ExpiringMap } from './expiring-map';
import { ReadingsRepository, type EstimatedPoint, type MeterWindow, type RangedWindow } from './readings.repository';

const DAY_MS = 86_400_000;
/** Range shown when the caller gives no `from`: enough for one screen of the chart. */
const DEFAULT_SPAN_DAYS: Record<ConsumptionInterval, number> = { hour: 2, day: 30, month: 365 };
/**
 * How long a table's first-page count serves its later pages (B2): paging on within this time shows the
 * total page 1 showed, so only the first page pays the count. Page 1 always counts afresh.
 */
const COUNT_REUSE_MS = 15_000;
const COUNT_REUSE_MAX = 10_000;
/** A live search matching more meters or subscriptions than this is refused as too broad (400). */
const LIVE_SEARCH_MATCH_MAX = 2_000;
/** Meters and devices whose tenant is known; their tenant never changes (meters.service keeps it). */
const OWNERS_MAX = 50_000;

interface Range {
  from: Date;
  to: Date;
  interval: ConsumptionInterval;
  timeZone: string;
}

/** Raw readings, consumption history from index deltas, and the live readings table. */
@Injectable()
export class ReadingsService {
  constructor(
    private readonly readings: ReadingsRepository,
    private readonly listFilters: ListFiltersRepository,
    private readonly validation: ValidationService,
    private readonly meters: MetersService,
  ) {}

  private readonly counts = new ExpiringMap<{ total: number; totalCapped: boolean }>(COUNT_REUSE_MS, COUNT_REUSE_MAX);
  /** `meter:<id>` / `device:<id>` → tenant id: one statement less per history page (B2). */
  private readonly owners = new ExpiringMap<string>(Number.POSITIVE_INFINITY, OWNERS_MAX);

  async ofMeter(access: AccessContext, id: string, q: ReadingsQuery): Promise<Page<ReadingView>> {
    const owner = await this.ownerTenant('meter', id);
    access.require('METERS', 'read', owner.tenantId, 'meter', id);
    return this.page({ meterId: id }, q, owner.cached);
  }

  async ofDevice(access: AccessContext, id: string, q: ReadingsQuery): Promise<Page<ReadingView>> {
    const owner = await this.ownerTenant('device', id);
    access.require('DEVICES', 'read', owner.tenantId, 'device', id);
    return this.page({ deviceId: id }, q, owner.cached);
  }

  private async ownerTenant(kind: 'meter' | 'device', id: string): Promise<{ tenantId: string; cached: boolean }> {
    const known = this.owners.get(`${kind}:${id}`);
    if (known) return { tenantId: known, cached: true };
    const row = kind === 'meter' ? await this.readings.meter(id) : await this.readings.device(id);
    if (!row) throw new EntityNotFoundException(kind, id);
    this.owners.set(`${kind}:${id}`, row.tenant_id);
    return { tenantId: row.tenant_id, cached: false };
  }

  /** The consumption answers as objects (exports); the HTTP routes serialise the bodies (consumption-json.ts). */
  async meterConsumption(access: AccessContext, id: string, q: ConsumptionQuery): Promise<Consumption> {
    return withIsoStarts(await this.meterConsumptionBody(access, id, q));
  }

  async subscriptionConsumption(access: AccessContext, id: string, q: ConsumptionQuery): Promise<Consumption> {
    return withIsoStarts(await this.subscriptionConsumptionBody(access, id, q));
  }

  async customerConsumption(access: AccessContext, id: string, q: ConsumptionQuery): Promise<Consumption> {
    return withIsoStarts(await this.customerConsumptionBody(access, id, q));
  }

  async meterConsumptionBody(access: AccessContext, id: string, q: ConsumptionQuery): Promise<ConsumptionBody> {
    // A meter's tenant never changes (owners); its zone may, so an hourly answer of a known meter reads
    // the zone with its points (B4: the year of hours in one round trip).
    const known = q.interval === 'hour' ? this.owners.get(`meter:${id}`) : undefined;
    let meter: { tenant_id: string; time_zone: string } | undefined;
    if (known) access.require('METERS', 'read', known, 'meter', id);
    else {
      meter = await this.readings.meter(id);
      if (!meter) throw new EntityNotFoundException('meter', id);
      this.owners.set(`meter:${id}`, meter.tenant_id);
      access.require('METERS', 'read', meter.tenant_id, 'meter', id);
    }
    const asked = resolveRange(q, meter?.time_zone ?? '');
    const c = await this.compute([{ meterId: id, startedAt: null, endedAt: null }], asked, meter ? undefined : { meterId: id });
    if (c.timeZone === null) {
      this.owners.delete(`meter:${id}`);
      throw new EntityNotFoundException('meter', id);
    }
    const range = { ...asked, timeZone: c.timeZone };
    return {
      ...header(range, c.bucketStarts),
      ...series(c, c.windows),
      estimated: toSeries(c.estimated, c.futureFrom),
      byDevice: await this.byDevice(c),
    };
  }

  /** Total, by meter (across meter changes, each within its period) and by device. */
  async subscriptionConsumptionBody(access: AccessContext, id: string, q: ConsumptionQuery): Promise<ConsumptionBody> {
    const s = await this.readings.subscription(id);
    if (!s) throw new EntityNotFoundException('subscription', id);
    access.require('SUBSCRIPTIONS', 'read', s.tenant_id, 'subscription', id);
    const range = resolveRange(q, s.time_zone);
    const periods = await this.readings.periods([id]);
    const c = await this.compute(periods.map(toWindow), range);
    const meters = [...new Map(periods.map((p) => [p.meter_id, p.serial_no])).entries()];
    return {
      ...header(range, c.bucketStarts),
      ...series(c, c.windows),
      estimated: toSeries(c.estimated, c.futureFrom),
      byMeter: meters.map(([meterId, serialNo]) => {
        const own = periods.filter((p) => p.meter_id === meterId);
        return {
          meterId,
          serialNo,
          periods: own.map((p) => ({ startedAt: p.started_at.toISOString(), endedAt: p.ended_at?.toISOString() ?? null })),
          ...series(
            c,
            c.windows.filter((_, i) => periods[i].meter_id === meterId),
          ),
        };
      }),
      byDevice: await this.byDevice(c),
    };
  }

  /** Total and by subscription over all of the customer's subscriptions. */
  async customerConsumptionBody(access: AccessContext, id: string, q: ConsumptionQuery): Promise<ConsumptionBody> {
    const customer = await this.readings.customer(id);
    if (!customer) throw new EntityNotFoundException('customer', id);
    access.require('CUSTOMERS', 'read', customer.tenant_id, 'customer', id);
    const range = resolveRange(q, customer.time_zone);
    const subscriptions = await this.readings.subscriptionsOfCustomer(id);
    const periods = await this.readings.periods(subscriptions.map((s) => s.id));
    const c = await this.compute(periods.map(toWindow), range);
    return {
      ...header(range, c.bucketStarts),
      ...series(c, c.windows),
      estimated: toSeries(c.estimated, c.futureFrom),
      bySubscription: subscriptions.map((s) => ({
        subscriptionId: s.id,
        subscriptionNo: s.subscription_no,
        ...series(
          c,
          c.windows.filter((_, i) => periods[i].subscription_id === s.id),
        ),
      })),
    };
  }

  /**
   * The live table's brand filter: the brands of the meters the caller sees in live readings (of
   * `tenantId`'s subtree), asked with the LIVE_READINGS right, which a live-only user has without METERS.
   */
  liveBrands(access: AccessContext, q: MeterBrandsQuery): Promise<MeterBrandList> {
    return this.meters.brandsOf(access.tenantIds('LIVE_READINGS', 'read', q.tenantId));
  }

  async live(access: AccessContext, q: LiveReadingsQuery): Promise<LiveReadingPage> {
    const tenantIds = access.tenantIds('LIVE_READINGS', 'read', q.tenantId);
    await this.listFilters.requireVisible(access, access.tenantIds('LIVE_READINGS', 'read'), { meter: q.meterId, meterBrand: q.brandId });
    const { skip, take } = skipTake(q);
    // The search is resolved to meters and subscriptions of the caller's tenants first (trigram indexes),
    // then readings are read by meter: a term matching half the fleet would make that list the fleet.
    const match = q.search ? await this.readings.liveSearch(tenantIds, q.search, LIVE_SEARCH_MATCH_MAX) : undefined;
    if (match && (match.meterIds.length > LIVE_SEARCH_MATCH_MAX || match.subscriptionIds.length > LIVE_SEARCH_MATCH_MAX))
      throw new BadInputException(`the search matches more than ${LIVE_SEARCH_MATCH_MAX} meters or subscriptions: type more of it`, [
        { path: ['search'], message: 'too broad' },
      ]);
    const countKey = q.before
      ? null
      : JSON.stringify(['live', [...tenantIds].sort(), q.meterId, q.brandId, q.from?.getTime(), q.to?.getTime(), q.search]);
    const reused = countKey && q.page > 1 ? this.counts.get(countKey) : undefined;
    const found = await this.readings.live({
      tenantIds,
      meterId: q.meterId,
      brandId: q.brandId,
      match,
      sort: q.sort,
      order: q.order,
      from: q.from,
      to: q.to,
      before: q.before,
      skip,
      take,
      count: countKey !== null && !reused,
    });
    const { rows } = found;
    const { total, totalCapped } = reused ?? found;
    if (countKey && !reused && total !== null) this.counts.set(countKey, { total, totalCapped });
    return {
      items: rows.map(mapLiveReading),
      total,
      totalCapped,
      page: q.before ? 1 : q.page,
      pageSize: q.pageSize,
      // The cursor pages the newest-first time order only (the DTO refuses it with another sort).
      nextCursor: rows.length === take && q.sort === 'time' && q.order === 'desc' ? liveCursor(rows[rows.length - 1]) : null,
    };
  }

  private async page(on: { meterId: string } | { deviceId: string }, q: ReadingsQuery, ownerCached: boolean): Promise<Page<ReadingView>> {
    const { skip, take } = skipTake(q);
    const countKey = JSON.stringify([
      'meterId' in on ? `meter:${on.meterId}` : `device:${on.deviceId}`,
      q.from?.getTime(),
      q.to?.getTime(),
    ]);
    const reused = q.page > 1 ? this.counts.get(countKey)?.total : undefined;
    const found = await this.readings.readingsPage(on, q.from, q.to, skip, take, reused === undefined);
    if (found.rows.length === 0 && ownerCached) {
      // An empty page of an owner known from memory: make sure it still exists (404 after a delete).
      const kind = 'meterId' in on ? 'meter' : 'device';
      const id = 'meterId' in on ? on.meterId : on.deviceId;
      this.owners.delete(`${kind}:${id}`);
      await this.ownerTenant(kind, id);
    }
    const total = reused ?? found.total!;
    if (reused === undefined) this.counts.set(countKey, { total, totalCapped: false });
    return { items: found.rows.map(mapReading), total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * Bucket starts and, per window (in the order given), litres per bucket in total and per device.
   * Hours are summed from the raw points; days and months take whole days from the worker's daily
   * rollup where it is bound to agree with the points (planDays) and the points for the rest.
   */
  private async compute(windows: MeterWindow[], r: Range, zoneOf?: { meterId: string }): Promise<Computed> {
    const ranged = windows.map((w) => ({ ...w, from: r.from, to: r.to }));
    const [c, estimated] =
      r.interval === 'hour'
        ? await this.computeHours(ranged, r, zoneOf)
        : await Promise.all([this.computeSums(windows, r), this.readings.estimatedPoints(ranged)]);
    // Estimated litres per bucket of the whole answer (each estimate's consumption in the bucket of its time).
    const litres = new Float64Array(c.bucketStarts.length);
    for (const points of estimated)
      for (const p of points) {
        let k = 0;
        while (k + 1 < c.bucketStarts.length && c.bucketStarts[k + 1] <= p.timeMs) k++;
        litres[k] += p.litres;
      }
    return { ...c, estimated: litres, futureFrom: firstFutureBucket(c.bucketStarts, Date.now()) };
  }

  /** Hours are summed from the raw points, read with the local midnights, the estimates and the device serial in one statement. */
  private async computeHours(windows: RangedWindow[], r: Range, zoneOf?: { meterId: string }): Promise<[Sums, EstimatedPoint[][]]> {
    const [wraps, read] = await Promise.all([
      this.validation.registerWraps(windows.map((w) => w.meterId)),
      this.readings.hourWindows(windows, r.from, r.to, zoneOf ?? r.timeZone),
    ]);
    const bucketStarts = hourStarts(read.dayStarts, r.from.getTime(), r.to.getTime());
    const sums = read.points.map((p, i) => sumPoints(p, bucketStarts, r.from.getTime(), wraps.get(windows[i].meterId)));
    return [{ bucketStarts, windows: sums, serials: read.serials, timeZone: read.timeZone }, read.estimated];
  }

  private async computeSums(windows: MeterWindow[], r: Range): Promise<Sums> {
    // The register wraps are only needed for summing: read beside the points, not before them.
    const wrapsOf = this.validation.registerWraps(windows.map((w) => w.meterId));
    const parts = windows.map((w) => ({
      meterId: w.meterId,
      from: new Date(Math.max(r.from.getTime(), w.startedAt?.getTime() ?? -Infinity)),
      to: new Date(Math.min(r.to.getTime(), w.endedAt?.getTime() ?? Infinity)),
    }));
    const [wraps, days, monthStarts, spans, rollup] = await Promise.all([
      wrapsOf,
      this.readings.localDays(r.from, r.to, r.timeZone),
      r.interval === 'month' ? this.readings.bucketStarts(r.from, r.to, 'month', r.timeZone) : null,
      this.readings.deviceSpans(parts),
      this.readings.dailyRollup(
        windows.map((w) => w.meterId),
        r.from,
        r.to,
        r.timeZone,
      ),
    ]);
    const sumWindow = (points: Parameters<typeof sumPoints>[0], buckets: number[], fromMs: number, window: MeterWindow) =>
      sumPoints(points, buckets, fromMs, wraps.get(window.meterId));
    const dayBounds = days.map((d) => d.startMs);
    const bucketStarts = monthStarts ?? dayBounds.slice(0, -1);
    const bucketOfDay = dayBuckets(dayBounds.slice(0, -1), bucketStarts);
    const plans = windows.map((w, i) =>
      planDays(
        dayBounds,
        { fromMs: parts[i].from.getTime(), toMs: parts[i].to.getTime(), openStart: w.startedAt === null },
        spans[i],
        (d) => rollup.has(`${w.meterId}|${days[d].day}`),
      ),
    );
    const raw = plans.flatMap((plan, i) =>
      plan.raw.map(([from, to]) => ({ ...windows[i], window: i, from: new Date(from), to: new Date(to) })),
    );
    const points = await this.readings.windowPoints(raw);
    const sums = windows.map((): WindowSums => ({ total: new Float64Array(bucketStarts.length), byDevice: new Map() }));
    const counted = windows.map(() => 0);
    plans.forEach((plan, i) => {
      for (const { day, deviceId } of plan.rollup) {
        const row = rollup.get(`${windows[i].meterId}|${days[day].day}`)!;
        const k = bucketOfDay[day];
        sums[i].total[k] += row.litres;
        let own = sums[i].byDevice.get(deviceId);
        if (!own) sums[i].byDevice.set(deviceId, (own = new Float64Array(bucketStarts.length)));
        own[k] += row.litres;
        counted[i] += row.readingCount;
      }
    });
    raw.forEach((part, j) => {
      mergeInto(sums[part.window], sumWindow(points[j], bucketStarts, part.from.getTime(), part));
      counted[part.window] += countFrom(points[j], part.from.getTime());
    });
    // The rollup's reading counts must add up to the readings there are; where they do not (readings
    // written around the worker), the window is summed from its points alone.
    const stale = windows.flatMap((w, i) =>
      counted[i] === spans[i].reduce((n, s) => n + s.count, 0) ? [] : [{ ...w, window: i, ...parts[i] }],
    );
    if (stale.length > 0) {
      const again = await this.readings.windowPoints(stale);
      stale.forEach((part, j) => (sums[part.window] = sumWindow(again[j], bucketStarts, part.from.getTime(), part)));
    }
    return { bucketStarts, windows: sums, serials: new Map(), timeZone: r.timeZone };
  }

  private async byDevice(c: Computed): Promise<NonNullable<Consumption['byDevice']>> {
    const litres = new Map<string, Float64Array>();
    for (const w of c.windows) {
      for (const [deviceId, own] of w.byDevice) {
        const sum = litres.get(deviceId);
        if (sum) addInto(sum, own);
        else litres.set(deviceId, Float64Array.from(own));
      }
    }
    const unknown = [...litres.keys()].filter((id) => !c.serials.has(id));
    const serials = new Map([...c.serials, ...(await this.readings.deviceSerials(unknown)).map((d) => [d.id, d.serial_no] as const)]);
    return [...litres].map(([deviceId, own]) => ({ deviceId, serialNo: serials.get(deviceId) ?? null, ...toSeries(own, c.futureFrom) }));
  }
}

interface Sums {
  bucketStarts: number[];
  windows: WindowSums[];
  /** Device serials read with the points (byDevice asks for the others). */
  serials: Map<string, string>;
  /** The zone the buckets were cut in (null: the meter whose zone was read with the points is gone). */
  timeZone: string | null;
}

interface Computed extends Sums {
  /** Litres of ESTIMATED readings per bucket, over all windows. */
  estimated: Float64Array;
  /** The first bucket that had not begun when the answer was computed (see firstFutureBucket). */
  futureFrom: number;
}

function toWindow(p: { meter_id: string; started_at: Date; ended_at: Date | null }): MeterWindow {
  return { meterId: p.meter_id, startedAt: p.started_at, endedAt: p.ended_at };
}

function resolveRange(q: ConsumptionQuery, timeZone: string): Range {
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - DEFAULT_SPAN_DAYS[q.interval] * DAY_MS);
  if (from >= to) throw new BadInputException('from must be before to', [{ path: ['from'], message: 'not before to' }]);
  const max = MAX_RANGE_DAYS[q.interval];
  if (to.getTime() - from.getTime() > max * DAY_MS) {
    throw new BadInputException(`${q.interval} buckets cover at most ${max} days; narrow the range or use a larger interval`, [
      { path: ['from'], message: `range longer than ${max} days` },
    ]);
  }
  return { from, to, interval: q.interval, timeZone };
}

function header(r: Range, bucketStarts: number[]) {
  return {
    interval: r.interval,
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    timeZone: r.timeZone,
    bucketStarts,
  };
}

/** One series over the given windows: the sum of their litres per bucket. */
function series(c: Computed, windows: WindowSums[]): Series {
  const litres = new Float64Array(c.bucketStarts.length);
  for (const w of windows) addInto(litres, w.total);
  return toSeries(litres, c.futureFrom);
}
