import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecoderSandbox } from './decoder-sandbox';
import { aesCmacBytes } from './sandbox-host';

const input = (bytes: number[] = [0]) => ({ bytes, fPort: 1, recvTime: new Date('2026-01-02T03:04:05Z') });

/** Runs `body` (the inside of decodeUplink, which returns data) in the sandbox; throws on decoder errors. */
function runner(sandbox: DecoderSandbox) {
  return (body: string, bytes?: number[]) => {
    const out = sandbox.test(`function decodeUplink(input) { ${body} }`, input(bytes));
    if (out.errors.length) throw new Error(out.errors.join('; '));
    return out.data!;
  };
}

describe('sandbox globals', () => {
  let sandbox: DecoderSandbox;
  let run: ReturnType<typeof runner>;
  beforeAll(async () => {
    sandbox = await DecoderSandbox.create({ timeoutMs: 1000 });
    run = runner(sandbox);
  });
  afterAll(() => sandbox.dispose());

  describe("require('crypto')", () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    // Odd lengths and chunkings: block boundaries are crossed inside update() calls.
    const plain = randomBytes(77);
    const chunks = [0, 5, 16, 33, 34, 77, 1000];
    const streamed = (op: 'createCipheriv' | 'createDecipheriv', alg: string, data: Buffer, pad = true) => `
      var crypto = require('crypto');
      var c = crypto.${op}('${alg}', Buffer.from('${key.toString('hex')}', 'hex'), ${alg.endsWith('ecb') ? 'null' : `Buffer.from('${iv.toString('hex')}', 'hex')`});
      c.setAutoPadding(${pad});
      var d = Buffer.from('${data.toString('hex')}', 'hex'), cuts = ${JSON.stringify(chunks)}, parts = [];
      for (var i = 1; i < cuts.length; i++) parts.push(c.update(d.slice(Math.min(cuts[i - 1], d.length), Math.min(cuts[i], d.length))));
      parts.push(c.final());
      return { data: { hex: Buffer.concat(parts).toString('hex') } };`;
    const node = (alg: string, data: Buffer, pad = true) => {
      const c = createCipheriv(alg, key, alg.endsWith('ecb') ? null : iv);
      c.setAutoPadding(pad);
      return Buffer.concat([c.update(data), c.final()]);
    };

    for (const alg of ['aes-128-ecb', 'aes-128-cbc', 'aes-128-ctr']) {
      it(`${alg}: encrypts as Node does, in any chunking, and decrypts back`, () => {
        const expected = node(alg, plain);
        expect(run(streamed('createCipheriv', alg, plain)).hex).toBe(expected.toString('hex'));
        expect(run(streamed('createDecipheriv', alg, expected)).hex).toBe(plain.toString('hex'));
      });
    }

    it('without padding, as wireless M-Bus mode 5 frames are (whole blocks, 2F 2F filler)', () => {
      const blocks = Buffer.concat([plain.subarray(0, 46), Buffer.from('2f2f', 'hex')]);
      for (const alg of ['aes-128-cbc', 'aes-128-ecb']) {
        const expected = node(alg, blocks, false);
        expect(run(streamed('createCipheriv', alg, blocks, false)).hex).toBe(expected.toString('hex'));
        expect(run(streamed('createDecipheriv', alg, expected, false)).hex).toBe(blocks.toString('hex'));
      }
      expect(() => run(streamed('createCipheriv', 'aes-128-cbc', plain, false))).toThrow(/wrong final block length/);
    });

    it('AES-256 and AES-192, string encodings, and Node-like errors', () => {
      const k32 = randomBytes(32);
      const c = createCipheriv('aes-256-cbc', k32, iv);
      const expected = Buffer.concat([c.update('température 21°', 'utf8'), c.final()]).toString('base64');
      expect(
        run(`var c = require('node:crypto').createCipheriv('aes-256-cbc', Buffer.from('${k32.toString('hex')}', 'hex'), Buffer.from('${iv.toString('hex')}', 'hex'));
             return { data: { b64: c.update('température 21°', 'utf8', 'base64') + c.final('base64') } };`).b64,
      ).toBe(expected);
      expect(() => run(`require('crypto').createCipheriv('aes-128-cbc', Buffer.alloc(15), Buffer.alloc(16));`)).toThrow(
        /Invalid key length/,
      );
      expect(() => run(`require('crypto').createCipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(8));`)).toThrow(
        /Invalid initialization vector/,
      );
      expect(() => run(`require('crypto').createCipheriv('aes-128-gcm', Buffer.alloc(16), Buffer.alloc(12));`)).toThrow(
        /Unsupported cipher/,
      );
      const bad = node('aes-192-cbc'.replace('192', '128'), Buffer.from('x'));
      bad[bad.length - 1] ^= 1;
      expect(() =>
        run(`var d = require('crypto').createDecipheriv('aes-128-cbc', Buffer.from('${key.toString('hex')}', 'hex'), Buffer.from('${iv.toString('hex')}', 'hex'));
             d.update(Buffer.from('${bad.toString('hex')}', 'hex')); d.final();`),
      ).toThrow(/bad decrypt/);
      const k24 = randomBytes(24);
      const c24 = createCipheriv('aes-192-ctr', k24, iv);
      expect(
        run(`var c = require('crypto').createCipheriv('aes-192-ctr', Buffer.from('${k24.toString('hex')}', 'hex'), Buffer.from('${iv.toString('hex')}', 'hex'));
             return { data: { hex: c.update('0102030405', 'hex', 'hex') + c.final('hex') } };`).hex,
      ).toBe(Buffer.concat([c24.update(Buffer.from('0102030405', 'hex')), c24.final()]).toString('hex'));
    });

    it('AES-CTR counters carry across all 128 bits, as Node does', () => {
      const top = Buffer.from('00000000000000ffffffffffffffffff', 'hex');
      const c = createCipheriv('aes-128-ctr', key, top);
      const expected = Buffer.concat([c.update(plain), c.final()]).toString('hex');
      expect(
        run(`var c = require('crypto').createCipheriv('aes-128-ctr', Buffer.from('${key.toString('hex')}', 'hex'), Buffer.from('${top.toString('hex')}', 'hex'));
             var d = Buffer.from('${plain.toString('hex')}', 'hex');
             return { data: { hex: Buffer.concat([c.update(d.slice(0, 7)), c.update(d.slice(7, 40)), c.update(d.slice(40)), c.final()]).toString('hex') } };`)
          .hex,
      ).toBe(expected);
    });

    it('createHash (md5, sha1, sha256) and createHmac as Node computes them', () => {
      const data = plain.toString('hex');
      for (const alg of ['md5', 'sha1', 'sha256', 'sha512']) {
        const out = run(`var c = require('crypto');
          return { data: {
            hash: c.createHash('${alg}').update(Buffer.from('${data}', 'hex').slice(0, 10)).update(Buffer.from('${data}', 'hex').slice(10)).digest('hex'),
            text: c.createHash('${alg.toUpperCase()}').update('meter 42', 'utf8').digest('base64'),
            hmac: c.createHmac('${alg}', 'secret').update('${data}', 'hex').digest('hex'),
          } };`);
        expect(out).toEqual({
          hash: createHash(alg).update(plain).digest('hex'),
          text: createHash(alg).update('meter 42').digest('base64'),
          hmac: createHmac(alg, 'secret').update(plain).digest('hex'),
        });
      }
      expect(() => run(`require('crypto').createHash('whirlpool')`)).toThrow(/Digest method not supported/);
    });

    it("AES-CMAC (RFC 4493's vectors) through require('node-aes-cmac')", () => {
      const k = '2b7e151628aed2a6abf7158809cf4f3c';
      const m =
        '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';
      // The four examples of RFC 4493 section 4 (lengths 0, 16, 40 and 64).
      const vectors: [number, string][] = [
        [0, 'bb1d6929e95937287fa37d129b756746'],
        [16, '070a16b46b4d4144f79bdd9dd04a287c'],
        [40, 'dfa66747de9ae63030ca32611497c827'],
        [64, '51f0bebf7e3b9d92fc49741779363cfe'],
      ];
      for (const [len, mac] of vectors) {
        expect(aesCmacBytes(Buffer.from(k, 'hex'), Buffer.from(m, 'hex').subarray(0, len)).toString('hex')).toBe(mac);
        expect(
          run(`var cmac = require('node-aes-cmac').aesCmac;
               return { data: { mac: cmac(Buffer.from('${k}', 'hex'), Buffer.from('${m}', 'hex').slice(0, ${len})), buf: cmac(Buffer.from('${k}', 'hex'), Buffer.from('${m}', 'hex').slice(0, ${len}), { returnAsBuffer: true }).length } };`),
        ).toEqual({ mac, buf: 16 });
      }
    });
  });

  it("require('buffer') is the Buffer the prelude loaded; other names fail only when called", () => {
    expect(
      run(`var b = require('buffer'); return { data: { same: b.Buffer === Buffer, viaNode: require('node:buffer').Buffer === Buffer } };`),
    ).toEqual({ same: true, viaNode: true });
    // A codec that requires something on a path it never takes still loads and decodes.
    const src = `function decodeUplink(input) { if (input.bytes[0] === 0xff) { var fs = require('fs'); } return { data: { ok: true } }; }`;
    expect(sandbox.test(src, input([1])).data).toEqual({ ok: true });
    expect(sandbox.test(src, input([0xff])).errors[0]).toMatch(/^Error: Cannot find module 'fs'/);
  });

  it('TextDecoder and TextEncoder (utf-8, ascii, utf-16le), atob and btoa', () => {
    const text = 'Zähler №7 – 水';
    const bytes = [...Buffer.from(text, 'utf8')];
    expect(
      run(
        `var td = new TextDecoder(), te = new TextEncoder();
         var u8 = new Uint8Array(input.bytes);
         return { data: {
           utf8: td.decode(u8), sub: td.decode(u8.subarray(0, 5)), encoding: td.encoding, ascii: new TextDecoder('ascii').decode(new Uint8Array([0x57, 0x4d, 0x2d, 0x31])),
           buf: td.decode(u8.buffer), bom: td.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), utf16: new TextDecoder('utf-16le').decode(new Uint8Array([0x41, 0, 0x42, 0])),
           encoded: Array.prototype.slice.call(te.encode('Zä')), isU8: te.encode('x') instanceof Uint8Array,
           btoa: btoa('\\x00\\xffmeter'), atob: atob(' AP9t ZXRlcg== '), round: atob(btoa('abc')),
           fatal: (function () { try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xc3])); return 'no'; } catch (e) { return e.name; } })(),
           bad: (function () { try { atob('a'); return 'no'; } catch (e) { return e.name; } })(),
         } };`,
        bytes,
      ),
    ).toEqual({
      utf8: text,
      sub: Buffer.from(bytes.slice(0, 5)).toString('utf8'),
      encoding: 'utf-8',
      ascii: 'WM-1',
      buf: text,
      bom: 'A',
      utf16: 'AB',
      encoded: [...Buffer.from('Zä')],
      isU8: true,
      btoa: Buffer.from('\x00\xffmeter', 'latin1').toString('base64'),
      atob: '\x00\xffmeter',
      round: 'abc',
      fatal: 'TypeError',
      bad: 'InvalidCharacterError',
    });
  });

  it('console: captured per call, formatted like Node, bounded to 50 lines of 500 characters', () => {
    const src = `function decodeUplink(input) {
      console.log('frame', input.bytes.length, 'bytes', { port: input.fPort, u: undefined }, [1, 2]);
      console.info('%s is %d%%', 'battery', 87.5);
      console.warn(Buffer.from([1, 2, 255]));
      console.error(new Error('odd flag'));
      console.debug(new Uint8Array([9, 8]), null, undefined, true);
      if (input.bytes[0] === 1) { for (var i = 0; i < 120; i++) console.log(i, 'x'.repeat(1000)); }
      return { data: { n: input.bytes.length } };
    }`;
    const out = sandbox.decode('console:1', src, input([0, 0]));
    expect(out.logs).toEqual([
      'frame 2 bytes {"port":1,"u":null} [1,2]',
      'info: battery is 87.5%',
      'warn: <Buffer 01 02 ff>',
      'error: Error: odd flag',
      'debug: Uint8Array(2) [ 9, 8 ] null undefined true',
    ]);
    // Each call has its own lines.
    const many = sandbox.decode('console:1', src, input([1]));
    expect(many.logs).toHaveLength(51);
    expect(many.logs!.slice(0, 50).every((l) => l.length <= 500)).toBe(true);
    expect(many.logs![5]).toMatch(/^0 x{100,}…$/);
    expect(many.logs![50]).toBe('… 75 more console lines not kept (at most 50 per call)');
    expect(sandbox.decode('console:1', 'unused', input([0])).logs).toHaveLength(5);
    // A decoder without console output answers without logs; top-level lines come with the first call.
    expect(sandbox.test('function decodeUplink() { return { data: {} }; }', input()).logs).toBeUndefined();
    expect(
      sandbox.test('console.log("loaded"); function decodeUplink() { console.log("call"); return { data: {} }; }', input()).logs,
    ).toEqual(['loaded', 'call']);
    // Lines written before a throw are kept with the error.
    expect(sandbox.test('function decodeUplink() { console.log("before"); throw new TypeError("no"); }', input())).toEqual({
      data: null,
      warnings: [],
      errors: ['TypeError: no'],
      logs: ['before'],
    });
  });

  it('finds decoders under every name vendors publish them', () => {
    const shapes: Record<string, string> = {
      declared: 'function decodeUplink(i) { return { data: { via: "declared" } }; }',
      lexical: 'const decodeUplink = (i) => ({ data: { via: "lexical" } });',
      global: 'globalThis.decodeUplink = function () { return { data: { via: "global" } }; };',
      exports: 'exports.decodeUplink = function () { return { data: { via: "exports" } }; };',
      moduleExports: 'module.exports = { decodeUplink: function () { return { data: { via: "moduleExports" } }; } };',
      functionExport: 'module.exports = function () { return { data: { via: "functionExport" } }; };',
      exportsDriver: '(function () { exports.driver = { decodeUplink: function () { return { data: { via: "exportsDriver" } }; } }; })();',
      moduleExportsDriver: 'module.exports.driver = { decodeUplink: function () { return { data: { via: "moduleExportsDriver" } }; } };',
      driver: 'var driver = { decodeUplink: function () { return { data: { via: "driver" } }; } };',
      globalDriver: 'globalThis.driver = { decodeUplink: function () { return { data: { via: "globalDriver" } }; } };',
      esModule: 'const VIA = "esModule";\nexport function decodeUplink(input) { return { data: { via: VIA } }; }\nexport const other = 1;',
      esDefault: 'export default function decodeUplink(input) { return { data: { via: "esDefault" } }; }',
      esList:
        'function decode(input) { return { data: { via: "esList" } }; }\nconst decodeUplink = decode;\nexport { decodeUplink, decode };',
    };
    for (const [via, src] of Object.entries(shapes))
      expect(sandbox.test(src, input()), via).toEqual({ data: { via }, warnings: [], errors: [] });
  });

  it('undefined properties become null; warnings and errors are kept up to 100 × 1000 characters', () => {
    expect(
      sandbox.test('function decodeUplink() { return { data: { a: undefined, b: { c: undefined, d: 1 }, e: [undefined, 2] } }; }', input()),
    ).toEqual({
      data: { a: null, b: { c: null, d: 1 }, e: [null, 2] },
      warnings: [],
      errors: [],
    });
    const out = sandbox.test(
      'function decodeUplink() { var w = []; for (var i = 0; i < 150; i++) w.push("w" + i + "-" + "y".repeat(1200)); return { data: { x: 1 }, warnings: w, errors: [] }; }',
      input(),
    );
    expect(out.warnings).toHaveLength(100);
    expect(out.warnings[99]).toMatch(/^w99-y+…$/);
    expect(out.warnings[0]).toHaveLength(1000);
    const huge = sandbox.test('function decodeUplink() { return { data: { s: "x".repeat(300000) } }; }', input());
    expect(huge.errors).toEqual(['decoder result larger than 262144 characters']);
  });
});
