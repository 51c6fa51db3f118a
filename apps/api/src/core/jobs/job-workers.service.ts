import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { RedisService } from '../redis/redis.service';
import { runJobHandler, type AnyJobHandler } from './job-dispatch';
import { JOB_QUEUE, JobName, QueueName } from './jobs.types';
import { JOB_HANDLER, type OnJobConfig } from './on-job.decorator';

export const JOB_WORKERS_OPTIONS = Symbol('JOB_WORKERS_OPTIONS');

export interface JobWorkersOptions {
  /**
   * Queues consumed by a loop of their own rather than through `@OnJob` (the uplinks queue: see
   * UplinkWorkerService). Every other queue must have a handler for each of its jobs.
   */
  ownLoops: QueueName[];
}

interface Registered {
  handler: AnyJobHandler;
  label: string;
}

/**
 * The worker process's consumers: finds the `@OnJob` methods of every provider at start and runs one
 * BullMQ worker per queue that dispatches each job to its handler by name. Starting fails on a job
 * with two handlers, on a job of a consumed queue without one, and on a handler for an own-loop queue
 * (it would never run).
 */
@Injectable()
export class JobWorkersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('jobs');
  private readonly workers = new Map<QueueName, Worker>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JOB_WORKERS_OPTIONS) private readonly options: JobWorkersOptions,
  ) {}

  onApplicationBootstrap(): void {
    const handlers = this.discover();
    const byQueue = new Map<QueueName, Record<string, AnyJobHandler>>();
    for (const name of Object.values(JobName)) {
      const queue = JOB_QUEUE[name];
      const found = handlers.get(name);
      if (this.options.ownLoops.includes(queue)) {
        if (found) throw new Error(`${found.label} handles ${name}, but queue '${queue}' is consumed by its own loop`);
        continue;
      }
      if (!found) throw new Error(`no @OnJob({ name: JobName.${keyOf(name)} }) handler for job '${name}' (queue '${queue}')`);
      byQueue.set(queue, { ...byQueue.get(queue), [name]: found.handler });
    }
    for (const [queue, queueHandlers] of byQueue) this.start(queue, queueHandlers);
  }

  /** Finishes the jobs in hand before the process exits. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.close()));
  }

  private discover(): Map<JobName, Registered> {
    const handlers = new Map<JobName, Registered>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!wrapper.isDependencyTreeStatic() || !instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const config = this.reflector.get<OnJobConfig | undefined>(JOB_HANDLER, fn as () => unknown);
        if (!config) continue;
        const label = `${instance.constructor.name}.${method}`;
        const taken = handlers.get(config.name);
        if (taken) throw new Error(`job '${config.name}' has two handlers: ${taken.label} and ${label}`);
        handlers.set(config.name, { handler: (fn as AnyJobHandler).bind(instance), label });
      }
    }
    return handlers;
  }

  private start(queue: QueueName, handlers: Record<string, AnyJobHandler>): void {
    // One job at a time per process: maintenance and re-decode runs are long and few; the cluster's
    // workers share them. Notifications are many short jobs waiting on the database and SMTP: WORKER_CONCURRENCY at once (B10).
    const worker = new Worker(queue, (job) => runJobHandler(handlers, job), {
      connection: this.redis.duplicate(),
      prefix: this.redis.key('bull'),
      concurrency: queue === QueueName.Notifications ? this.config.WORKER_CONCURRENCY : 1,
      lockDuration: this.config.WORKER_LOCK_MS,
    });
    worker.on('failed', (job, err) =>
      this.logger.error(
        { queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, requestId: requestIdOf(job?.data), err: err.message },
        'job failed',
      ),
    );
    worker.on('error', (err) => this.logger.error({ queue, err: err.message }, 'job worker error'));
    this.workers.set(queue, worker);
    this.logger.log({ queue, jobs: Object.keys(handlers) }, 'consuming');
  }
}

/** The id of the request that asked for the job, when its payload carries one (STYLE.md 24). */
function requestIdOf(data: unknown): string | undefined {
  return typeof data === 'object' && data !== null && 'requestId' in data && typeof data.requestId === 'string'
    ? data.requestId
    : undefined;
}

function keyOf(name: JobName): string {
  return Object.entries(JobName).find(([, v]) => v === name)?.[0] ?? name;
}
