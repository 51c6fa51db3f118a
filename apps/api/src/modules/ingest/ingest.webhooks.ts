import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ZodValidationException } from 'nestjs-zod';
import type { ZodType } from 'zod';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { locate } from '../../core/http/validation.pipe';
import { ChirpstackUplinkSchema, GenericUplinkSchema, SigfoxUplinkSchema, TtnUplinkSchema } from './ingest.formats';
import { IngestService, type IngestResult } from './ingest.service';

type Webhook = FastifyRequest<{ Params: { integrationId?: string }; Querystring: Record<string, unknown> }>;

const uuid = new UuidPipe();

/** Network servers authenticate with their integration's secret, in a header or the URL. */
function secretOf(req: Webhook): string | undefined {
  const header = req.headers['x-integration-secret'];
  if (typeof header === 'string' && header) return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const token = req.query?.token;
  return typeof token === 'string' && token ? token : undefined;
}

/** The body checked against its network's schema; a missing body is an empty one (as for every route). */
function parse<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw locate(new ZodValidationException(result.error), 'body');
  return result.data;
}

/**
 * The uplink webhooks, one method per network server, each taking the Fastify request. IngestController
 * declares the routes (access rule, OpenAPI) and calls these; `serveWithoutNest` installs the same methods as
 * the routes' Fastify handlers, so a webhook skips Nest's guard, interceptor, pipe and Observable layers
 * (issue 14, B1). Errors still reach the one ErrorFilter through Nest's Fastify error handler, and the
 * Fastify hooks every route has (request hygiene, metrics, response headers) still run.
 */
@Injectable()
export class IngestWebhooks {
  constructor(private readonly ingest: IngestService) {}

  ttn(req: Webhook): Promise<IngestResult> {
    const id = uuid.transform(req.params.integrationId ?? '');
    return this.ingest.ttn(id, secretOf(req), parse(TtnUplinkSchema, req.body), req.id);
  }

  /** ChirpStack posts every event type to one URL with ?event=…; only "up" carries readings. */
  async chirpstack(req: Webhook, reply: FastifyReply): Promise<IngestResult | undefined> {
    const id = uuid.transform(req.params.integrationId ?? '');
    const event = req.query?.event;
    if (event && event !== 'up') {
      await this.ingest.chirpstackEvent(id, secretOf(req));
      void reply.status(204);
      return undefined;
    }
    return this.ingest.chirpstack(id, secretOf(req), parse(ChirpstackUplinkSchema, req.body), req.id);
  }

  sigfox(req: Webhook): Promise<IngestResult> {
    const id = uuid.transform(req.params.integrationId ?? '');
    return this.ingest.sigfox(id, secretOf(req), parse(SigfoxUplinkSchema, req.body), req.id);
  }

  generic(req: Webhook): Promise<IngestResult> {
    const id = uuid.transform(req.params.integrationId ?? '');
    return this.ingest.generic(id, secretOf(req), parse(GenericUplinkSchema, req.body), req.id);
  }

  /**
   * Replaces the handler Nest gives each `POST /api/ingest/<network>/:integrationId` route with the plain
   * one. Installed before Nest registers its routes (IngestModule's constructor); the routes keep every
   * hook and option Fastify and Nest gave them.
   */
  serveWithoutNest(fastify: FastifyInstance): void {
    const handlers: Record<string, (req: Webhook, reply: FastifyReply) => Promise<IngestResult | undefined>> = {
      ttn: (req) => this.ttn(req),
      chirpstack: (req, reply) => this.chirpstack(req, reply),
      sigfox: (req) => this.sigfox(req),
      generic: (req) => this.generic(req),
    };
    fastify.addHook('onRoute', (route: RouteOptions) => {
      const network = /^\/api\/ingest\/([a-z]+)\/:integrationId$/.exec(route.url)?.[1];
      const handle = network !== undefined && route.method === 'POST' ? handlers[network] : undefined;
      if (!handle) return;
      route.handler = async (req, reply) => {
        const result = await handle(req as Webhook, reply);
        if (result === undefined) return reply.send();
        return reply.status(202).send(result);
      };
    });
  }
}
