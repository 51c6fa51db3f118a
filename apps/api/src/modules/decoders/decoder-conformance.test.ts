import { createCipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodersService } from './decoders.service';

/**
 * Codecs written in the shapes vendors publish them, run as the worker runs them: through the
 * decoder threads of DecodersService, each with the output its vendor's example vector expects.
 */

const recvTime = new Date('2026-03-14T09:26:53Z');
const uplink = (hex: string, fPort: number | null = 1) => ({ bytes: [...Buffer.from(hex.replace(/\s/g, ''), 'hex')], fPort, recvTime });
let version = 0;
const scenario = (decoderSource: string) => ({ id: 'conformance', version: ++version, decoderSource });

describe('decoder conformance (vendor codec shapes, through the decoder threads)', () => {
  let decoders: DecodersService;
  beforeAll(() => {
    decoders = new DecodersService();
  });
  afterAll(() => decoders.onModuleDestroy());

  it('a webpack bundle that assigns its exports to globalThis', async () => {
    // What `webpack --target web` makes of a TypeScript codec of two modules (output.globalObject: 'globalThis').
    const bundle = `/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({
/***/ "./src/frame.ts":
/***/ ((__unused_webpack_module, exports) => {
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.readUInt32LE = exports.ALARMS = void 0;
exports.ALARMS = ["leak", "burst", "tamper", "lowBattery"];
const readUInt32LE = (b, o) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
exports.readUInt32LE = readUInt32LE;
/***/ }),
/***/ "./src/index.ts":
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.decodeUplink = decodeUplink;
const frame_1 = __webpack_require__("./src/frame.ts");
function decodeUplink(input) {
    if (input.bytes[0] !== 0x01) return { errors: ["unknown frame type " + input.bytes[0]] };
    const alarms = {};
    frame_1.ALARMS.forEach((name, i) => { alarms[name] = (input.bytes[6] & (1 << i)) !== 0; });
    return { data: { indexM3: (0, frame_1.readUInt32LE)(input.bytes, 1) / 1000, batteryPct: input.bytes[5], alarms }, warnings: [], errors: [] };
}
/***/ })
/******/ 	});
/******/ 	var __webpack_module_cache__ = {};
/******/ 	function __webpack_require__(moduleId) {
/******/ 		var cachedModule = __webpack_module_cache__[moduleId];
/******/ 		if (cachedModule !== undefined) return cachedModule.exports;
/******/ 		var module = __webpack_module_cache__[moduleId] = { exports: {} };
/******/ 		__webpack_modules__[moduleId](module, module.exports, __webpack_require__);
/******/ 		return module.exports;
/******/ 	}
/******/ 	var __webpack_exports__ = __webpack_require__("./src/index.ts");
/******/ 	globalThis.decodeUplink = __webpack_exports__.decodeUplink;
/******/ })();`;
    const s = scenario(bundle);
    // 0x0001E240 = 123456 litres, battery 87 %, alarms 0b0101 = leak and tamper.
    expect(await decoders.decode(s, uplink('01 40E20100 57 05'))).toEqual({
      data: { indexM3: 123.456, batteryPct: 87, alarms: { leak: true, burst: false, tamper: true, lowBattery: false } },
      warnings: [],
      errors: [],
    });
    expect(await decoders.decode(s, uplink('02'))).toEqual({ data: null, warnings: [], errors: ['unknown frame type 2'] });
  });

  it('CommonJS with exports.driver = { decodeUplink } (the Actility driver convention), and a top-level `driver`', async () => {
    const actility = `'use strict';
function decodeUplink(input) {
  var b = Buffer.from(input.bytes);
  var type = b.readUInt8(0);
  if (type === 0x10) return { data: { indexM3: b.readUInt32BE(1) / 100, temperatureC: b.readInt16BE(5) / 10, valve: b[7] ? 'OPEN' : 'CLOSED' } };
  return { data: {}, warnings: ['frame type ' + type + ' ignored'] };
}
function extractPoints(input) { return { volume: input.message.indexM3 }; }
exports.driver = { decodeUplink: decodeUplink, extractPoints: extractPoints };`;
    // 0x0012D687 = 1234567 → 12345.67 m³; 0xFF38 = -200 → -20.0 °C.
    expect(await decoders.decode(scenario(`(function(){ ${actility} })();`), uplink('10 0012D687 FF38 01'))).toEqual({
      data: { indexM3: 12345.67, temperatureC: -20, valve: 'OPEN' },
      warnings: [],
      errors: [],
    });
    const globalDriver = `var driver = (function () { return { decodeUplink: function (input) { return { data: { first: input.bytes[0] } }; } }; })();`;
    expect((await decoders.decode(scenario(globalDriver), uplink('2a'))).data).toEqual({ first: 42 });
  });

  it("top-level require('crypto') decrypting an AES-128-CTR wireless M-Bus telegram (ELL, CI 0x8D) with a known key", async () => {
    const key = Buffer.from('0102030405060708090A0B0C0D0E0F11', 'hex');
    // Header: L, C=0x44 (SND_NR), M=0x2D2C (KAM), A = id 12345678 (BCD, little-endian), version 0x1B, type 0x16 (cold water).
    const header = Buffer.from('442D2C78563412' + '1B16', 'hex');
    const cc = 0x20;
    const acc = 0x5e;
    const sn = Buffer.from('a1b2c3d4', 'hex');
    // Application data: CI 0x78 then DIF/VIF records: volume 04 13 (litres, 32 bit), error flags 02 FD 17, on-time 04 6D (date, type F).
    const application = Buffer.from('78' + '0413' + '40E20100' + '02FD17' + '0000' + '046D' + '1A0B6E35', 'hex');
    const crc = Buffer.from('beef', 'hex'); // the payload CRC the codec does not check
    const plaintext = Buffer.concat([crc, application]);
    // IV of the extended link layer: M, A, CC, SN, FN=0000, BC=00.
    const iv = Buffer.concat([header.subarray(1, 9), Buffer.from([cc]), sn, Buffer.from('000000', 'hex')]);
    const c = createCipheriv('aes-128-ctr', key, iv);
    const encrypted = Buffer.concat([c.update(plaintext), c.final()]);
    const body = Buffer.concat([header, Buffer.from([0x8d, cc, acc]), sn, encrypted]);
    const telegram = Buffer.concat([Buffer.from([body.length]), body]);
    expect(encrypted.subarray(2).equals(application)).toBe(false);

    const codec = `const crypto = require('crypto');
const KEY = Buffer.from('0102030405060708090A0B0C0D0E0F11', 'hex');
function manufacturer(m) { return String.fromCharCode(((m >> 10) & 0x1f) + 64, ((m >> 5) & 0x1f) + 64, (m & 0x1f) + 64); }
function bcd(b) { var s = ''; for (var i = b.length - 1; i >= 0; i--) s += (b[i] >> 4).toString(16) + (b[i] & 0x0f).toString(16); return s; }
function decodeUplink(input) {
  var t = Buffer.from(input.bytes);
  if (t[10] !== 0x8d) return { errors: ['not an ELL telegram (CI ' + t[10].toString(16) + ')'] };
  var iv = Buffer.concat([t.slice(2, 10), t.slice(11, 12), t.slice(13, 17), Buffer.alloc(3)]);
  var d = crypto.createDecipheriv('aes-128-ctr', KEY, iv);
  var p = Buffer.concat([d.update(t.slice(17)), d.final()]);
  if (p[2] !== 0x78) return { errors: ['decryption failed (wrong key?)'] };
  var data = { meterId: bcd(t.slice(4, 8)), manufacturer: manufacturer(t.readUInt16LE(2)), version: t[8], medium: t[9] === 0x16 ? 'cold water' : 'other' };
  for (var i = 3; i < p.length;) {
    var dif = p[i], vif = p[i + 1];
    if (dif === 0x04 && vif === 0x13) { data.indexM3 = p.readUInt32LE(i + 2) / 1000; i += 6; }
    else if (dif === 0x02 && vif === 0xfd && p[i + 2] === 0x17) { data.errorFlags = p.readUInt16LE(i + 3); i += 5; }
    else if (dif === 0x04 && vif === 0x6d) {
      var year = ((p[i + 4] & 0xe0) >> 5) | ((p[i + 5] & 0xf0) >> 1);
      data.meterTime = new Date(Date.UTC(2000 + year, (p[i + 5] & 0x0f) - 1, p[i + 4] & 0x1f, p[i + 3] & 0x1f, p[i + 2] & 0x3f)).toISOString();
      i += 6;
    } else break;
  }
  return { data: data, warnings: [], errors: [] };
}`;
    // Type F date 0x356E0B1A: minute 26, hour 11, day 14, month 5, year 0b0011011 = 27 → 2027-05-14 11:26.
    expect(await decoders.decode(scenario(codec), uplink(telegram.toString('hex')))).toEqual({
      data: {
        meterId: '12345678',
        manufacturer: 'KAM',
        version: 0x1b,
        medium: 'cold water',
        indexM3: 123.456,
        errorFlags: 0,
        meterTime: '2027-05-14T11:26:00.000Z',
      },
      warnings: [],
      errors: [],
    });
    // Another key decrypts to garbage: the codec says so.
    const wrongKey = codec.replace('0102030405060708090A0B0C0D0E0F11', '0102030405060708090A0B0C0D0E0F12');
    expect((await decoders.decode(scenario(wrongKey), uplink(telegram.toString('hex')))).errors).toEqual([
      'decryption failed (wrong key?)',
    ]);
  });

  it('console.log in the hot path: the lines come back with the result', async () => {
    const codec = `function decodeUplink(input) {
  console.log('decoding', input.bytes.length, 'bytes on port', input.fPort);
  var sum = 0;
  for (var i = 0; i < input.bytes.length; i++) { console.debug('byte', i, '=', input.bytes[i].toString(16)); sum += input.bytes[i]; }
  if (sum > 255) console.warn('checksum overflow', sum);
  return { data: { sum: sum & 0xff } };
}`;
    const s = scenario(codec);
    expect(await decoders.decode(s, uplink('ff02', 3))).toEqual({
      data: { sum: 1 },
      warnings: [],
      errors: [],
      logs: ['decoding 2 bytes on port 3', 'debug: byte 0 = ff', 'debug: byte 1 = 2', 'warn: checksum overflow 257'],
    });
    // The next call of the cached decoder has its own lines only.
    expect((await decoders.decode(s, uplink('01', 3))).logs).toEqual(['decoding 1 bytes on port 3', 'debug: byte 0 = 1']);
  });

  it('TextDecoder for an ASCII serial number field', async () => {
    const codec = `function decodeUplink(input) {
  var bytes = new Uint8Array(input.bytes);
  var serial = new TextDecoder('ascii').decode(bytes.subarray(1, 1 + bytes[0]));
  var firmware = new TextDecoder().decode(bytes.subarray(1 + bytes[0])).replace(/\\0+$/, '');
  return { data: { serial: serial, firmware: firmware } };
}`;
    const serial = Buffer.from('WM-2026-0042', 'ascii');
    const frame = Buffer.concat([Buffer.from([serial.length]), serial, Buffer.from('v1.4.2\0\0', 'utf8')]);
    expect((await decoders.decode(scenario(codec), uplink(frame.toString('hex')))).data).toEqual({
      serial: 'WM-2026-0042',
      firmware: 'v1.4.2',
    });
  });

  it('recvTime: a frame that carries the age of its reading', async () => {
    const codec = `function decodeUplink(input) {
  var ageMinutes = (input.bytes[0] << 8) | input.bytes[1];
  var at = new Date(input.recvTime.getTime() - ageMinutes * 60000);
  return { data: { measuredAt: at.toISOString(), receivedHourUtc: input.recvTime.getUTCHours(), isDate: input.recvTime instanceof Date } };
}`;
    // 0x005A = 90 minutes before 09:26:53.
    expect((await decoders.decode(scenario(codec), uplink('005a'))).data).toEqual({
      measuredAt: '2026-03-14T07:56:53.000Z',
      receivedHourUtc: 9,
      isDate: true,
    });
  });

  it('encodeDownlink and decodeDownlink of one scenario round-trip, beside its decodeUplink', async () => {
    const codec = `var COMMANDS = { OPEN: 1, CLOSED: 2 };
function decodeUplink(input) { return { data: { valve: input.bytes[0] === 1 ? 'OPEN' : 'CLOSED' } }; }
function encodeDownlink(input) {
  var code = COMMANDS[input.data.valve];
  if (!code) return { errors: ['unknown valve state ' + input.data.valve] };
  var interval = input.data.intervalMinutes || 0;
  return { bytes: [code, interval >> 8, interval & 0xff], fPort: 2, warnings: interval ? [] : ['reporting interval unchanged'], errors: [] };
}
function decodeDownlink(input) {
  if (input.fPort !== 2) return { errors: ['unknown port ' + input.fPort] };
  var interval = (input.bytes[1] << 8) | input.bytes[2];
  return { data: { valve: input.bytes[0] === 1 ? 'OPEN' : 'CLOSED', intervalMinutes: interval || undefined }, warnings: [], errors: [] };
}`;
    const encoded = await decoders.call('encodeDownlink', codec, { data: { valve: 'CLOSED', intervalMinutes: 720 } });
    expect(encoded).toEqual({ bytes: [2, 0x02, 0xd0], fPort: 2, warnings: [], errors: [] });
    expect(await decoders.call('decodeDownlink', codec, { bytes: encoded.bytes!, fPort: encoded.fPort })).toEqual({
      data: { valve: 'CLOSED', intervalMinutes: 720 },
      warnings: [],
      errors: [],
    });
    // An interval of 0 comes back as undefined, which the result keeps as null.
    const open = await decoders.call('encodeDownlink', codec, { data: { valve: 'OPEN' } });
    expect(open).toEqual({ bytes: [1, 0, 0], fPort: 2, warnings: ['reporting interval unchanged'], errors: [] });
    expect((await decoders.call('decodeDownlink', codec, { bytes: open.bytes!, fPort: 2 })).data).toEqual({
      valve: 'OPEN',
      intervalMinutes: null,
    });
    expect(await decoders.call('encodeDownlink', codec, { data: { valve: 'AJAR' } })).toEqual({
      bytes: null,
      fPort: null,
      warnings: [],
      errors: ['unknown valve state AJAR'],
    });
    expect((await decoders.call('decodeUplink', codec, uplink('01'))).data).toEqual({ valve: 'OPEN' });
    // A decoder without a downlink codec says so.
    expect((await decoders.call('encodeDownlink', 'function decodeUplink() { return { data: {} }; }', { data: {} })).errors).toEqual([
      'decoder defines no encodeDownlink(input) function',
    ]);
    expect(
      (await decoders.call('encodeDownlink', 'function encodeDownlink() { return { bytes: [1, 300] }; }', { data: {} })).errors,
    ).toEqual(['encodeDownlink must return bytes: an array of integers 0…255']);
  });

  it('undefined properties become null, as The Things Stack shows them', async () => {
    const codec = `function decodeUplink(input) {
  var flags = input.bytes[0];
  return { data: { leak: flags & 1 ? true : undefined, battery: { pct: input.bytes[1], voltage: undefined }, history: [input.bytes[2], undefined] } };
}`;
    expect(await decoders.decode(scenario(codec), uplink('0050ff'))).toEqual({
      data: { leak: null, battery: { pct: 80, voltage: null }, history: [255, null] },
      warnings: [],
      errors: [],
    });
  });
});
