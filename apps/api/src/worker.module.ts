import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './core/config/config';
import { ConfigModule } from './core/config/config.module';
import { DatabaseModule } from './core/database/database.module';
import { JobsModule } from './core/jobs/jobs.module';
import { LoggingModule } from './core/logging/logging.module';
import { WorkerMetricsModule } from './core/metrics/metrics.module';
import { LivePublisherModule } from './core/realtime/realtime.module';
import { RedisModule } from './core/redis/redis.module';
import { AlarmsRepository } from './modules/alarms/alarms.repository';
import { NoSignalService } from './modules/alarms/no-signal.service';
import { DecodersService } from './modules/decoders/decoders.service';
import { IngestRepository } from './modules/ingest/ingest.repository';
import { IngestService } from './modules/ingest/ingest.service';
import { MqttSubscriberService } from './modules/ingest/mqtt-subscriber.service';
import { UplinkBatcher } from './modules/ingest/uplink-batcher.service';
import { UplinkProcessor } from './modules/ingest/uplink.processor';
import { UplinkRepository } from './modules/ingest/uplink.repository';
import { UplinkWorkerService } from './modules/ingest/uplink-worker.service';
import { RedecodeWorkerService } from './modules/ingest/redecode-worker.service';

/** The worker process: uplink decoding and storage, the MQTT subscriber and maintenance jobs. No HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(config), DatabaseModule.forRoot({ rowLevelSecurity: false }), RedisModule, JobsModule, LivePublisherModule, WorkerMetricsModule],
      providers: [
        DecodersService,
        UplinkRepository,
        UplinkProcessor,
        UplinkWorkerService,
        RedecodeWorkerService,
        NoSignalService,
        AlarmsRepository,
        IngestService,
        IngestRepository,
        UplinkBatcher,
        ...(config.MQTT_ENABLED ? [MqttSubscriberService] : []),
      ],
    };
  }
}
