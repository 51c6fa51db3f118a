import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { IngestController } from './ingest.controller';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';
import { UplinkBatcher } from './uplink-batcher.service';
import { UplinksController } from './uplinks.controller';
import { UplinksService } from './uplinks.service';
import { UplinkRepository } from './uplink.repository';
import { UplinkInspectorRepository } from './uplink-inspector.repository';

/**
 * Accepting uplinks: checks, de-duplication and batching onto the uplinks queue. The API's webhooks and the
 * worker's MQTT subscriber both accept through it.
 */
@Module({ providers: [IngestService, IngestRepository, UplinkBatcher], exports: [IngestService] })
export class IngestCoreModule {}

@Module({
  imports: [IntegrationsModule, IngestCoreModule],
  controllers: [IngestController, UplinksController],
  providers: [UplinksService, UplinkRepository, UplinkInspectorRepository],
  exports: [IngestCoreModule],
})
export class IngestModule {}
