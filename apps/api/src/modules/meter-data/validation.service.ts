import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName } from '../../core/jobs/jobs.types';
import { asSystem } from '../../core/database/tenant-scope';
import type { Transaction } from '../../core/database/unit-of-work';
import { MeterDataRepository, type MeterRecord, type ReadingChange, type StoredReading } from './meter-data.repository';
import { interpolate, profileEstimates, weekdayProfile, type Estimate } from './rules/estimation';
import { findGaps, type Gap } from './rules/gap';
import { intervalConsumption, judgeInterval, type MeterRuleContext } from './rules/interval';
import { registerCapacity } from './rules/rollover';
import type { MeterHistory } from './rules/spike';
import { DAY_MS, type QualityRule, type ReadingQuality } from './rules/types';
import { resolveParams, type MeterDataParams, type SettingsRow } from './settings';

/** Settings are read again after this long: an edit applies to the worker within 15 s, like device contexts. */
const SETTINGS_TTL_MS = 15_000;
/** A meter's recent daily history moves slowly; the worker reads it once an hour. */
const HISTORY_TTL_MS = 3_600_000;

/** What the worker knows of a meter of its batch. */
export interface MeterOfBatch {
  meterId: string;
  tenantId: string;
  groupId: string | null;
  q3: number | null;
  registerCapacityM3: number | null;
}

/** Rules a stored reading keeps through a revalidation: set by the periodic rules or from its reception time. */
const STICKY_RULES = new Set<string | null>(['stuck', 'future-time', 'past-time']);

/**
 * Applies the validation rules: per-reading contexts for the worker's batches (settings and history
 * cached, loaded for a whole batch at once), and the re-run over a meter's range that revalidation,
 * estimation and operators' edits share (consumption, quality and daily rollups recomputed).
 */
@Injectable()
export class ValidationService {
  private readonly logger = new Logger('meter-data');
  private readonly settings = new Map<string, { rows: SettingsRow[]; expires: number }>();
  private readonly history = new Map<string, { value: MeterHistory | null; expires: number }>();

