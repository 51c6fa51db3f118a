import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Compression of the console's dynamic answers (issue 21): rendered pages and the i18n messages route.
 * Static assets are compressed once at build time (nitro.compressPublicAssets); these are built per request.
 */

export type ContentEncoding = 'br' | 'gzip';

/** Below this a compressed body saves less than its headers and the CPU cost (nitro's own threshold for assets). */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * The encoding to answer with for a request's Accept-Encoding: brotli when it is taken, else gzip, else none.
 * Honours q=0 ("not acceptable") and the `*` wildcard.
 */
export function pickEncoding(acceptEncoding: string | undefined | null): ContentEncoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: ContentEncoding) => weights.get(name) ?? weights.get('*') ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return null;
}

/** Text-like content types worth compressing (HTML, JSON, JavaScript, CSS, SVG, XML, plain text). */
export function isCompressibleType(contentType: string | undefined | null): boolean {
  const type = String(contentType ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  return /^text\//.test(type) || /[/+](json|javascript|xml)$/.test(type) || type === 'image/svg+xml';
}

/** The body compressed; brotli at a middle quality, since a page is compressed on every request. */
export function compressBody(body: string | Uint8Array, encoding: ContentEncoding): Buffer {
  const input = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return encoding === 'br'
    ? brotliCompressSync(input, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 5,
          [constants.BROTLI_PARAM_SIZE_HINT]: input.byteLength,
        },
      })
    : gzipSync(input, { level: 6 });
}
