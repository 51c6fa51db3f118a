import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { afterCommit, type Transaction } from '../database/unit-of-work';
import { JobOutboxRepository, type OutboxEntry, type OutboxJob } from './job-outbox.repository';
import { JobsService } from './jobs.service';
import type { JobName, JobPayloads } from './jobs.types';

/** BullMQ options that are plain JSON, so the outbox can store them. */
export type PlainJobOptions = Pick<JobsOptions, 'attempts' | 'backoff' | 'delay' | 'priority'>;

/** A job's options in the outbox: its id is required (a second enqueue of it adds nothing). */
export type OutboxJobOptions = PlainJobOptions & { jobId: string };

/** A typed job for `JobOutbox.addAll`. */
export function outboxJob<N extends JobName>(name: N, payload: JobPayloads[N], options: OutboxJobOptions): OutboxJob {
  const { jobId, ...rest } = options;
  return { jobName: name, jobId, payload, options: rest };
}

/**
 * The transactional outbox (docs/decisions.md): a job is written in the transaction of the row it is about, so
 * the two commit or roll back together. Once the transaction commits the job is enqueued and its entry deleted;
 * when that does not happen (the process died between the two, Redis was away) the worker's relay enqueues the
 * entry later. Both enqueue by the job's id, so a job enqueued twice runs once while BullMQ keeps it; handlers
 * still check their row's state, as BullMQ's at-least-once delivery already asks of them.
 */
@Injectable()
export class JobOutbox {
  private readonly logger = new Logger('jobs');

  constructor(
    private readonly repository: JobOutboxRepository,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Writes a job in `tx`; it is enqueued once `tx` commits (`UnitOfWork.run` waits for that) and never if it rolls back. */
  add<N extends JobName>(tx: Transaction, name: N, payload: JobPayloads[N], options: OutboxJobOptions): Promise<void> {
    return this.addAll(tx, [outboxJob(name, payload, options)]);
  }

  async addAll(tx: Transaction, jobs: OutboxJob[]): Promise<void> {
    if (!jobs.length) return;
    const entries = await this.repository.insert(tx, jobs);
    afterCommit(tx, async () => void (await this.release(entries)));
  }

  /** The worker's relay: enqueues the entries older than the grace period; how many it enqueued. */
  async relay(now = new Date()): Promise<number> {
    const entries = await this.repository.olderThan(new Date(now.getTime() - this.config.JOB_OUTBOX_GRACE_MS), 500);
    if (!entries.length) return 0;
    const released = await this.release(entries);
    this.logger.log({ event: 'job_outbox.relayed', jobs: released, left: entries.length - released }, 'outbox jobs enqueued by the relay');
    return released;
  }

  /** Enqueues the entries and deletes them; a failure leaves them for the relay (logged, never thrown: the commit stands). */
  private async release(entries: OutboxEntry[]): Promise<number> {
    try {
      await this.jobs.enqueueStored(entries);
      await this.repository.remove(entries.map((e) => e.id));
      return entries.length;
    } catch (err) {
      this.logger.warn(
        { event: 'job_outbox.enqueue_failed', jobs: entries.map((e) => e.jobId), err: err instanceof Error ? err.message : String(err) },
        'jobs left in the outbox for the relay',
      );
      return 0;
    }
  }
}

/** The worker's side of the outbox: every JOB_OUTBOX_RELAY_MS, one relay pass (never two at once in a process). */
@Injectable()
export class JobOutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('jobs');
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;

  constructor(
    private readonly outbox: JobOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.pass ??= this.outbox
        .relay()
        .then(
          () => undefined,
          (err: unknown) =>
            this.logger.warn(
              { event: 'job_outbox.relay_failed', err: err instanceof Error ? err.message : String(err) },
              'outbox relay failed',
            ),
        )
        .finally(() => (this.pass = undefined));
    }, this.config.JOB_OUTBOX_RELAY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }
}
