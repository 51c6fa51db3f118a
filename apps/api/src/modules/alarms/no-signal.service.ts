import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { sql } from 'kysely';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { DatabaseService } from '../../core/database/database.service';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName, QueueName } from '../../core/jobs/jobs.types';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { RedisService } from '../../core/redis/redis.service';

/**
 * Opens NO_SIGNAL alarms for active devices silent for longer than NO_SIGNAL_GRACE_FACTOR times their
 * profile's expected interval (the map's grey). Runs as a repeatable job, so one worker of the
 * cluster does it at a time; the next uplink clears the alarm.
 */
@Injectable()
export class NoSignalService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('no-signal');
  private worker?: Worker;

  constructor(
    private readonly database: DatabaseService,
    private readonly jobs: JobsService,
    private readonly redis: RedisService,
    private readonly live: LiveEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.queue(QueueName.Maintenance).upsertJobScheduler('no-signal', { pattern: this.config.NO_SIGNAL_CHECK_CRON }, { name: JobName.CheckNoSignal, data: {} });
    this.worker = new Worker(QueueName.Maintenance, async (job) => (job.name === JobName.CheckNoSignal ? this.check() : undefined), {
      connection: this.redis.duplicate(),
      prefix: this.redis.key('bull'),
      concurrency: 1,
    });
    this.worker.on('failed', (job, err) => this.logger.error({ jobId: job?.id, err: err.message }, 'maintenance job failed'));
  }

  /** Opens the alarms of newly silent devices; returns how many it opened. */
  async check(now = new Date()): Promise<number> {
    const rows = await sql<{ id: string; tenant_id: string; device_id: string; meter_id: string | null; subscription_id: string | null; started_at: Date }>`
      INSERT INTO alarm (tenant_id, type, device_id, meter_id, subscription_id, started_at, details)
      SELECT d.tenant_id, 'NO_SIGNAL', d.id, d.meter_id, sm.subscription_id, ${now},
             jsonb_build_object('lastSeenAt', d.last_seen_at, 'expectedIntervalMinutes', p.expected_interval_minutes)
        FROM device d
        JOIN device_profile p ON p.id = d.device_profile_id
        LEFT JOIN subscription_meter sm ON sm.meter_id = d.meter_id AND sm.ended_at IS NULL
       WHERE d.status = 'ACTIVE'
         AND coalesce(d.last_seen_at, d.created_at) < ${now}::timestamptz - make_interval(mins => (p.expected_interval_minutes * ${this.config.NO_SIGNAL_GRACE_FACTOR})::int)
      ON CONFLICT (type, device_id) WHERE cleared_at IS NULL AND device_id IS NOT NULL DO NOTHING
      RETURNING id, tenant_id, device_id, meter_id, subscription_id, started_at
    `.execute(this.database.db);
    for (const r of rows.rows) {
      this.live.emit('alarm.opened', r.tenant_id, {
        id: r.id,
        tenantId: r.tenant_id,
        type: 'NO_SIGNAL',
        deviceId: r.device_id,
        meterId: r.meter_id,
        subscriptionId: r.subscription_id,
        startedAt: new Date(r.started_at).toISOString(),
        clearedAt: null,
      });
    }
    if (rows.rows.length) this.logger.log({ opened: rows.rows.length }, 'devices went silent');
    return rows.rows.length;
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
