import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressBody, isCompressibleType, pickEncoding } from '../../server/utils/compression';

describe('pickEncoding', () => {
  it('prefers brotli, then gzip, as browsers offer them', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip, deflate')).toBe('gzip');
    expect(pickEncoding('GZIP')).toBe('gzip');
  });

  it('answers plain when nothing usable is offered', () => {
    expect(pickEncoding(undefined)).toBeNull();
    expect(pickEncoding('')).toBeNull();
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding('deflate, zstd')).toBeNull();
  });

  it('honours q-values: q=0 refuses an encoding, a higher q wins', () => {
    expect(pickEncoding('br;q=0, gzip')).toBe('gzip');
    expect(pickEncoding('br;q=0.5, gzip;q=1.0')).toBe('gzip');
    expect(pickEncoding('br;q=1, gzip;q=0.8')).toBe('br');
    expect(pickEncoding('gzip;q=0, br;q=0')).toBeNull();
  });

  it('reads the * wildcard for encodings not named', () => {
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('br;q=0, *')).toBe('gzip');
    expect(pickEncoding('*;q=0')).toBeNull();
  });
});

describe('isCompressibleType', () => {
  it('takes text, JSON, JavaScript, XML and SVG', () => {
    for (const type of [
      'text/html; charset=utf-8',
      'application/json',
      'application/problem+json',
      'text/javascript',
      'application/javascript',
      'image/svg+xml',
      'application/xml',
    ])
      expect(isCompressibleType(type), type).toBe(true);
  });

  it('leaves binary and unknown types alone', () => {
    for (const type of ['image/png', 'application/pdf', 'application/octet-stream', 'font/woff2', '', undefined, null])
      expect(isCompressibleType(type), String(type)).toBe(false);
  });
});

describe('compressBody', () => {
  const page = `<!DOCTYPE html><html><body>${'<p>Sayaç okuması</p>'.repeat(200)}</body></html>`;

  it('round-trips through brotli and gzip and makes a repetitive page much smaller', () => {
    const br = compressBody(page, 'br');
    const gz = compressBody(page, 'gzip');
    expect(brotliDecompressSync(br).toString('utf8')).toBe(page);
    expect(gunzipSync(gz).toString('utf8')).toBe(page);
    expect(br.byteLength).toBeLessThan(Buffer.byteLength(page) / 10);
    expect(gz.byteLength).toBeLessThan(Buffer.byteLength(page) / 10);
  });

  it('takes bytes as well as text', () => {
    const bytes = new TextEncoder().encode(page);
    expect(gunzipSync(compressBody(bytes, 'gzip')).toString('utf8')).toBe(page);
  });
});
