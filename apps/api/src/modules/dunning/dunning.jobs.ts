import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName, JobStatus, QueueName, type TenantDunningRequest } from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { localClock } from '../meter-data/meter-data.jobs';
import { DunningRepository } from './dunning.repository';
import { DunningService } from './dunning.service';

/** Every hour at :23; a tenant's day is run in its first local hour after midnight (DUNNING_LOCAL_HOUR). */
export const DUNNING_CRON = '23 * * * *';
export const DUNNING_LOCAL_HOUR = 1;

/** The worker's side of dunning: the daily run of each tenant, on the tenant's calendar. */
@Injectable()
export class DunningJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('dunning');

  constructor(
    private readonly repository: DunningRepository,
    private readonly dunning: DunningService,
    private readonly jobs: JobsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queue(QueueName.Maintenance)
      .upsertJobScheduler('dunning', { pattern: DUNNING_CRON }, { name: JobName.ScheduleDunning, data: {} });
  }

  @OnJob({ name: JobName.ScheduleDunning })
  async handleSchedule(): Promise<JobStatus> {
    await this.schedule(new Date());
    return JobStatus.Success;
  }

  /** Enqueues the day of each tenant whose local hour is DUNNING_LOCAL_HOUR, once per local day (the job id). */
  async schedule(now: Date): Promise<string[]> {
    const due: string[] = [];
    for (const t of await this.repository.tenants()) {
      const { hour, date } = localClock(now, t.timeZone);
      if (hour !== DUNNING_LOCAL_HOUR) continue;
      await this.jobs.enqueue(JobName.TenantDunning, { tenantId: t.id, date }, { jobId: `tenant-dunning-${t.id}-${date}` });
      due.push(t.id);
    }
    return due;
  }

  @OnJob({ name: JobName.TenantDunning })
  async handleTenant(request: TenantDunningRequest): Promise<JobStatus> {
    const summary = await this.dunning.runTenant(request.tenantId, request.date, null);
    this.logger.log(summary, 'daily dunning run');
    return JobStatus.Success;
  }
}
