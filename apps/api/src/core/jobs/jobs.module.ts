import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JOB_WORKERS_OPTIONS, JobWorkersService, type JobWorkersOptions } from './job-workers.service';
import { JobsService } from './jobs.service';

/** Producing jobs, in every process. */
@Global()
@Module({ providers: [JobsService], exports: [JobsService] })
export class JobsModule {}

/** Consuming them: the worker process's `@OnJob` handlers, dispatched by JobWorkersService. */
@Module({})
export class JobWorkersModule {
  static forRoot(options: JobWorkersOptions): DynamicModule {
    return {
      module: JobWorkersModule,
      imports: [DiscoveryModule],
      providers: [{ provide: JOB_WORKERS_OPTIONS, useValue: options }, JobWorkersService],
      exports: [JobWorkersService],
    };
  }
}
