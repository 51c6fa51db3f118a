import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName, QueueName, type UplinkEnvelope } from '../../core/jobs/jobs.types';
import { RedisService } from '../../core/redis/redis.service';

/** A de-duplication mark to confirm once its uplink is queued: the key and how long it lives. */
export interface QueuedMark {
  key: string;
  ttlSeconds: number;
}

interface Pending {
  uplinks: UplinkEnvelope[];
  marks: QueuedMark[];
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * Gathers accepted uplinks for a few milliseconds (INGEST_BATCH_WAIT_MS) or until INGEST_BATCH_MAX
 * of them, and queues them as one job: the queue and the worker's statements then cost per batch,
 * not per uplink. Each caller's promise settles when its batch is in Redis, so a webhook answers 202
 * only for uplinks that are queued, and their de-duplication marks are confirmed (`1`) only after that,
 * so a `duplicate` answer always means queued. It also watches the queue's backlog so ingest can refuse load
 * (503 + Retry-After) before Redis fills up, rather than lose anything.
 */
@Injectable()
export class UplinkBatcher implements OnModuleDestroy {
  private readonly logger = new Logger('ingest');
  private pending: Pending | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private waiting = 0;
  private lastCheck = 0;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly jobs: JobsService,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  add(uplink: UplinkEnvelope, mark?: QueuedMark): Promise<void> {
    let p = this.pending;
    if (!p) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      p = { uplinks: [], marks: [], done, resolve, reject, timer: setTimeout(() => this.flush(), this.config.INGEST_BATCH_WAIT_MS) };
      this.pending = p;
    }
    p.uplinks.push(uplink);
    if (mark) p.marks.push(mark);
    if (p.uplinks.length >= this.config.INGEST_BATCH_MAX) this.flush();
    return p.done;
  }

  /**
   * Seconds a sender should wait before retrying when the queue holds more than INGEST_MAX_BACKLOG
   * batches waiting for a worker; null while there is room. The count is read at most once a second.
   */
  async overloaded(): Promise<number | null> {
    if (Date.now() - this.lastCheck > 1000 && !this.checking) {
      this.checking = this.jobs
        .queue(QueueName.Uplinks)
        .getWaitingCount()
        .then((n) => {
          this.waiting = n;
          this.lastCheck = Date.now();
        })
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'could not read the uplink backlog'))
        .finally(() => (this.checking = null));
      // The first reading is awaited; later ones refresh in the background.
      if (!this.lastCheck) await this.checking;
    }
    return this.waiting > this.config.INGEST_MAX_BACKLOG ? 5 : null;
  }

  private flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    const sent = this.jobs
      .enqueue(JobName.ProcessUplinks, { uplinks: p.uplinks })
      .then(() => this.confirm(p.marks))
      .then(
        () => p.resolve(),
        (err: unknown) => p.reject(err),
      );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /**
   * Turns the batch's claims into confirmed marks. The batch is queued whatever happens here: a mark
   * left a claim is taken over by the sender's retry once stale, and the worker stores the copy once.
   */
  private async confirm(marks: QueuedMark[]): Promise<void> {
    if (!marks.length) return;
    const pipeline = this.redis.client.pipeline();
    for (const m of marks) pipeline.set(m.key, '1', 'EX', m.ttlSeconds);
    await pipeline
      .exec()
      .catch((err: Error) => this.logger.warn({ err: err.message, marks: marks.length }, 'could not confirm de-duplication marks'));
  }

  /** Queues what is gathered before the process exits. */
  async onModuleDestroy(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }
}
