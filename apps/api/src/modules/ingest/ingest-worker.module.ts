import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../core/config/config';
import { DecodersCoreModule } from '../decoders/decoders.module';
import { ValidationCoreModule } from '../meter-data/meter-data.module';
import { IngestCoreModule } from './ingest.module';
import { MqttSubscriberService } from './mqtt-subscriber.service';
import { RedecodeWorkerService } from './redecode-worker.service';
import { UplinkProcessor } from './uplink.processor';
import { UplinkRepository } from './uplink.repository';
import { UplinkWorkerService } from './uplink-worker.service';

/**
 * The worker's side of ingest: the uplink and re-decode consumers with their processor, and the MQTT
 * subscriber (which accepts uplinks as the webhooks do, through IngestCoreModule).
 */
@Module({})
export class IngestWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IngestWorkerModule,
      imports: [DecodersCoreModule, IngestCoreModule, ValidationCoreModule],
      providers: [
        UplinkRepository,
        UplinkProcessor,
        UplinkWorkerService,
        RedecodeWorkerService,
        ...(config.MQTT_ENABLED ? [MqttSubscriberService] : []),
      ],
      exports: [UplinkProcessor, UplinkWorkerService],
    };
  }
}
