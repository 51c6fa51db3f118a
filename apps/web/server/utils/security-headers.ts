import { createHash } from 'node:crypto';

/**
 * Security headers of the console (docs/decisions.md, "Console security headers"). Pure functions,
 * so the policy is unit-tested; server/plugins/security-headers.ts applies them.
 */

/** Headers of every answer: pages, assets, the API proxy. */
export const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The origin only, never paths (which carry ids): tile servers such as OpenStreetMap's require a referrer.
  'referrer-policy': 'strict-origin',
};

/** One year: sent only on answers that came over TLS (browsers ignore it over plain HTTP anyway). */
export const HSTS_HEADER = 'max-age=31536000; includeSubDomains';

const SCRIPT_TAG = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
/** Script types a browser does not execute (data blocks): CSP does not govern them. */
const DATA_SCRIPT_TYPES = new Set(['application/json', 'application/ld+json', 'text/template']);

/**
 * CSP hashes ('sha256-…') of the inline scripts of a rendered page: Nuxt's runtime-config script
 * (`window.__NUXT__`), its import map, anything else executable without a src. Nuxt has no nonces,
 * so each page is allowed exactly the inline scripts it was rendered with.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(SCRIPT_TAG)) {
    const attrs = match[1] ?? '';
    if (/\ssrc\s*=/i.test(` ${attrs}`)) continue;
    const type = /\stype\s*=\s*["']?([^"'\s>]+)/i.exec(` ${attrs}`)?.[1]?.toLowerCase();
    if (type && DATA_SCRIPT_TYPES.has(type)) continue;
    hashes.add(
      `'sha256-${createHash('sha256')
        .update(match[2] ?? '', 'utf8')
        .digest('base64')}'`,
    );
  }
  return [...hashes];
}

/**
 * The CSP source of a tile URL template such as https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png
 * (https://*.tile.openstreetmap.org). Null for an empty or relative template ('self' covers it).
 */
export function tileSource(template: string | undefined): string | null {
  const m = /^(https?):\/\/([^/?#]+)/i.exec(String(template ?? '').trim());
  if (!m) return null;
  const [, scheme, hostPort] = m as unknown as [string, string, string];
  const labels = hostPort.split('.');
  const lastTemplated = labels.map((l) => l.includes('{')).lastIndexOf(true);
  const host = lastTemplated < 0 ? hostPort : ['*', ...labels.slice(lastTemplated + 1)].join('.');
  if (host === '*' || /[{}]/.test(host)) return `${scheme.toLowerCase()}:`;
  return `${scheme.toLowerCase()}://${host}`;
}

/** Where the browser opens Socket.io: the API's origin over HTTP(S) and WS(S). Empty: this site ('self'). */
export function liveSources(liveUrl: string | undefined): string[] {
  const value = String(liveUrl ?? '').trim();
  if (!value) return [];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [];
  const ws = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return [`${url.protocol}//${url.host}`, `${ws}//${url.host}`];
}

export interface ConsolePolicyInput {
  /** From inlineScriptHashes() of the page. */
  scriptHashes: string[];
  /** runtimeConfig.public.mapTilesUrl */
  mapTilesUrl?: string;
  /** runtimeConfig.public.liveUrl */
  liveUrl?: string;
}

/**
 * The console's Content-Security-Policy. Scripts: this site's bundles plus the page's own inline
 * scripts by hash (no 'unsafe-inline', no eval). Styles keep 'unsafe-inline': Vue and Reka UI render
 * style attributes and Leaflet positions its panes with them. Images: this site, data:/blob: (Leaflet,
 * icons) and the map's tile server. Connections: this site (the API proxy) and the live Socket.io origin.
 * Never framed.
 */
export function consoleContentSecurityPolicy(input: ConsolePolicyInput): string {
  const tiles = tileSource(input.mapTilesUrl);
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...input.scriptHashes]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', ...(tiles ? [tiles] : [])]],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...liveSources(input.liveUrl)]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}
