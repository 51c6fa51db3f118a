/**
 * What vendors' codecs expect of their host, written as plain JavaScript that runs inside QuickJS
 * after the Buffer prelude and before the decoder: `console` (captured), `require` of an allow-list
 * (`crypto`, `buffer`, `node-aes-cmac`), `TextDecoder`/`TextEncoder`, `atob`/`btoa`, and the entry
 * points the host calls (`__water.run`). Cryptography goes through host functions (`__host`) that
 * only take and return bytes (hex strings); everything stateful (cipher chaining, padding, counters,
 * hash chunks) lives in the sandbox, so nothing outlives a decoder but its own QuickJS memory.
 */

/** Console lines kept per call, and characters per line. */
export const LOG_MAX_LINES = 50;
export const LOG_MAX_CHARS = 500;
/** Largest result (JSON text) a decoder may return. */
export const RESULT_MAX_CHARS = 256 * 1024;

export const SANDBOX_GLOBALS = String.raw`
(function (host, bufferModule) {
  'use strict';
  var G = globalThis;
  var Buffer = bufferModule.Buffer;
  function def(name, value) {
    Object.defineProperty(G, name, { value: value, writable: true, configurable: true, enumerable: false });
  }

  // ─── console: captured per call, bounded ───────────────────────────────────────────
  var MAX_LINES = ${LOG_MAX_LINES}, MAX_CHARS = ${LOG_MAX_CHARS};
  var logs = [], dropped = 0;
  function show(v) {
    if (typeof v === 'string') return v;
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return '[Function' + (v.name ? ': ' + v.name : '') + ']';
    if (typeof v === 'bigint') return String(v) + 'n';
    if (typeof v === 'symbol') return v.toString();
    if (v instanceof Error) return v.name + ': ' + v.message;
    if (Buffer.isBuffer(v)) return '<Buffer ' + v.toString('hex', 0, 64).replace(/(..)(?!$)/g, '$1 ') + (v.length > 64 ? ' …' : '') + '>';
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      var items = Array.prototype.slice.call(v, 0, 64).join(', ');
      return v.constructor.name + '(' + v.length + ') [ ' + items + (v.length > 64 ? ', …' : '') + ' ]';
    }
    if (v !== null && typeof v === 'object') {
      try {
        var s = JSON.stringify(v, function (k, x) { return typeof x === 'bigint' ? String(x) + 'n' : x === undefined ? null : x; });
        if (s !== undefined) return s;
      } catch (e) {}
      return Object.prototype.toString.call(v);
    }
    return String(v);
  }
  function format(args) {
    var out = [], i = 0;
    if (typeof args[0] === 'string' && args.length > 1 && args[0].indexOf('%') >= 0) {
      i = 1;
      out.push(args[0].replace(/%[sdifjoOc%]/g, function (m) {
        if (m === '%%') return '%';
        if (i >= args.length) return m;
        var a = args[i++];
        switch (m) {
          case '%s': return typeof a === 'string' ? a : show(a);
          case '%d': return typeof a === 'bigint' ? a + 'n' : String(Number(a));
          case '%i': return typeof a === 'bigint' ? a + 'n' : String(parseInt(a, 10));
          case '%f': return String(parseFloat(a));
          case '%c': return '';
          default: return show(a);
        }
      }));
    } else if (args.length) {
      out.push(show(args[0]));
      i = 1;
    }
    for (; i < args.length; i++) out.push(show(args[i]));
    return out.join(' ');
  }
  function write(prefix, args) {
    if (logs.length >= MAX_LINES) { dropped++; return; }
    var line = prefix + format(args);
    if (line.length > MAX_CHARS) line = line.slice(0, MAX_CHARS - 1) + '…';
    logs.push(line);
  }
  function level(prefix) {
    return function () { write(prefix, Array.prototype.slice.call(arguments)); };
  }
  var noop = function () {};
  var console = {
    log: level(''), info: level('info: '), warn: level('warn: '), error: level('error: '), debug: level('debug: '),
    trace: level('trace: '), dir: level(''), table: level(''),
    assert: function (ok) { if (!ok) write('assertion failed: ', Array.prototype.slice.call(arguments, 1)); },
    group: noop, groupCollapsed: noop, groupEnd: noop, time: noop, timeEnd: noop, timeLog: noop, count: noop, countReset: noop,
  };
  def('console', console);
  function takeLogs() {
    var l = logs;
    if (dropped) l.push('… ' + dropped + ' more console line' + (dropped === 1 ? '' : 's') + ' not kept (at most ' + MAX_LINES + ' per call)');
    logs = [];
    dropped = 0;
    return l.length ? ',"logs":' + JSON.stringify(l) : '';
  }

  // ─── bytes ──────────────────────────────────────────────────────────────────────
  function bytes(data, enc, what) {
    if (typeof data === 'string') return Buffer.from(data, enc || 'utf8');
    if (Buffer.isBuffer(data)) return data;
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return Buffer.from(data);
    if (Array.isArray(data)) return Buffer.from(data);
    throw new TypeError('The "' + (what || 'data') + '" argument must be of type string or an instance of Buffer, TypedArray, or DataView.');
  }
  function hex(b) { return b.toString('hex'); }
  function unhex(h) { return Buffer.from(h, 'hex'); }
  function out(buf, enc) { return enc && enc !== 'buffer' ? buf.toString(enc) : buf; }
  // As Node's ciphers with an output encoding: characters split across update() calls come out whole.
  function utf8Whole(b) {
    var n = b.length;
    for (var i = 1; i <= 3 && i <= n; i++) {
      var c = b[n - i];
      if ((c & 0xc0) === 0x80) continue;
      var need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      return need > i ? n - i : n;
    }
    return n;
  }
  function streamOut(self, buf, enc, last) {
    if (!enc || enc === 'buffer') return buf;
    var e = String(enc).toLowerCase();
    if (self._outEnc && self._outEnc !== e) throw new Error('Cannot change encoding');
    self._outEnc = e;
    var all = self._outRest ? Buffer.concat([self._outRest, buf]) : buf, n = all.length;
    if (!last) {
      if (e === 'base64' || e === 'base64url') n -= n % 3;
      else if (e === 'utf8' || e === 'utf-8') n = utf8Whole(all);
      else if (e === 'utf16le' || e === 'ucs2' || e === 'ucs-2' || e === 'utf-16le') n -= n % 2;
    }
    self._outRest = Buffer.from(all.slice(n));
    return all.slice(0, n).toString(e);
  }

  // ─── crypto: AES (ECB, CBC, CTR), hashes, HMAC; the block work is the host's ───────
  function Cipher(name, key, iv, decrypt) {
    var m = /^aes-?(128|192|256)(?:-(ecb|cbc|ctr))?$/i.exec(String(name));
    if (!m) throw new Error('Unsupported cipher "' + name + '": the decoder sandbox offers aes-128, aes-192 and aes-256 in ecb, cbc and ctr modes');
    this._mode = (m[2] || 'cbc').toLowerCase();
    this._key = Buffer.from(bytes(key, 'utf8', 'key'));
    if (this._key.length !== Number(m[1]) / 8) throw new RangeError('Invalid key length');
    if (this._mode === 'ecb') {
      if (iv !== null && iv !== undefined && bytes(iv, 'utf8', 'iv').length !== 0) throw new Error('Invalid initialization vector');
      this._iv = null;
    } else {
      if (iv === null || iv === undefined) throw new TypeError('The "iv" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ' + iv);
      this._iv = Buffer.from(bytes(iv, 'utf8', 'iv'));
      if (this._iv.length !== 16) throw new Error('Invalid initialization vector');
    }
    this._decrypt = decrypt;
    this._pad = true;
    this._pending = Buffer.alloc(0);
    this._offset = 0;
    this._done = false;
  }
  Cipher.prototype.setAutoPadding = function (on) {
    this._pad = on === undefined ? true : !!on;
    return this;
  };
  Cipher.prototype._blocks = function (b) {
    if (!b.length) return Buffer.alloc(0);
    var r = unhex(host.aes(this._mode, !this._decrypt, hex(this._key), this._iv ? hex(this._iv) : '', hex(b)));
    if (this._mode === 'cbc') this._iv = Buffer.from(this._decrypt ? b.slice(b.length - 16) : r.slice(r.length - 16));
    return r;
  };
  Cipher.prototype.update = function (data, inputEncoding, outputEncoding) {
    if (this._done) throw new Error('Invalid state for operation update');
    var d = bytes(data, inputEncoding);
    var r;
    if (this._mode === 'ctr') {
      r = unhex(host.aesCtr(hex(this._key), hex(this._iv), this._offset, hex(d)));
      this._offset += d.length;
    } else {
      var all = Buffer.concat([this._pending, d]);
      var n = all.length - (all.length % 16);
      // A decipher keeps its last block back: final() checks and removes the padding there.
      if (this._decrypt && this._pad && n === all.length && n > 0) n -= 16;
      r = this._blocks(all.slice(0, n));
      this._pending = Buffer.from(all.slice(n));
    }
    return streamOut(this, r, outputEncoding, false);
  };
  Cipher.prototype.final = function (outputEncoding) {
    if (this._done) throw new Error('Invalid state for operation final');
    this._done = true;
    if (this._mode === 'ctr') return streamOut(this, Buffer.alloc(0), outputEncoding, true);
    var p = this._pending, r, k;
    if (!this._decrypt) {
      if (this._pad) {
        k = 16 - (p.length % 16);
        p = Buffer.concat([p, Buffer.alloc(k, k)]);
      } else if (p.length % 16) throw new Error('wrong final block length');
      return streamOut(this, this._blocks(p), outputEncoding, true);
    }
    if (p.length % 16 || (this._pad && !p.length)) throw new Error('wrong final block length');
    r = this._blocks(p);
    if (this._pad) {
      k = r[r.length - 1];
      if (k < 1 || k > 16) throw new Error('bad decrypt');
      for (var i = r.length - k; i < r.length; i++) if (r[i] !== k) throw new Error('bad decrypt');
      r = r.slice(0, r.length - k);
    }
    return streamOut(this, r, outputEncoding, true);
  };
  Cipher.prototype.getAuthTag = function () { throw new Error('getAuthTag: authenticated modes are not offered in the decoder sandbox'); };

  var HASHES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
  function hashName(alg) {
    var a = String(alg).toLowerCase().replace(/^rsa-/, '').replace(/^sha-/, 'sha');
    if (HASHES.indexOf(a) < 0) throw new Error('Digest method not supported: "' + alg + '" (the decoder sandbox offers ' + HASHES.join(', ') + ')');
    return a;
  }
  function Hash(alg, key) {
    this._alg = hashName(alg);
    this._key = key;
    this._chunks = [];
    this._done = false;
  }
  Hash.prototype.update = function (data, inputEncoding) {
    if (this._done) throw new Error('Digest already called');
    this._chunks.push(Buffer.from(bytes(data, inputEncoding)));
    return this;
  };
  Hash.prototype.digest = function (outputEncoding) {
    if (this._done) throw new Error('Digest already called');
    this._done = true;
    var all = hex(Buffer.concat(this._chunks));
    this._chunks = [];
    return out(unhex(this._key ? host.hmac(this._alg, hex(this._key), all) : host.hash(this._alg, all)), outputEncoding);
  };
  Hash.prototype.copy = function () {
    if (this._done) throw new Error('Digest already called');
    var h = new Hash(this._alg, this._key);
    h._chunks = this._chunks.slice();
    return h;
  };

  var crypto = {
    createCipheriv: function (algorithm, key, iv) { return new Cipher(algorithm, key, iv, false); },
    createDecipheriv: function (algorithm, key, iv) { return new Cipher(algorithm, key, iv, true); },
    createHash: function (algorithm) { return new Hash(algorithm, null); },
    createHmac: function (algorithm, key) { return new Hash(algorithm, Buffer.from(bytes(key, 'utf8', 'key'))); },
    randomBytes: function (size) {
      if (!(size >= 0 && size <= 65536)) throw new RangeError('randomBytes: size must be 0…65536 in the decoder sandbox');
      return unhex(host.random(size | 0));
    },
    timingSafeEqual: function (a, b) {
      a = bytes(a); b = bytes(b);
      if (a.length !== b.length) throw new RangeError('Input buffers must have the same byte length');
      var d = 0;
      for (var i = 0; i < a.length; i++) d |= a[i] ^ b[i];
      return d === 0;
    },
    getHashes: function () { return HASHES.slice(); },
    getCiphers: function () {
      var l = [];
      ['128', '192', '256'].forEach(function (b) { ['cbc', 'ctr', 'ecb'].forEach(function (m) { l.push('aes-' + b + '-' + m); }); });
      return l;
    },
  };
  // AES-CMAC (RFC 4493) as the node-aes-cmac package offers it: OMS / wireless M-Bus mode 7 key derivation.
  var aesCmacModule = {
    aesCmac: function (key, message, options) {
      var mac = unhex(host.cmac(hex(bytes(key, 'utf8', 'key')), hex(bytes(message, 'utf8', 'message'))));
      return options && options.returnAsBuffer ? mac : mac.toString('hex');
    },
  };

  // ─── require: an allow-list, refused at call time (unused code paths still load) ─────
  var modules = { crypto: crypto, buffer: bufferModule, 'node-aes-cmac': aesCmacModule };
  function require(name) {
    var n = String(name);
    var key = n.indexOf('node:') === 0 ? n.slice(5) : n;
    if (key === 'crypto' || key === 'buffer' || n === 'node-aes-cmac') return modules[key];
    var e = new Error("Cannot find module '" + n + "' (the decoder sandbox offers require('crypto'), require('buffer') and require('node-aes-cmac'))");
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  def('require', require);

  // ─── TextDecoder / TextEncoder, atob / btoa ──────────────────────────────────────
  var LABELS = {
    'utf-8': 'utf8', 'utf8': 'utf8', 'unicode-1-1-utf-8': 'utf8',
    'ascii': 'latin1', 'us-ascii': 'latin1', 'iso-8859-1': 'latin1', 'latin1': 'latin1', 'windows-1252': 'latin1',
    'utf-16le': 'utf16le', 'utf-16': 'utf16le',
  };
  var CANONICAL = { utf8: 'utf-8', latin1: 'windows-1252', utf16le: 'utf-16le' };
  function TextDecoder(label, options) {
    var l = String(label === undefined ? 'utf-8' : label).trim().toLowerCase();
    if (!LABELS[l]) throw new RangeError('The "' + label + '" encoding is not supported');
    this._enc = LABELS[l];
    this.encoding = CANONICAL[this._enc];
    this.fatal = !!(options && options.fatal);
    this.ignoreBOM = !!(options && options.ignoreBOM);
  }
  TextDecoder.prototype.decode = function (input) {
    if (input === undefined || input === null) return '';
    var b = bytes(input, undefined, 'input');
    var s = b.toString(this._enc);
    if (this.fatal && this._enc === 'utf8' && s.indexOf('\ufffd') >= 0 && !Buffer.from(s, 'utf8').equals(b)) {
      throw new TypeError('The encoded data was not valid for encoding utf-8');
    }
    if (!this.ignoreBOM && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    return s;
  };
  function TextEncoder() { this.encoding = 'utf-8'; }
  TextEncoder.prototype.encode = function (s) {
    return new Uint8Array(Buffer.from(s === undefined ? '' : String(s), 'utf8'));
  };
  TextEncoder.prototype.encodeInto = function (s, dest) {
    var b = Buffer.from(String(s), 'utf8');
    var n = Math.min(b.length, dest.length);
    while (n > 0 && n < b.length && (b[n] & 0xc0) === 0x80) n--; // whole characters only
    for (var i = 0; i < n; i++) dest[i] = b[i];
    return { read: b.slice(0, n).toString('utf8').length, written: n };
  };
  def('TextDecoder', TextDecoder);
  def('TextEncoder', TextEncoder);
  function invalidCharacter(message) {
    var e = new Error(message);
    e.name = 'InvalidCharacterError';
    return e;
  }
  def('btoa', function btoa(s) {
    s = String(s);
    for (var i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) throw invalidCharacter('Invalid character');
    return Buffer.from(s, 'latin1').toString('base64');
  });
  def('atob', function atob(s) {
    s = String(s).replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw invalidCharacter('The string to be decoded is not correctly encoded.');
    return Buffer.from(s, 'base64').toString('latin1');
  });

  // ─── entry points: finding the decoder's functions and calling them ──────────────────
  function member(o, name) {
    return o && (typeof o === 'object' || typeof o === 'function') && typeof o[name] === 'function' ? o[name] : null;
  }
  function declared(name) {
    // Bare names also reach top-level let/const/class declarations, which are not properties of globalThis.
    if (name === 'decodeUplink') return typeof decodeUplink === 'function' ? decodeUplink : null;
    if (name === 'encodeDownlink') return typeof encodeDownlink === 'function' ? encodeDownlink : null;
    if (name === 'decodeDownlink') return typeof decodeDownlink === 'function' ? decodeDownlink : null;
    return null;
  }
  function find(name) {
    var m = G.module, x = m && m.exports, e = G.exports, d = typeof driver !== 'undefined' ? driver : G.driver;
    return declared(name) || member(x, name) || member(x && x.driver, name) || member(e, name) || member(e && e.driver, name) ||
      member(d, name) || (name === 'decodeUplink' && typeof x === 'function' ? x : null);
  }
  function errorText(e) {
    if (e && typeof e === 'object' && ('message' in e || 'name' in e)) return (e.name || 'Error') + ': ' + e.message;
    return 'Uncaught ' + show(e);
  }
  function nullUndefined(k, v) { return v === undefined ? null : v; }
  function run(name, json) {
    var fn = find(name);
    if (!fn) return '{"fatal":' + JSON.stringify('decoder defines no ' + name + '(input) function') + takeLogs() + '}';
    var a = JSON.parse(json), input;
    if (name === 'encodeDownlink') input = { data: a.data };
    else {
      input = { bytes: a.bytes, fPort: a.fPort };
      if (name === 'decodeUplink') input.recvTime = new Date(a.recvTime);
    }
    var r, text;
    try {
      r = fn(input);
    } catch (e) {
      return '{"threw":' + JSON.stringify(errorText(e)) + takeLogs() + '}';
    }
    try {
      // As The Things Stack's validator: undefined properties become null instead of disappearing.
      text = JSON.stringify(r === undefined ? null : r, nullUndefined);
    } catch (e) {
      return '{"fatal":' + JSON.stringify('decoder result is not serialisable: ' + errorText(e)) + takeLogs() + '}';
    }
    if (text === undefined) text = 'null';
    if (text.length > ${RESULT_MAX_CHARS}) return '{"fatal":"decoder result larger than ${RESULT_MAX_CHARS} characters"' + takeLogs() + '}';
    return '{"result":' + text + takeLogs() + '}';
  }
  def('__water', {
    run: run,
    has: function () { return !!(find('decodeUplink') || find('encodeDownlink') || find('decodeDownlink')); },
  });
})(globalThis.__host, globalThis.__bufferModule);
delete globalThis.__host;
delete globalThis.__bufferModule;
`;
