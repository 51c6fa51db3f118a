import type { FastifyInstance } from 'fastify';
import { httpRequestDuration } from './metrics';

/**
 * Times every request by its route template (`/api/meters/:id`, never the raw URL, so ids do not
 * become labels); requests that matched no route count under `unmatched`.
 */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
