import { getRequestProtocol, setResponseHeaders, type H3Event } from 'h3';
import { BASELINE_SECURITY_HEADERS, consoleContentSecurityPolicy, HSTS_HEADER, inlineScriptHashes } from '../utils/security-headers';

/** Over TLS: directly, or per X-Forwarded-Proto from the proxy that terminates it. */
function overTls(event: H3Event): boolean {
  return getRequestProtocol(event, { xForwardedProto: true }) === 'https';
}

/**
 * Security headers of every console answer (nosniff, no framing, referrer policy, HSTS over TLS),
 * Cache-Control: no-store on /api/** (session endpoints and the API proxy), and on rendered pages a
 * Content-Security-Policy allowing exactly the page's inline scripts, plus Cache-Control: no-store (a
 * signed-in page carries tenant data in its payload). The CSP is off under `nuxt dev`, whose Vite
 * client injects scripts and styles of its own.
 */
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('request', (event) => {
    setResponseHeaders(event, { ...BASELINE_SECURITY_HEADERS, ...(overTls(event) ? { 'strict-transport-security': HSTS_HEADER } : {}) });
    // The session endpoints (a socket token, sign-in answers) and the API proxy: never cached.
    if (event.path.startsWith('/api/')) setResponseHeaders(event, { 'cache-control': 'no-store' });
  });

  if (import.meta.dev) return;
  nitroApp.hooks.hook('render:response', (response, { event }) => {
    if (typeof response.body !== 'string' || !/^\s*<!DOCTYPE html/i.test(response.body)) return;
    const config = useRuntimeConfig(event);
    response.headers = {
      ...response.headers,
      'content-security-policy': consoleContentSecurityPolicy({
        scriptHashes: inlineScriptHashes(response.body),
        mapTilesUrl: String(config.public.mapTilesUrl ?? ''),
        liveUrl: String(config.public.liveUrl ?? ''),
      }),
      'cache-control': 'no-store',
    };
  });
});
