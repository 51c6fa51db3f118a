import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../core/config/config';
import { DecodersCoreModule } from '../decoders/decoders.module';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';
import { MqttSubscriberService } from './mqtt-subscriber.service';
import { RedecodeWorkerService } from './redecode-worker.service';
import { UplinkBatcher } from './uplink-batcher.service';
import { UplinkProcessor } from './uplink.processor';
import { UplinkRepository } from './uplink.repository';
import { UplinkWorkerService } from './uplink-worker.service';

/**
 * The worker's side of ingest: the uplink and re-decode consumers with their processor, and the MQTT
 * subscriber (which accepts uplinks as the webhooks do, so it carries IngestService and the batcher).
 */
@Module({})
export class IngestWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IngestWorkerModule,
      imports: [DecodersCoreModule],
      providers: [
        UplinkRepository,
        UplinkProcessor,
        UplinkWorkerService,
        RedecodeWorkerService,
        IngestService,
        IngestRepository,
        UplinkBatcher,
        ...(config.MQTT_ENABLED ? [MqttSubscriberService] : []),
      ],
      exports: [UplinkProcessor, UplinkWorkerService],
    };
  }
}
