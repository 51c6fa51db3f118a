import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { JobName, QueueName, type UplinkBatch, type UplinkEnvelope } from '../../core/jobs/jobs.types';
import { RedisService } from '../../core/redis/redis.service';
import { UplinkMerger } from './uplink-merger';
import { UplinkProcessor } from './uplink.processor';

/**
 * Consumes the uplinks queue, a batch of uplinks per job; the jobs in hand are stored together, one
 * transaction at a time (UplinkMerger, WORKER_MERGE_MAX_UPLINKS). A decode error is not retried (it is stored
 * on the uplink as FAILED); a database or Redis failure is, with backoff, for the whole batch (stored
 * facts are skipped as duplicates on the retry); after the last attempt the job stays failed with its
 * error for operators to see.
 */
@Injectable()
export class UplinkWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('uplink-worker');
  private worker?: Worker<UplinkBatch | UplinkEnvelope>;
  /** Stores the jobs in hand together (WORKER_MERGE_MAX_UPLINKS > 0), one transaction at a time. */
  private merger?: UplinkMerger;
  /** Uplinks this process finished, for operations and the scale-out test. */
  processed = 0;

  constructor(
    private readonly processor: UplinkProcessor,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.WORKER_MERGE_MAX_UPLINKS > 0)
      this.merger = new UplinkMerger(
        (uplinks) => this.processor.process(uplinks),
        this.config.WORKER_MERGE_MAX_UPLINKS,
        this.config.WORKER_MERGE_LINGER_MS,
      );
    this.worker = new Worker<UplinkBatch | UplinkEnvelope>(
      QueueName.Uplinks,
      async (job: Job<UplinkBatch | UplinkEnvelope>) => {
        let uplinks: UplinkEnvelope[];
        if (job.name === JobName.ProcessUplinks) uplinks = (job.data as UplinkBatch).uplinks;
        else if (job.name === JobName.ProcessUplink) uplinks = [job.data as UplinkEnvelope];
        else throw new UnrecoverableError(`unknown job ${job.name}`);
        const result = this.merger ? await this.merger.submit(uplinks) : await this.processor.process(uplinks);
        this.processed += uplinks.length;
        return result;
      },
      {
        connection: this.redis.duplicate(),
        prefix: this.redis.key('bull'),
        concurrency: this.config.WORKER_CONCURRENCY,
        lockDuration: this.config.WORKER_LOCK_MS,
        stalledInterval: this.config.WORKER_LOCK_MS,
        autorun: true,
      },
    );
    this.worker.on('failed', (job, err) =>
      this.logger.error(
        {
          jobId: job?.id,
          uplinks: job && 'uplinks' in job.data ? job.data.uplinks.length : 1,
          attempts: job?.attemptsMade,
          err: err.message,
        },
        'uplink job failed',
      ),
    );
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'uplink worker error'));
  }

  /** Finishes the jobs in hand before the process exits. */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }

  /** Stops at once, abandoning jobs in hand, as a crash would (used by the crash test). */
  async kill(): Promise<void> {
    await this.worker?.close(true);
  }
}
