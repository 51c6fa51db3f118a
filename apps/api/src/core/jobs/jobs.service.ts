import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { RedisService } from '../redis/redis.service';
import type { OutboxJob } from './job-outbox.repository';
import { JOB_QUEUE, JobName, QueueName, type JobPayloads } from './jobs.types';

/** Default options: retries with backoff, and finished jobs do not pile up in Redis. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000 },
  // Failed jobs stay a week so operators can see the error.
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Enqueues typed jobs. API nodes only produce; the worker process consumes (JobWorkersService, `@OnJob`). */
@Injectable()
export class JobsService implements OnModuleDestroy {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly redis: RedisService) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.redis.client, prefix: this.redis.key('bull'), defaultJobOptions: DEFAULT_JOB_OPTIONS });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: JobsOptions = {}): Promise<string | undefined> {
    const job = await this.queue(JOB_QUEUE[name]).add(name, payload, options);
    return job.id;
  }

  /**
   * Jobs read back from the outbox, each queue's in one round trip. Their payloads were typed when they were
   * written (`JobOutbox.add`); a name this release does not know throws, leaving them in the outbox.
   */
  async enqueueStored(jobs: OutboxJob[]): Promise<void> {
    const byQueue = new Map<QueueName, Parameters<Queue['addBulk']>[0]>();
    for (const j of jobs) {
      if (!isJobName(j.jobName)) throw new Error(`unknown job '${j.jobName}' in the outbox`);
      const queue = JOB_QUEUE[j.jobName];
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), { name: j.jobName, data: j.payload, opts: { ...j.options, jobId: j.jobId } }]);
    }
    await Promise.all([...byQueue].map(([queue, bulk]) => this.queue(queue).addBulk(bulk)));
  }

  /** A job of `name` by id; undefined when there is none, or the id is another job's. */
  async find<N extends JobName>(name: N, id: string): Promise<Job<JobPayloads[N]> | undefined> {
    const job: Job | undefined = await this.queue(JOB_QUEUE[name]).getJob(id);
    // The name was checked, so the data is that job's payload.
    return job?.name === name ? (job as Job<JobPayloads[N]>) : undefined;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}

const JOB_NAMES: ReadonlySet<string> = new Set(Object.values(JobName));

function isJobName(name: string): name is JobName {
  return JOB_NAMES.has(name);
}
