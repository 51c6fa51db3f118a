import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { JobName, QueueName, type RedecodeProgress, type RedecodeRequest, type UplinkEnvelope } from '../../core/jobs/jobs.types';
import { RedisService } from '../../core/redis/redis.service';
import { UplinkProcessor } from './uplink.processor';
import { UplinkRepository, type StoredUplink } from './uplink.repository';

/** Uplinks re-decoded per batch (one transaction each, as ingest batches). */
const CHUNK = 500;

const SOURCES = new Set<UplinkEnvelope['source']>([
  'ttn',
  'chirpstack',
  'sigfox',
  'generic',
  'mqtt-chirpstack',
  'mqtt-generic',
  'simulator',
]);

/** A stored uplink as the envelope it arrived in. */
export function envelopeOf(u: StoredUplink): UplinkEnvelope {
  const { source, ...rx } = u.rx ?? {};
  return {
    deviceId: u.deviceId,
    tenantId: u.tenantId,
    integrationId: u.integrationId,
    receivedAt: u.receivedAt.toISOString(),
    deviceTime: u.deviceTime ? u.deviceTime.toISOString() : null,
    fPort: u.fPort,
    fCnt: u.fCnt,
    payloadHex: u.payloadHex,
    rx: Object.keys(rx).length ? (rx as UplinkEnvelope['rx']) : null,
    source: SOURCES.has(source as UplinkEnvelope['source']) ? (source as UplinkEnvelope['source']) : 'generic',
  };
}

/**
 * Runs operators' re-decode requests in the worker: the matching stored uplinks, oldest first, in
 * batches through the normal processor (readings, rollups, alarms, live events), each uplink's decode
 * result replaced. Progress (done/stored/failed of total) is the job's, for the console to poll.
 */
@Injectable()
export class RedecodeWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('redecode');
  private worker?: Worker<RedecodeRequest>;

  constructor(
    private readonly processor: UplinkProcessor,
    private readonly repository: UplinkRepository,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<RedecodeRequest>(
      QueueName.Redecode,
      async (job) => {
        if (job.name !== JobName.RedecodeUplinks) throw new UnrecoverableError(`unknown job ${job.name}`);
        return this.run(job);
      },
      { connection: this.redis.duplicate(), prefix: this.redis.key('bull'), concurrency: 1, lockDuration: this.config.WORKER_LOCK_MS },
    );
    this.worker.on('failed', (job, err) => this.logger.error({ jobId: job?.id, err: err.message }, 're-decode failed'));
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 're-decode worker error'));
  }

  async run(job: Pick<Job<RedecodeRequest>, 'data' | 'updateProgress' | 'id'>): Promise<RedecodeProgress> {
    const progress: RedecodeProgress = { total: job.data.total, done: 0, stored: 0, failed: 0 };
    let after: { receivedAt: Date; id: string } | null = null;
    for (;;) {
      const uplinks = await this.repository.nextMatching(job.data, after, CHUNK);
      if (!uplinks.length) break;
      const result = await this.processor.process(uplinks.map(envelopeOf), { redecode: true });
      progress.done += uplinks.length;
      progress.stored += result.stored;
      progress.failed += result.decodeFailed + result.storeFailed;
      // Uplinks that arrived after the request was counted are re-decoded too; the total follows.
      progress.total = Math.max(progress.total, progress.done);
      await job.updateProgress({ ...progress });
      const last = uplinks[uplinks.length - 1]!;
      after = { receivedAt: last.receivedAt, id: last.id };
    }
    this.logger.log({ jobId: job.id, ...progress, requestedBy: job.data.requestedBy, requestId: job.data.requestId }, 're-decode finished');
    return progress;
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
