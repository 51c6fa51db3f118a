import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BASELINE_SECURITY_HEADERS,
  consoleContentSecurityPolicy,
  inlineScriptHashes,
  liveSources,
  tileSource,
} from '../../server/utils/security-headers';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** The shape of a page Nuxt 4 renders: an import map and the runtime config inline, the payload as JSON, bundles by src. */
const CONFIG =
  'window.__NUXT__={};window.__NUXT__.config={public:{liveUrl:"http://localhost:3001"},app:{baseURL:"/",buildId:"x",buildAssetsDir:"/_nuxt/",cdnURL:""}}';
const IMPORT_MAP = '{"imports":{"#entry":"/_nuxt/Bx1.js"}}';
const PAGE = `<!DOCTYPE html><html><head><script type="importmap">${IMPORT_MAP}</script>
<link rel="modulepreload" crossorigin href="/_nuxt/Bx1.js"><script type="module" src="/_nuxt/Bx1.js" crossorigin></script></head>
<body><div id="__nuxt"></div><script type="application/json" data-nuxt-data="nuxt-app" data-ssr="true" id="__NUXT_DATA__">[{"state":1},{}]</script>
<script>${CONFIG}</script></body></html>`;

describe('console security headers', () => {
  it('hashes exactly the executable inline scripts of a page (import map and config, not the JSON payload or bundles)', () => {
    const hashes = inlineScriptHashes(PAGE);
    expect(hashes.sort()).toEqual([sha(IMPORT_MAP), sha(CONFIG)].sort());
    expect(inlineScriptHashes('<p>no scripts</p>')).toEqual([]);
  });

  it('allows the map tile server, including subdomain templates', () => {
    expect(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://tile.openstreetmap.org');
    expect(tileSource('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://*.tile.openstreetmap.org');
    expect(tileSource('http://tiles.local:8080/{z}/{x}/{y}.png')).toBe('http://tiles.local:8080');
    expect(tileSource('/tiles/{z}/{x}/{y}.png')).toBeNull();
    expect(tileSource('')).toBeNull();
  });

  it('allows the live Socket.io origin over HTTP and WebSocket', () => {
    expect(liveSources('http://localhost:3001')).toEqual(['http://localhost:3001', 'ws://localhost:3001']);
    expect(liveSources('https://api.example.com/')).toEqual(['https://api.example.com', 'wss://api.example.com']);
    expect(liveSources('')).toEqual([]);
    expect(liveSources('javascript:alert(1)')).toEqual([]);
  });

  it('builds a policy without unsafe-inline or eval for scripts, never framed', () => {
    const csp = consoleContentSecurityPolicy({
      scriptHashes: inlineScriptHashes(PAGE),
      mapTilesUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      liveUrl: 'http://localhost:3001',
    });
    const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));
    expect(directive('script-src')).toBe(`script-src 'self' ${inlineScriptHashes(PAGE).join(' ')}`);
    expect(csp).not.toContain('unsafe-eval');
    expect(directive('img-src')).toContain('https://tile.openstreetmap.org');
    expect(directive('connect-src')).toBe("connect-src 'self' http://localhost:3001 ws://localhost:3001");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('default-src')).toBe("default-src 'self'");
  });

  it('sends nosniff, DENY and a referrer policy that keeps paths private', () => {
    expect(BASELINE_SECURITY_HEADERS).toEqual({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin',
    });
  });
});
