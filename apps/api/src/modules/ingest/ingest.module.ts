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

@Module({
  imports: [IntegrationsModule],
  controllers: [IngestController, UplinksController],
  providers: [IngestService, IngestRepository, UplinkBatcher, UplinksService, UplinkRepository, UplinkInspectorRepository],
  exports: [IngestService],
})
export class IngestModule {}
