import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './core/config/config';
import { ConfigModule } from './core/config/config.module';
import { DatabaseModule } from './core/database/database.module';
import { JobsModule, JobWorkersModule } from './core/jobs/jobs.module';
import { QueueName } from './core/jobs/jobs.types';
import { LoggingModule } from './core/logging/logging.module';
import { WorkerMetricsModule } from './core/metrics/metrics.module';
import { LivePublisherModule } from './core/realtime/realtime.module';
import { RedisModule } from './core/redis/redis.module';
import { AlarmsWorkerModule } from './modules/alarms/alarms.module';
import { IngestWorkerModule } from './modules/ingest/ingest-worker.module';
import { ImportsWorkerModule } from './modules/imports/imports.module';
import { MeterDataWorkerModule } from './modules/meter-data/meter-data.module';
import { InvoicePdfWorkerModule } from './modules/invoicing/pdf/invoice-pdf.module';
import { InvoicingWorkerModule } from './modules/invoicing/invoicing.module';
import { DunningWorkerModule } from './modules/dunning/dunning.module';
import { NotificationsWorkerModule } from './modules/notifications/notifications.module';
import { AuthWorkerModule } from './modules/auth/auth.module';
import { PortalAuthWorkerModule } from './modules/portal-auth/portal-auth.module';

/** The worker process: uplink decoding and storage, the MQTT subscriber and maintenance jobs. No HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const ingest = IngestWorkerModule.forRoot(config);
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot({ rowLevelSecurity: false }),
        RedisModule,
        JobsModule,
        // Every queue's @OnJob handlers, but the uplinks queue's, whose consumer keeps its own loop.
        JobWorkersModule.forRoot({ ownLoops: [QueueName.Uplinks] }),
        LivePublisherModule,
        WorkerMetricsModule,
        ingest,
        ImportsWorkerModule.forRoot(ingest),
        AlarmsWorkerModule,
        MeterDataWorkerModule,
        InvoicePdfWorkerModule,
        InvoicingWorkerModule,
        DunningWorkerModule,
        NotificationsWorkerModule,
        AuthWorkerModule,
        PortalAuthWorkerModule,
      ],
    };
  }
}
