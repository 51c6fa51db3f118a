import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The host functions behind the sandbox's `require('crypto')`: pure functions of bytes (hex
 * strings in and out), computed with Node's crypto. They keep no state between calls, so a
 * decoder cannot hold host resources; chaining, padding and counters are the sandbox's.
 */

const HASHES = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
/** Largest input of one host call (a decoder handles a frame of at most a few kilobytes). */
const MAX_BYTES = 1024 * 1024;

function input(hex: string, what: string): Buffer {
  if (hex.length > MAX_BYTES * 2) throw new RangeError(`${what} larger than ${MAX_BYTES} bytes`);
  return Buffer.from(hex, 'hex');
}

function aesName(key: Buffer, mode: 'ecb' | 'cbc' | 'ctr'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new RangeError('Invalid key length');
  return `aes-${key.length * 8}-${mode}`;
}

/** Whole blocks through AES-ECB or AES-CBC without padding. */
export function aes(mode: string, encrypt: boolean, keyHex: string, ivHex: string, dataHex: string): string {
  if (mode !== 'ecb' && mode !== 'cbc') throw new Error(`unsupported AES mode ${mode}`);
  const key = input(keyHex, 'key');
  const data = input(dataHex, 'data');
  const iv = mode === 'ecb' ? null : input(ivHex, 'iv');
  const c = encrypt ? createCipheriv(aesName(key, mode), key, iv) : createDecipheriv(aesName(key, mode), key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]).toString('hex');
}

/** AES-CTR from byte `offset` of the key stream that starts at counter block `iv` (128-bit big-endian). */
export function aesCtr(keyHex: string, ivHex: string, offset: number, dataHex: string): string {
  const key = input(keyHex, 'key');
  const data = input(dataHex, 'data');
  const iv = input(ivHex, 'iv');
  if (iv.length !== 16) throw new Error('Invalid initialization vector');
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('bad counter offset');
  const counter = (BigInt(`0x${iv.toString('hex')}`) + BigInt(Math.floor(offset / 16))) & ((1n << 128n) - 1n);
  const start = Buffer.from(counter.toString(16).padStart(32, '0'), 'hex');
  const skip = offset % 16;
  const c = createCipheriv(aesName(key, 'ctr'), key, start);
  const out = Buffer.concat([c.update(Buffer.concat([Buffer.alloc(skip), data])), c.final()]);
  return out.subarray(skip).toString('hex');
}

function hashName(alg: string): string {
  if (!HASHES.has(alg)) throw new Error(`Digest method not supported: ${alg}`);
  return alg;
}

export function hash(alg: string, dataHex: string): string {
  return createHash(hashName(alg)).update(input(dataHex, 'data')).digest('hex');
}

export function hmac(alg: string, keyHex: string, dataHex: string): string {
  return createHmac(hashName(alg), input(keyHex, 'key')).update(input(dataHex, 'data')).digest('hex');
}

function shiftLeft(b: Buffer): Buffer {
  const out = Buffer.alloc(b.length);
  for (let i = 0; i < b.length; i++) out[i] = ((b[i] << 1) & 0xff) | (i + 1 < b.length ? b[i + 1] >> 7 : 0);
  return out;
}

function ecb(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv(aesName(key, 'ecb'), key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** AES-CMAC (RFC 4493) on Node's AES-ECB. */
export function aesCmacBytes(key: Buffer, message: Buffer): Buffer {
  const subkey = (b: Buffer) => {
    const s = shiftLeft(b);
    if (b[0] & 0x80) s[15] ^= 0x87;
    return s;
  };
  const k1 = subkey(ecb(key, Buffer.alloc(16)));
  const k2 = subkey(k1);
  const n = Math.max(1, Math.ceil(message.length / 16));
  const complete = message.length > 0 && message.length % 16 === 0;
  const last = Buffer.alloc(16);
  if (complete) message.copy(last, 0, (n - 1) * 16);
  else {
    message.copy(last, 0, (n - 1) * 16);
    last[message.length - (n - 1) * 16] = 0x80;
  }
  const k = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) last[i] ^= k[i];
  let x: Buffer = Buffer.alloc(16);
  for (let i = 0; i < n - 1; i++) {
    const y = Buffer.alloc(16);
    for (let j = 0; j < 16; j++) y[j] = x[j] ^ message[i * 16 + j];
    x = ecb(key, y);
  }
  for (let j = 0; j < 16; j++) last[j] ^= x[j];
  return ecb(key, last);
}

export function cmac(keyHex: string, dataHex: string): string {
  return aesCmacBytes(input(keyHex, 'key'), input(dataHex, 'data')).toString('hex');
}

export function random(size: number): string {
  if (!Number.isInteger(size) || size < 0 || size > 65536) throw new RangeError('randomBytes: size must be 0…65536');
  return randomBytes(size).toString('hex');
}
