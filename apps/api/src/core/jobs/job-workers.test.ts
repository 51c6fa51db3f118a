import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { RedisModule } from '../redis/redis.module';
import { RedisService } from '../redis/redis.service';
import { JobsModule, JobWorkersModule } from './jobs.module';
import { JobsService } from './jobs.service';
import { JobName, JobStatus, QueueName, type JobContext, type RedecodeRequest } from './jobs.types';
import { OnJob } from './on-job.decorator';

const request: RedecodeRequest = {
  tenantIds: ['7b0c1c8e-0000-4000-8000-000000000001'],
  deviceId: 'dev-1',
  status: 'FAILED',
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-01-02T00:00:00.000Z',
  total: 3,
  requestedBy: 'user-1',
};

@Injectable()
class RedecodeHandler {
  readonly received: RedecodeRequest[] = [];

  @OnJob({ name: JobName.RedecodeUplinks })
  async redecode(payload: RedecodeRequest, job: JobContext): Promise<JobStatus> {
    this.received.push(payload);
    await job.updateProgress({ done: payload.total });
    return JobStatus.Success;
  }
}

@Injectable()
class SecondRedecodeHandler {
  @OnJob({ name: JobName.RedecodeUplinks })
  async redecode(): Promise<JobStatus> {
    return JobStatus.Skipped;
  }
}

@Injectable()
class NoSignalHandler {
  @OnJob({ name: JobName.CheckNoSignal })
  async check(): Promise<JobStatus> {
    return JobStatus.Success;
  }
}

/** Dispatch through a real BullMQ queue on the machine's Redis, under a key prefix of this run. */
async function start(handlers: Array<new (...args: never[]) => object>, ownLoops: QueueName[]): Promise<TestingModule> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_PREFIX: `test:jobs:${randomBytes(4).toString('hex')}`,
    // The outbox's relay (started with the workers) is not what these tests are about.
    JOB_OUTBOX_RELAY_MS: '600000',
  });
  const module = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule.forRoot({ rowLevelSecurity: false }),
      RedisModule,
      JobsModule,
      JobWorkersModule.forRoot({ ownLoops }),
    ],
    providers: handlers,
  }).compile();
  module.useLogger(false);
  try {
    await module.init();
  } catch (err) {
    await module.get(RedisService).onModuleDestroy();
    throw err;
  }
  opened.push(module);
  return module;
}

const opened: TestingModule[] = [];

afterEach(async () => {
  for (const module of opened.splice(0)) {
    const jobs = module.get(JobsService);
    await Promise.all(Object.values(QueueName).map((q) => jobs.queue(q).obliterate({ force: true })));
    await module.close();
  }
});

describe('JobWorkersService', () => {
  // Only the re-decode queue is consumed through @OnJob here; the others stand for own-loop queues.
  const others = Object.values(QueueName).filter((q) => q !== QueueName.Redecode);

  it('hands an @OnJob handler its typed payload through a real queue, and records its status', async () => {
    const module = await start([RedecodeHandler], others);
    const jobs = module.get(JobsService);
    const events = new QueueEvents(QueueName.Redecode, {
      connection: module.get(RedisService).duplicate(),
      prefix: module.get(RedisService).key('bull'),
    });
    try {
      await events.waitUntilReady();
      const id = await jobs.enqueue(JobName.RedecodeUplinks, request);
      const job = (await jobs.find(JobName.RedecodeUplinks, id!))!;
      await expect(job.waitUntilFinished(events, 15_000)).resolves.toBe(JobStatus.Success);
      expect(module.get(RedecodeHandler).received).toEqual([request]);
      expect((await jobs.find(JobName.RedecodeUplinks, id!))!.progress).toEqual({ done: 3 });
    } finally {
      await events.close();
    }
  });

  it('fails a job of an unknown name at once, without retries, instead of completing it', async () => {
    const module = await start([RedecodeHandler], others);
    const queue = module.get(JobsService).queue(QueueName.Redecode);
    const events = new QueueEvents(QueueName.Redecode, {
      connection: module.get(RedisService).duplicate(),
      prefix: module.get(RedisService).key('bull'),
    });
    try {
      await events.waitUntilReady();
      // Default options allow 5 attempts: an unknown job must not use them.
      const job = await queue.add('no-such-job', { anything: true });
      await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow("no handler for job 'no-such-job' on queue 'redecode'");
      const failed = (await queue.getJob(job.id!))!;
      expect(await failed.getState()).toBe('failed');
      expect(failed.attemptsMade).toBe(1);
      expect(module.get(RedecodeHandler).received).toEqual([]);
    } finally {
      await events.close();
    }
  });

  it('refuses to start with a job of a consumed queue that has no handler', async () => {
    const consumed = [QueueName.Redecode, QueueName.Maintenance];
    await expect(
      start(
        [RedecodeHandler],
        Object.values(QueueName).filter((q) => !consumed.includes(q)),
      ),
    ).rejects.toThrow("no @OnJob({ name: JobName.CheckNoSignal }) handler for job 'check-no-signal' (queue 'maintenance')");
  });

  it('refuses to start with two handlers of one job', async () => {
    await expect(start([RedecodeHandler, SecondRedecodeHandler], others)).rejects.toThrow(
      "job 'redecode-uplinks' has two handlers: RedecodeHandler.redecode and SecondRedecodeHandler.redecode",
    );
  });

  it('refuses to start with a handler on a queue that is consumed by its own loop', async () => {
    await expect(start([RedecodeHandler, NoSignalHandler], others)).rejects.toThrow(
      "NoSignalHandler.check handles check-no-signal, but queue 'maintenance' is consumed by its own loop",
    );
  });
});
