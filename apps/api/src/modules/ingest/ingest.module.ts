import { Module, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { IntegrationsModule } from '../integrations/integrations.module';
import { IngestController } from './ingest.controller';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';
import { IngestWebhooks } from './ingest.webhooks';
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
  providers: [IngestWebhooks, UplinksService, UplinkRepository, UplinkInspectorRepository],
  exports: [IngestCoreModule],
})
export class IngestModule {
  constructor(webhooks: IngestWebhooks, @Optional() adapterHost?: HttpAdapterHost) {
    // The API's HTTP server (absent in an application context): webhooks are served without Nest's pipeline.
    const fastify: FastifyInstance | undefined = adapterHost?.httpAdapter?.getInstance?.();
    if (typeof fastify?.addHook === 'function') webhooks.serveWithoutNest(fastify);
  }
}
