import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '../../src/core/config/config';
import { WorkerModule } from '../../src/worker.module';

/** A worker process's modules, in the test process, on the suite's database and Redis prefix. */
export async function startTestWorker(config: AppConfig, overrides: Partial<AppConfig> = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ ...config, ...overrides }), {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  return app;
}
