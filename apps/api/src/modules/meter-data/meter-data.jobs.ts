import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName, JobStatus, QueueName, type RevalidateMeterRequest, type TenantMeterDataRequest } from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { NotificationsService } from '../notifications/notifications.service';
import { MeterDataRepository } from './meter-data.repository';
import { detectLeak, type HourOfFlow } from './rules/leak';
import { isStuck } from './rules/stuck';
import { DAY_MS, HOUR_MS } from './rules/types';
import { ValidationService } from './validation.service';

/** Every hour at :07, tenants whose local day has just passed its night window get their daily run. */
export const METER_DATA_CRON = '7 * * * *';
/** The daily run estimates the gaps of the last two days (a late reading of yesterday is in by then). */
const ESTIMATION_LOOKBACK_MS = 2 * DAY_MS;
/** The quality rollup keeps the days the report may ask for (a year and a leap day). */
const QUALITY_DAYS = 366;

/**
 * The worker's side of meter data management: the daily run per tenant (stuck meters, gap estimation,
 * leak detection) and revalidation runs of one meter's range.
 */
@Injectable()
export class MeterDataJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('meter-data');

  constructor(
    private readonly repository: MeterDataRepository,
    private readonly validation: ValidationService,
    private readonly unitOfWork: UnitOfWork,
    private readonly jobs: JobsService,
    private readonly live: LiveEventsService,
    private readonly notifications: NotificationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queue(QueueName.Maintenance)
      .upsertJobScheduler('meter-data', { pattern: METER_DATA_CRON }, { name: JobName.ScheduleMeterData, data: {} });
  }

  /** Enqueues one run per tenant whose local hour is the one after its night window ends (once per local day: the job id). */
  @OnJob({ name: JobName.ScheduleMeterData })
  async handleSchedule(): Promise<JobStatus> {
    await this.schedule(new Date());
    return JobStatus.Success;
  }

  async schedule(now: Date): Promise<string[]> {
    const tenants = await this.repository.tenants();
    const paramsOf = await this.validation.params(tenants.map((t) => ({ tenantId: t.id, groupId: null })));
    const due: string[] = [];
    for (const t of tenants) {
      const p = paramsOf({ tenantId: t.id, groupId: null });
      const { hour, date } = localClock(now, t.timeZone);
      if (hour !== p.leak.nightEndHour % 24) continue;
      const end = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS).toISOString();
      await this.jobs.enqueue(JobName.TenantMeterData, { tenantId: t.id, end }, { jobId: `tenant-meter-data-${t.id}-${date}` });
      due.push(t.id);
    }
    return due;
  }

  @OnJob({ name: JobName.TenantMeterData })
  async handleTenant(request: TenantMeterDataRequest): Promise<JobStatus> {
    const summary = await this.runTenant(request.tenantId, new Date(request.end));
    this.logger.log({ tenantId: request.tenantId, ...summary }, 'daily meter data run');
    return JobStatus.Success;
  }

  /**
   * Stuck meters, gaps estimated over the last two days, leaks over the last complete hours up to `end`;
   * then the quality rollup of the closed days whose counts no longer hold (after the flags above changed).
   */
  async runTenant(
    tenantId: string,
    end: Date,
  ): Promise<{ stuck: number; estimated: number; leaksOpened: number; leaksCleared: number; qualityDaysCounted: number }> {
    const stuck = await this.checkStuck(tenantId, end);
    let estimated = 0;
    for (const meterId of await this.repository.metersOfTenant(tenantId)) {
      estimated += (await this.revalidate(meterId, new Date(end.getTime() - ESTIMATION_LOOKBACK_MS), end, true, end)).estimated;
    }
    const leaks = await this.checkLeaks(tenantId, end);
    const qualityDaysCounted = await this.countQuality(tenantId, end);
    return { stuck, estimated, leaksOpened: leaks.opened, leaksCleared: leaks.cleared, qualityDaysCounted };
  }

  /** Counts the tenant's closed days into the quality rollup, each in its own short transaction; returns how many. */
  async countQuality(tenantId: string, end: Date): Promise<number> {
    const days = await this.repository.qualityDaysToCount(tenantId, end, QUALITY_DAYS);
    for (const day of days) await this.repository.countQualityDay(tenantId, day);
    return days.length;
  }

  @OnJob({ name: JobName.RevalidateMeter })
  async handleRevalidate(request: RevalidateMeterRequest): Promise<JobStatus> {
    const result = await this.revalidate(request.meterId, new Date(request.from), new Date(request.to), request.estimate, new Date());
    this.logger.log({ ...request, ...result }, 'meter revalidated');
    return result.found ? JobStatus.Success : JobStatus.Skipped;
  }

  /** One meter's range: estimates (when asked) and the interval rules again, in one transaction under the meter's lock. */
  async revalidate(meterId: string, from: Date, to: Date, estimate: boolean, now: Date) {
    const meter = await this.repository.meter(meterId);
    if (!meter) return { found: false, changed: 0, estimated: 0, removed: 0 };
    const ctx = await this.validation.meterContext(meter);
    return this.unitOfWork.run(async (tx) => {
      await this.repository.lockMeter(tx, meter.id);
      const e = estimate ? await this.validation.estimate(tx, meter, ctx, from, to, now) : { estimated: 0, removed: 0 };
      const { changed } = await this.validation.recompute(tx, meter, ctx, from, to);
      return { found: true, changed, ...e };
    });
  }

  /** The parameters of the tenant and of each subscription group there, for the periodic rules' windows. */
  private async tenantParams(tenantId: string) {
    const groups = await this.repository.groups();
    const paramsOf = await this.validation.params([{ tenantId, groupId: null }]);
    return { paramsOf, all: [null, ...groups.map((g) => g.id)].map((groupId) => paramsOf({ tenantId, groupId })) };
  }

  private async checkStuck(tenantId: string, end: Date): Promise<number> {
    const { paramsOf, all } = await this.tenantParams(tenantId);
    let marked = 0;
    // One window per length in use (the tenant's and its groups' `stuck.days`), each meter judged in its group's.
    for (const days of new Set(all.filter((p) => p.stuck.enabled).map((p) => p.stuck.days))) {
      const since = new Date(end.getTime() - days * DAY_MS);
      for (const w of await this.repository.stuckWindows(tenantId, since)) {
        const p = paramsOf({ tenantId, groupId: w.group_id });
        if (p.stuck.days !== days) continue;
        const window = { indexBeforeM3: w.before, minM3: w.min, maxM3: w.max, count: w.count };
        if (isStuck(window, true, p.stuck)) marked += await this.repository.markStuck(w.meter_id, since);
      }
    }
    return marked;
  }

  private async checkLeaks(tenantId: string, end: Date): Promise<{ opened: number; cleared: number }> {
    const { paramsOf, all } = await this.tenantParams(tenantId);
    const hours = Math.max(24, ...all.map((p) => p.leak.continuousHours));
    const rows = await this.repository.hourlyFlow(tenantId, end, hours);
    const meters = new Map<
      string,
      { deviceId: string; meterId: string; subscriptionId: string | null; groupId: string | null; hours: HourOfFlow[] }
    >();
    for (const r of rows) {
      let m = meters.get(r.meter_id);
      if (!m)
        meters.set(
          r.meter_id,
          (m = { deviceId: r.device_id, meterId: r.meter_id, subscriptionId: r.subscription_id, groupId: r.group_id, hours: [] }),
        );
      m.hours.push({ localHour: r.hour, litres: r.litres === null ? null : Math.round(r.litres) });
    }
    const open = new Map((await this.repository.openLeakAlarms(tenantId)).map((a) => [a.deviceId, a.id]));
    const toOpen: Parameters<MeterDataRepository['openLeak']>[0] = [];
    const toClear: string[] = [];
    for (const m of meters.values()) {
      const p = paramsOf({ tenantId, groupId: m.groupId }).leak;
      if (!p.enabled) continue;
      const finding = detectLeak(m.hours, p);
      const leaking = finding.continuousFlow || finding.nightFlow;
      const alarmId = open.get(m.deviceId);
      if (leaking && !alarmId)
        toOpen.push({
          tenantId,
          deviceId: m.deviceId,
          meterId: m.meterId,
          subscriptionId: m.subscriptionId,
          startedAt: end,
          details: { source: 'leak-detection', ...finding },
        });
      else if (!leaking && alarmId) toClear.push(alarmId);
    }
    const opened = await this.repository.openLeak(toOpen);
    const cleared = await this.repository.clearAlarms(toClear, end);
    // Live watchers and the people subscribed to leaks (issue 19).
    const tell = async (event: 'alarm.opened' | 'alarm.cleared', a: (typeof cleared)[number], clearedAt: Date | null) => {
      const payload = {
        id: a.id,
        tenantId: a.tenant_id,
        type: 'LEAK' as const,
        deviceId: a.device_id,
        meterId: a.meter_id,
        subscriptionId: a.subscription_id,
        startedAt: new Date(a.started_at).toISOString(),
        clearedAt: clearedAt ? clearedAt.toISOString() : null,
      };
      this.live.emit(event, a.tenant_id, payload);
      await this.notifications.notify(event, payload);
    };
    for (const a of opened) await tell('alarm.opened', a, null);
    for (const a of cleared) await tell('alarm.cleared', a, end);
    return { opened: opened.length, cleared: cleared.length };
  }
}

/** Local hour and date (YYYY-MM-DD) of an instant in a zone. */
export function localClock(at: Date, timeZone: string): { hour: number; date: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { hour: Number(get('hour')), date: `${get('year')}-${get('month')}-${get('day')}` };
}
