import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JOB_WORKERS_OPTIONS, JobWorkersService, type JobWorkersOptions } from './job-workers.service';
import { JobOutbox, JobOutboxRelay } from './job-outbox';
import { JobOutboxRepository } from './job-outbox.repository';
import { JobsService } from './jobs.service';

/** Producing jobs, in every process: at once (`JobsService`) or with the transaction of their row (`JobOutbox`). */
@Global()
@Module({ providers: [JobsService, JobOutboxRepository, JobOutbox], exports: [JobsService, JobOutbox] })
export class JobsModule {}

/** Consuming them: the worker process's `@OnJob` handlers, dispatched by JobWorkersService, and the outbox's relay. */
@Module({})
export class JobWorkersModule {
  static forRoot(options: JobWorkersOptions): DynamicModule {
    return {
      module: JobWorkersModule,
      imports: [DiscoveryModule],
      providers: [{ provide: JOB_WORKERS_OPTIONS, useValue: options }, JobWorkersService, JobOutboxRelay],
      exports: [JobWorkersService],
    };
  }
}
