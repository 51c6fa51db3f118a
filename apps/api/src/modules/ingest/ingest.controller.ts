import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiParam,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../core/auth/access.decorator';
import { IngestWebhooks } from './ingest.webhooks';

type Webhook = Parameters<IngestWebhooks['ttn']>[0];

/**
 * Uplink webhooks. They answer 202 once the uplink is queued, before decoding; 401 for a bad
 * secret, 404 for a device unknown to the integration's tenant, 400 for a malformed body, 503 with
 * Retry-After while the uplink backlog is full (nothing is remembered: the retry is accepted later) or
 * while an earlier delivery of the same frame is still being queued. `duplicate` means queued already.
 * This class declares the routes (access rule, OpenAPI); the API serves them as plain Fastify routes with
 * the same methods (IngestWebhooks.serveWithoutNest), without Nest's per-request pipeline.
 */
@ApiTags('ingest')
@ApiHeader({ name: 'X-Integration-Secret', required: false, description: 'or Authorization: Bearer <secret>, or ?token=<secret>' })
@ApiParam({ name: 'integrationId', type: String, format: 'uuid' })
@ApiQuery({ name: 'token', type: String, required: false })
@ApiAcceptedResponse({ description: 'queued (or recognised as a duplicate and dropped)' })
@ApiBadRequestResponse({ description: 'malformed body' })
@ApiUnauthorizedResponse({ description: 'unknown integration or bad secret' })
@ApiNotFoundResponse({ description: 'no such device in the integration tenant' })
@ApiServiceUnavailableResponse({
  description:
    'uplink backlog full, or the same frame still being queued by an earlier delivery: retry after the Retry-After header (seconds)',
})
@Controller('ingest')
export class IngestController {
  constructor(private readonly webhooks: IngestWebhooks) {}

  @Public()
  @Post('ttn/:integrationId')
  @HttpCode(202)
  ttn(@Req() req: FastifyRequest) {
    return this.webhooks.ttn(req as Webhook);
  }

  /** ChirpStack posts every event type to one URL with ?event=…; only "up" carries readings. */
  @Public()
  @Post('chirpstack/:integrationId')
  @HttpCode(202)
  @ApiQuery({
    name: 'event',
    type: String,
    required: false,
    description: 'ChirpStack event type; other than "up" is only authenticated (204)',
  })
  @ApiNoContentResponse({ description: 'an event other than "up", from the integration' })
  chirpstack(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.webhooks.chirpstack(req as Webhook, reply);
  }

  @Public()
  @Post('sigfox/:integrationId')
  @HttpCode(202)
  sigfox(@Req() req: FastifyRequest) {
    return this.webhooks.sigfox(req as Webhook);
  }

  @Public()
  @Post('generic/:integrationId')
  @HttpCode(202)
  generic(@Req() req: FastifyRequest) {
    return this.webhooks.generic(req as Webhook);
  }
}