  constructor(
    private readonly repository: MeterDataRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {}

  /**
   * After a worker batch replaced estimates: one revalidation job (with estimation) per meter over the
   * batch's range widened by the longest gap that may be estimated, so the gaps left around the real
   * readings are estimated again. The job id per meter and range keeps a retried batch from doubling it.
   */
  async reestimate(meterIds: string[], ranges: { meterId: string; from: Date; to: Date }[]): Promise<void> {
    const wanted = new Set(meterIds);
    const now = Date.now();
    for (const r of ranges) {
      if (!wanted.has(r.meterId)) continue;
      const from = new Date(r.from.getTime() - 31 * DAY_MS).toISOString();
      const to = new Date(Math.min(r.to.getTime() + 31 * DAY_MS, now)).toISOString();
      try {
        // BullMQ ids may not hold ':'.
        await this.jobs.enqueue(
          JobName.RevalidateMeter,
          { meterId: r.meterId, from, to, estimate: true, requestedBy: null },
          { jobId: `reestimate-${r.meterId}-${r.from.getTime()}-${r.to.getTime()}` },
        );
      } catch (err) {
        // The batch's readings matter more than a re-estimation, which the tenant's daily run makes anyway.
        this.logger.warn({ meterId: r.meterId, err: (err as Error).message }, 're-estimation not enqueued');
      }
    }
  }

  /** Rule contexts of a worker batch's meters; none (the rules of earlier releases) when WORKER_VALIDATION is off. */
  async batchContexts(meters: MeterOfBatch[]): Promise<Map<string, MeterRuleContext>> {
    return this.config.WORKER_VALIDATION ? this.contexts(meters) : new Map();
  }

  /** The parameters in force for tenants (and groups), settings read for all missing tenants in one query. */
  async params(
    pairs: { tenantId: string; groupId: string | null }[],
    now = Date.now(),
  ): Promise<(g: { tenantId: string; groupId: string | null }) => MeterDataParams> {
    const missing = [...new Set(pairs.map((p) => p.tenantId))].filter((id) => (this.settings.get(id)?.expires ?? 0) <= now);
    if (missing.length) {
      // Ancestors' rows too, which a child tenant's scope does not show: settings are inherited values, not data.
      const rows = await asSystem(() => this.repository.settingsRows(missing));
      for (const [id, list] of rows) this.settings.set(id, { rows: list, expires: now + SETTINGS_TTL_MS });
    }
    const resolved = new Map<string, MeterDataParams>();
    return ({ tenantId, groupId }) => {
      const key = `${tenantId}|${groupId ?? ''}`;
      let p = resolved.get(key);
      if (!p) resolved.set(key, (p = resolveParams(this.settings.get(tenantId)?.rows ?? [], groupId)));
      return p;
    };
  }

  /** Forgets cached settings (after an edit through this process). */
  forgetSettings(): void {
    this.settings.clear();
  }

  /** Rule contexts of a batch's meters: two queries at most, and none while the caches are warm. */
  async contexts(meters: MeterOfBatch[]): Promise<Map<string, MeterRuleContext>> {
    const now = Date.now();
    const paramsOf = await this.params(meters, now);
    const byMeter = new Map(meters.map((m) => [m.meterId, { m, p: paramsOf(m) }]));
    const stale = [...byMeter.values()].filter(({ m }) => (this.history.get(m.meterId)?.expires ?? 0) <= now);
    if (stale.length) {
      const found = await this.repository.dailyHistory(stale.map(({ m, p }) => ({ meterId: m.meterId, days: p.spike.historyDays })));
      for (const { m } of stale) this.history.set(m.meterId, { value: found.get(m.meterId) ?? null, expires: now + HISTORY_TTL_MS });
      if (this.history.size > 200_000) for (const [id, h] of this.history) if (h.expires <= now) this.history.delete(id);
    }
    const out = new Map<string, MeterRuleContext>();
    for (const { m, p } of byMeter.values())
      out.set(m.meterId, {
        params: p,
        capacityM3: registerCapacity(m.registerCapacityM3, p.rollover),
        q3M3h: m.q3,
        history: this.history.get(m.meterId)?.value ?? null,
      });
    return out;
  }

  /** Per meter, its register's wrap as the consumption answers count it (capacity in litres, the tenant's rollover rule). */
  async registerWraps(meterIds: string[]): Promise<Map<string, { capacityLitres: number; maxWrapShare: number } | null>> {
    const meters = await this.repository.meterRollovers([...new Set(meterIds)]);
    const paramsOf = await this.params(meters.map((m) => ({ tenantId: m.tenant_id, groupId: m.group_id })));
    return new Map(
      meters.map((m) => {
        const p = paramsOf({ tenantId: m.tenant_id, groupId: m.group_id }).rollover;
        return [
          m.id,
          p.enabled ? { capacityLitres: Math.round(registerCapacity(m.capacity, p) * 1000), maxWrapShare: p.maxWrapShare } : null,
        ];
      }),
    );
  }

  async meterContext(meter: MeterRecord): Promise<MeterRuleContext> {
    return (
      await this.contexts([
        { meterId: meter.id, tenantId: meter.tenantId, groupId: meter.groupId, q3: meter.q3, registerCapacityM3: meter.registerCapacityM3 },
      ])
    ).get(meter.id)!;
  }

  /**
   * Runs the interval rules again over a meter's readings in [from, to] (and the reading after, whose
   * predecessor may have changed), writes what changed and cuts the touched days of the rollup anew.
   * Operators' and estimated readings keep their flag (their consumption follows); flags of the
   * periodic rules and of reception time stay. Call inside a transaction holding the meter's lock.
   */
  async recompute(tx: Transaction, meter: MeterRecord, ctx: MeterRuleContext, from: Date, to: Date): Promise<{ changed: number }> {
    const rows = await this.repository.readings(tx, meter.id, from, to, { withNext: true });
    const changes: ReadingChange[] = [];
    let previous: StoredReading | null = null;
    for (const r of rows) {
      if (r.time < from) {
        previous = r;
        continue;
      }
      let consumption: number | null;
      let quality: ReadingQuality = r.quality;
      let rule: string | null = r.rule;
      if (r.quality === 'ESTIMATED' || r.quality === 'EDITED') {
        consumption = previous ? intervalConsumption(previous.indexM3, r.indexM3, ctx.capacityM3, ctx.params.rollover) : null;
      } else {
        const judged = judgeInterval(previous, { time: r.time, indexM3: r.indexM3, receivedAt: r.time }, ctx);
        consumption = judged.consumptionM3;
        if (!STICKY_RULES.has(r.rule)) {
          quality = judged.quality;
          rule = judged.rule;
        }
      }
      if (consumption !== r.consumptionM3 || quality !== r.quality || rule !== r.rule)
        changes.push({ deviceId: r.deviceId, time: r.time, consumptionM3: consumption, quality, rule });
      previous = r;
    }
    await this.repository.applyChanges(tx, changes);
    const last = rows.length ? rows[rows.length - 1].time : to;
    await this.repository.rebuildDays(tx, meter.id, from, last > to ? last : to);
    return { changed: changes.length };
  }

  /** A meter's gaps in [from, to]: missing expected intervals between its real readings (none without a device). */
  async gaps(meter: MeterRecord, ctx: MeterRuleContext, from: Date, to: Date, now: Date): Promise<Gap[]> {
    if (!meter.intervalMinutes) return [];
    const real = await this.repository.readings(undefined, meter.id, from, to, { realOnly: true, withNext: true });
    const hasNext = real.length > 0 && real[real.length - 1].time > to;
    const until = hasNext ? undefined : now;
    return findGaps(real, meter.intervalMinutes, { ...ctx.params.gap, enabled: true }, until).filter((g) =>
      g.slots.some((s) => s >= from && s <= to),
    );
  }

  /**
   * Estimates a meter's missing intervals in [from, to] (`now` bounds a one-sided gap): its estimates
   * there are replaced, gaps between real readings are interpolated, a gap after the last real reading
   * follows the same weekdays' profile. The caller recomputes the range afterwards (consumption of the
   * estimates and of the readings closing the gaps, rollups). Inside a transaction holding the meter's lock.
   */
  async estimate(
    tx: Transaction,
    meter: MeterRecord,
    ctx: MeterRuleContext,
    from: Date,
    to: Date,
    now: Date,
  ): Promise<{ estimated: number; removed: number }> {
    const p = ctx.params;
    const removed = (await this.repository.deleteEstimates(tx, meter.id, from, to)).length;
    let estimated = 0;
    if (p.gap.enabled && p.gap.estimate && meter.intervalMinutes && meter.deviceId) {
      const real = (await this.repository.readings(tx, meter.id, from, to, { realOnly: true, withNext: true })).filter(
        // Readings flagged for their time would place estimates on a wrong clock.
        (r) => r.rule !== 'future-time' && r.rule !== 'past-time',
      );
      const hasNext = real.length > 0 && real[real.length - 1].time > to;
      // A silent meter's gap runs to now (and is an outage past maxGapDays); only its slots in the range are estimated.
      const until = hasNext ? undefined : now;
      const gaps = findGaps(real, meter.intervalMinutes, p.gap, until).filter((g) => g.slots.some((s) => s >= from && s <= to));
      const estimates: (Estimate & { deviceId: string })[] = [];
      for (const gap of gaps) {
        const deviceId = (gap.after as StoredReading).deviceId ?? meter.deviceId;
        let list: Estimate[];
        if (gap.before) {
          list = interpolate(gap, intervalConsumption(gap.after.indexM3, gap.before.indexM3, ctx.capacityM3, p.rollover), ctx.capacityM3);
        } else {
          const history = await this.repository.weekdayHours(
            tx,
            meter.id,
            new Date(gap.after.time.getTime() - p.gap.profileWeeks * 7 * DAY_MS),
            gap.after.time,
            meter.timeZone,
          );
          list = profileEstimates(gap, weekdayProfile(history, localHourIn(meter.timeZone)), ctx.capacityM3);
        }
        for (const e of list) if (e.time >= from && e.time <= to) estimates.push({ ...e, deviceId });
      }
      const subscriptionAt = new Map<number, string | null>();
      const rows = [];
      for (const e of estimates) {
        const day = Math.floor(e.time.getTime() / DAY_MS);
        if (!subscriptionAt.has(day)) subscriptionAt.set(day, await this.repository.subscriptionAt(tx, meter.id, e.time));
        rows.push({
          time: e.time,
          deviceId: e.deviceId,
          meterId: meter.id,
          subscriptionId: subscriptionAt.get(day) ?? null,
          tenantId: meter.tenantId,
          indexM3: e.indexM3,
          source: 'ESTIMATED' as const,
          quality: 'ESTIMATED' as const,
          rule: e.rule as QualityRule,
        });
      }
      estimated = await this.repository.insertReadings(tx, rows);
    }
    return { estimated, removed };
  }
}

/** Weekday (0 = Sunday) and hour of an instant in a time zone. */
export function localHourIn(timeZone: string): (d: Date) => { weekday: number; hour: number } {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' });
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return (d) => {
    const parts = f.formatToParts(d);
    return {
      weekday: days.indexOf(parts.find((p) => p.type === 'weekday')!.value),
      hour: Number(parts.find((p) => p.type === 'hour')!.value),
    };
  };
}
