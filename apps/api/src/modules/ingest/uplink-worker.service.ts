import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { dispatchJob } from '../../core/jobs/job-dispatch';
import { JobName, JobStatus, QueueName, type JobHandlers, type UplinkBatch, type UplinkEnvelope } from '../../core/jobs/jobs.types';
import { RedisService } from '../../core/redis/redis.service';
import { UplinkMerger } from './uplink-merger';
import { UplinkProcessor, type PreparedBatch } from './uplink.processor';

/**
 * Consumes the uplinks queue, a batch of uplinks per job; the jobs in hand are stored together, one
 * transaction at a time (UplinkMerger, WORKER_MERGE_MAX_UPLINKS). A decode error is not retried (it is stored
 * on the uplink as FAILED); a database or Redis failure is, with backoff, for the whole batch (stored
 * facts are skipped as duplicates on the retry); after the last attempt the job stays failed with its
 * error for operators to see.
 *
 * This queue keeps its own BullMQ loop instead of `@OnJob` (JobWorkersService, worker.module.ts `ownLoops`):
 * its throughput rests on the loop's settings (WORKER_CONCURRENCY jobs in hand, all fed to one merger
 * for group commit, lock and stall interval from WORKER_LOCK_MS, a force-close for the crash test) where
 * the generic workers take one job at a time. Its jobs still arrive typed, through the same dispatch.
 */
@Injectable()
export class UplinkWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('uplink-worker');
  private worker?: Worker<UplinkBatch | UplinkEnvelope>;
  /** Stores the jobs in hand together (WORKER_MERGE_MAX_UPLINKS > 0), one transaction at a time, decoding the next group meanwhile. */
  private merger?: UplinkMerger<PreparedBatch>;
  /** Uplinks this process finished, for operations and the scale-out test. */
  processed = 0;
  /** Every job of the uplinks queue, typed by its name (the compiler wants a handler for each). */
  private readonly handlers: JobHandlers<QueueName.Uplinks> = {
    [JobName.ProcessUplinks]: (batch) => this.store(batch.uplinks),
    // The single-uplink job of releases before batching, still consumed so an upgrade loses nothing queued.
    [JobName.ProcessUplink]: (uplink) => this.store([uplink]),
  };

  constructor(
    private readonly processor: UplinkProcessor,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.WORKER_MERGE_MAX_UPLINKS > 0)
      this.merger = new UplinkMerger(
        { prepare: (uplinks) => this.processor.prepare(uplinks), write: (batch) => this.processor.store(batch) },
        this.config.WORKER_MERGE_MAX_UPLINKS,
        this.config.WORKER_MERGE_LINGER_MS,
      );
    this.worker = new Worker<UplinkBatch | UplinkEnvelope>(QueueName.Uplinks, (job) => dispatchJob(this.handlers, job), {
      connection: this.redis.duplicate(),
      prefix: this.redis.key('bull'),
      concurrency: this.config.WORKER_CONCURRENCY,
      lockDuration: this.config.WORKER_LOCK_MS,
      stalledInterval: this.config.WORKER_LOCK_MS,
      autorun: true,
    });
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

  private async store(uplinks: UplinkEnvelope[]): Promise<JobStatus> {
    if (this.merger) await this.merger.submit(uplinks);
    else await this.processor.process(uplinks);
    this.processed += uplinks.length;
    return JobStatus.Success;
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
