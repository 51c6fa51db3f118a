import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecoderSandbox } from './decoder-sandbox';

const input = (hex: string, fPort = 1) => ({ bytes: [...Buffer.from(hex, 'hex')], fPort, recvTime: new Date('2026-01-02T03:04:05Z') });

describe('decoder sandbox', () => {
  let sandbox: DecoderSandbox;
  beforeAll(async () => {
    sandbox = await DecoderSandbox.create({ timeoutMs: 100 });
  });
  afterAll(() => sandbox.dispose());

  it('runs a plain TS013 decoder as The Things Network device repository publishes them', () => {
    const src = `function decodeUplink(input) {
      var b = input.bytes;
      return { data: { indexM3: ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) / 1000, port: input.fPort, year: input.recvTime.getUTCFullYear() }, warnings: [], errors: [] };
    }`;
    expect(sandbox.decode('plain:1', src, input('0001e240'))).toEqual({
      data: { indexM3: 123.456, port: 1, year: 2026 },
      warnings: [],
      errors: [],
    });
  });

  it('accepts decoders assigned to globalThis', () => {
    const src = `globalThis.decodeUplink = function (input) { return { data: { n: input.bytes.length } }; };`;
    expect(sandbox.decode('global:1', src, input('0102')).data).toEqual({ n: 2 });
  });

  it('runs CommonJS codecs that use exports and Buffer, as Actility-style catalogues publish them', () => {
    const src = `
      function decodeUplink(input) {
        var buf = Buffer.from(input.bytes);
        return { data: { volume: buf.readUInt32LE(0) / 1000, hex: buf.toString('hex'), t: buf.readFloatBE(4) > 0 } };
      }
      exports.decodeUplink = decodeUplink;
      exports.extractPoints = function () { return {}; };`;
    // Wrapped so the top-level name is not visible: only exports can find it.
    const wrapped = `(function(){ ${src} })();`;
    const out = sandbox.decode('cjs:1', wrapped, input('40e2010040490fdb'));
    expect(out.errors).toEqual([]);
    expect(out.data).toEqual({ volume: 123.456, hex: '40e2010040490fdb', t: true });
  });

  it('stops an infinite loop within the time limit and keeps working afterwards', () => {
    const out = sandbox.decode('loop:1', 'function decodeUplink() { for (;;) {} }', input('00'));
    expect(out.errors[0]).toMatch(/^timeout: .*100 ms/);
    expect(sandbox.decode('plain:1', 'unused', input('00000001')).data).toMatchObject({ indexM3: 0.001 });
  });

  it('stops a memory bomb', () => {
    const out = sandbox.decode('bomb:1', 'function decodeUplink() { var s = "x"; for (;;) s = s + s; }', input('00'));
    expect(out.errors[0]).toMatch(/^memory: .*32 MiB/);
    const objects = sandbox.decode('bomb:2', 'function decodeUplink() { var a = []; for (;;) a.push({ a: [1, 2, 3] }); }', input('00'));
    expect(objects.errors[0]).toMatch(/^(memory|timeout): /);
  });

  it('turns throws, bad results and missing functions into decode errors', () => {
    expect(sandbox.decode('throw:1', 'function decodeUplink() { throw new Error("bad frame"); }', input('00')).errors[0]).toMatch(
      /bad frame/,
    );
    expect(sandbox.decode('bigint:1', 'function decodeUplink() { return { data: { n: 10n } }; }', input('00')).errors[0]).toMatch(
      /BigInt|serial/i,
    );
    expect(
      sandbox.decode('cycle:1', 'function decodeUplink() { var o = {}; o.o = o; return { data: o }; }', input('00')).errors[0],
    ).toMatch(/circular|cyclic|serial/i);
    expect(sandbox.decode('none:1', 'var x = 1;', input('00')).errors[0]).toMatch(/no decodeUplink/);
    expect(sandbox.decode('syntax:1', 'function decodeUplink( {', input('00')).errors[0]).toMatch(/failed to load/);
    expect(sandbox.decode('errors:1', 'function decodeUplink() { return { errors: ["unknown frame type"] }; }', input('00'))).toEqual({
      data: null,
      warnings: [],
      errors: ['unknown frame type'],
    });
  });

  it('gives no access to the host: no process, timers, fetch or host globals; require only of its allow-list', () => {
    const src = `function decodeUplink() { return { data: {
      process: typeof process, require: typeof require, setTimeout: typeof setTimeout, fetch: typeof fetch,
      std: typeof std, os: typeof os, globalKeys: Object.keys(globalThis).filter(function (k) { return k !== '__decode'; }).sort().join(',')
    } }; }`;
    const out = sandbox.decode('escape:1', src, input('00'));
    expect(out.data).toMatchObject({
      process: 'undefined',
      require: 'function',
      setTimeout: 'undefined',
      fetch: 'undefined',
      std: 'undefined',
      os: 'undefined',
    });
    // The helpers (console, require, TextDecoder, …) are not enumerable, as in browsers and Node.
    expect(out.data!.globalKeys).toBe('Buffer,decodeUplink,exports,module');
    for (const name of ['fs', 'child_process', 'net', 'http', 'process', 'os', 'worker_threads', 'vm']) {
      const r = sandbox.test(`function decodeUplink() { return { data: { m: typeof require(${JSON.stringify(name)}) } }; }`, input('00'));
      expect(r.errors).toEqual([
        `Error: Cannot find module '${name}' (the decoder sandbox offers require('crypto'), require('buffer') and require('node-aes-cmac'))`,
      ]);
    }
  });

  it('recompiles when the cache key changes (a new decoder version)', () => {
    expect(sandbox.decode('ver:1', 'function decodeUplink() { return { data: { v: 1 } }; }', input('00')).data).toEqual({ v: 1 });
    expect(sandbox.decode('ver:1', 'function decodeUplink() { return { data: { v: 2 } }; }', input('00')).data).toEqual({ v: 1 });
    expect(sandbox.decode('ver:2', 'function decodeUplink() { return { data: { v: 2 } }; }', input('00')).data).toEqual({ v: 2 });
    sandbox.forget('ver');
  });

  it('tests a decoder once without caching it', () => {
    const before = sandbox.size;
    expect(sandbox.test('function decodeUplink(i) { return { data: { p: i.fPort } }; }', input('00', 7)).data).toEqual({ p: 7 });
    expect(sandbox.size).toBe(before);
  });
});
