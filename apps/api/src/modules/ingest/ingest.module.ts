import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { UplinkBatcher } from './uplink-batcher.service';
import { UplinksController } from './uplinks.controller';
import { UplinksService } from './uplinks.service';
import { UplinkRepository } from './uplink.repository';

@Module({ imports: [IntegrationsModule], controllers: [IngestController, UplinksController], providers: [IngestService, UplinkBatcher, UplinksService, UplinkRepository], exports: [IngestService] })
export class IngestModule {}
