import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';

@Module({ imports: [IntegrationsModule], controllers: [IngestController], providers: [IngestService], exports: [IngestService] })
export class IngestModule {}
