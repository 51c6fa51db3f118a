import { Body, Controller, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodValidationException } from 'nestjs-zod';
import type { ZodType } from 'zod';
import { Public } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { locate } from '../../core/http/validation.pipe';
import { ChirpstackUplinkSchema, GenericUplinkSchema, SigfoxUplinkSchema, TtnUplinkSchema } from './ingest.formats';
import { IngestService } from './ingest.service';

/** Network servers authenticate with their integration's secret, in a header or the URL. */
function secretOf(req: FastifyRequest, token?: string): string | undefined {
  const header = req.headers['x-integration-secret'];
  if (typeof header === 'string' && header) return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return token || undefined;
}

function parse<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw locate(new ZodValidationException(result.error), 'body');
  return result.data;
}

/**
 * Uplink webhooks. They answer 202 once the uplink is queued, before decoding; 401 for a bad
 * secret, 404 for a device unknown to the integration's tenant, 400 for a malformed body, 503 with
 * Retry-After while the uplink backlog is full (nothing is remembered: the retry is accepted later) or
 * while an earlier delivery of the same frame is still being queued. `duplicate` means queued already.
 */
@ApiTags('ingest')
@ApiHeader({ name: 'X-Integration-Secret', required: false, description: 'or Authorization: Bearer <secret>, or ?token=<secret>' })
@ApiQuery({ name: 'token', required: false })
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
  constructor(private readonly ingest: IngestService) {}

  @Public()
  @Post('ttn/:integrationId')
  @HttpCode(202)
  ttn(@Param('integrationId', UuidPipe) id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Query('token') token?: string) {
    return this.ingest.ttn(id, secretOf(req, token), parse(TtnUplinkSchema, body), req.id);
  }

  /** ChirpStack posts every event type to one URL with ?event=…; only "up" carries readings. */
  @Public()
  @Post('chirpstack/:integrationId')
  @HttpCode(202)
  async chirpstack(
    @Param('integrationId', UuidPipe) id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('token') token?: string,
    @Query('event') event?: string,
  ) {
    if (event && event !== 'up') {
      await this.ingest.chirpstackEvent(id, secretOf(req, token));
      void reply.status(204);
      return;
    }
    return this.ingest.chirpstack(id, secretOf(req, token), parse(ChirpstackUplinkSchema, body), req.id);
  }

  @Public()
  @Post('sigfox/:integrationId')
  @HttpCode(202)
  sigfox(@Param('integrationId', UuidPipe) id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Query('token') token?: string) {
    return this.ingest.sigfox(id, secretOf(req, token), parse(SigfoxUplinkSchema, body), req.id);
  }

  @Public()
  @Post('generic/:integrationId')
  @HttpCode(202)
  generic(@Param('integrationId', UuidPipe) id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Query('token') token?: string) {
    return this.ingest.generic(id, secretOf(req, token), parse(GenericUplinkSchema, body), req.id);
  }
}
