import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runProcess } from './core/process/run-process';
import { WorkerModule } from './worker.module';

// The worker: job consumers, the MQTT subscriber and its metrics port. No HTTP API.
runProcess({
  create: (config) => NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true, abortOnError: false }),
});
