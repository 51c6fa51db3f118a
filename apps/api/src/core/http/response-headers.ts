import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** One year, the value HSTS preload lists ask for. */
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

/** The public API documentation (Swagger UI and its OpenAPI document): static, the only cacheable answers. */
function isPublicDocs(req: FastifyRequest): boolean {
  const url = req.url;
  return (
    url === '/api/docs' ||
    url.startsWith('/api/docs/') ||
    url.startsWith('/api/docs?') ||
    url.startsWith('/api/docs-json') ||
    url.startsWith('/api/docs-yaml')
  );
}

/**
 * Response headers of every API answer (success, refusal, 404 alike):
 *
 * - `Cache-Control: no-store` on everything but the public docs: auth answers carry tokens and every
 *   other answer is (or may be, for a refusal) tenant data, which no browser or proxy cache may keep;
 * - helmet's nosniff, `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`, plus a CSP that
 *   forbids framing (and, for JSON, everything else: it is never a document to render);
 * - HSTS only on answers that came over TLS (directly or, with TRUST_PROXY, per X-Forwarded-Proto
 *   from the proxy that terminates it): over plain HTTP it means nothing and would pin local hosts.
 */
export async function registerResponseHeaders(fastify: FastifyInstance): Promise<void> {
  await fastify.register(helmet, {
    contentSecurityPolicy: false,
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (isPublicDocs(req)) {
      reply.header('content-security-policy', "frame-ancestors 'none'");
    } else {
      reply.header('cache-control', 'no-store');
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS_VALUE);
    return payload;
  });
}
