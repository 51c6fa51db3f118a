import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PayloadTooLargeException } from '../../core/http/errors';

/** Where a webhook's exact bytes are kept (the signature is over them, not over re-serialised JSON). */
export const RAW_BODY = Symbol('water.rawBody');
export type WithRawBody = FastifyRequest & { [RAW_BODY]?: Buffer };

const WEBHOOK_PREFIX = '/api/payment-webhooks/';
const MAX_BYTES = 256 * 1024;

/**
 * Keeps the raw body of the payment webhooks' requests: a preParsing hook on those routes only reads
 * the payload, keeps its bytes and hands the same bytes on to the usual JSON parser (request hygiene
 * still applies). Must be installed before the routes are registered (module construction does).
 */
export function keepWebhookRawBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (!route.url.startsWith(WEBHOOK_PREFIX)) return;
    route.bodyLimit = MAX_BYTES;
    const capture = async (req: FastifyRequest, _reply: unknown, payload: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of payload) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        size += buf.length;
        if (size > MAX_BYTES) throw new PayloadTooLargeException(`a webhook body is at most ${MAX_BYTES} bytes`);
        chunks.push(buf);
      }
      const raw = Buffer.concat(chunks);
      (req as WithRawBody)[RAW_BODY] = raw;
      const replay = Readable.from([raw]) as Readable & { receivedEncodedLength?: number };
      replay.receivedEncodedLength = raw.length;
      return replay;
    };
    const existing = route.preParsing;
    route.preParsing = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), capture] as typeof route.preParsing;
  });
}
