import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName, JobStatus, QueueName } from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { NotificationsService } from '../notifications/notifications.service';
import { AlarmsRepository } from './alarms.repository';

/**
 * Opens NO_SIGNAL alarms for active devices silent for longer than NO_SIGNAL_GRACE_FACTOR times their
 * profile's expected interval (the map's grey). Runs as a repeatable job, so one worker of the
 * cluster does it at a time; the next uplink clears the alarm.
 */
@Injectable()
export class NoSignalService implements OnApplicationBootstrap {
  private readonly logger = new Logger('no-signal');

  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly jobs: JobsService,
    private readonly live: LiveEventsService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queue(QueueName.Maintenance)
      .upsertJobScheduler('no-signal', { pattern: this.config.NO_SIGNAL_CHECK_CRON }, { name: JobName.CheckNoSignal, data: {} });
  }

  @OnJob({ name: JobName.CheckNoSignal })
  async handleCheckNoSignal(): Promise<JobStatus> {
    await this.check();
    return JobStatus.Success;
  }

  /** Opens the alarms of newly silent devices; returns how many it opened. */
  async check(now = new Date()): Promise<number> {
    const opened = await this.alarms.openNoSignal(now, this.config.NO_SIGNAL_GRACE_FACTOR);
    for (const r of opened) {
      const event = {
        id: r.id,
        tenantId: r.tenant_id,
        type: 'NO_SIGNAL' as const,
        deviceId: r.device_id,
        meterId: r.meter_id,
        subscriptionId: r.subscription_id,
        startedAt: new Date(r.started_at).toISOString(),
        clearedAt: null,
      };
      this.live.emit('alarm.opened', r.tenant_id, event);
      await this.notifications.notify('alarm.opened', event);
    }
    if (opened.length) this.logger.log({ opened: opened.length }, 'devices went silent');
    return opened.length;
  }
}
