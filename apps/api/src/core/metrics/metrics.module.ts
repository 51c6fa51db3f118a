import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService, WorkerMetricsServer } from './metrics.service';

/** The API process's metrics: the registry's sources and `GET /api/metrics`. */
@Global()
@Module({ controllers: [MetricsController], providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}

/** The worker process's metrics: the same sources, served on WORKER_METRICS_PORT. */
@Global()
@Module({ providers: [MetricsService, WorkerMetricsServer], exports: [MetricsService] })
export class WorkerMetricsModule {}
