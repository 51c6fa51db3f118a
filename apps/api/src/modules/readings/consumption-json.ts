import type { Consumption } from './readings.dto';

/**
 * A consumption answer as the service computes it: the bucket starts as epoch ms, written as ISO 8601
 * strings only into the JSON (consumptionJson) or by `withIsoStarts` for callers that want the object.
 */
export type ConsumptionBody = Omit<Consumption, 'bucketStarts'> & { bucketStarts: readonly number[] };

const DAY_MS = 86_400_000;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * The JSON text of a consumption answer as UTF-8 bytes, the same document JSON.stringify writes of
 * `withIsoStarts(body)` (same keys in the same order, numbers as JavaScript prints them). A year of hours
 * is 8,760 bucket starts and three series of 8,760 numbers, ~360 KB: written straight into one buffer it
 * skips the 8,760 date strings, JSON.stringify's copy, Fastify's byte count of that string and its UTF-8
 * encoding on the socket, which together were half of the API's CPU for the answer (docs/benchmarks.md,
 * issue 22, B4).
 */
export function consumptionJson(body: ConsumptionBody): Buffer {
  const out = new JsonBytes(64 + body.bucketStarts.length * 64);
  out.byte(0x7b);
  let first = true;
  for (const key of Object.keys(body) as (keyof ConsumptionBody)[]) {
    const value = body[key];
    if (value === undefined) continue;
    if (!first) out.byte(COMMA);
    first = false;
    out.string(key);
    out.byte(0x3a);
    if (key === 'bucketStarts') out.isoTimes(body.bucketStarts);
    else out.value(value);
  }
  out.byte(0x7d);
  return out.bytes();
}

/** The answer with its bucket starts as ISO 8601 strings (the object the OpenAPI document describes). */
export function withIsoStarts(body: ConsumptionBody): Consumption {
  return { ...body, bucketStarts: isoStrings(body.bucketStarts) };
}

/**
 * The ISO 8601 strings of UTC instants, as Date#toISOString writes them: the date part is formatted once
 * per day and the time of day by arithmetic.
 */
export function isoStrings(times: readonly number[]): string[] {
  const out = new JsonBytes(times.length * 31 + 2);
  out.isoTimes(times);
  return JSON.parse(out.bytes().toString('latin1')) as string[];
}

/** A growing byte buffer that JSON values are written into. */
class JsonBytes {
  private buf: Buffer;
  private pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 256));
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private room(n: number) {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number) {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** A string known to be ASCII without characters JSON escapes (numbers, keywords). */
  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  string(s: string) {
    const json = JSON.stringify(s);
    this.room(json.length * 3);
    this.pos += this.buf.write(json, this.pos, 'utf8');
  }

  /**
   * A number as JavaScript prints it. Values in whole litres (m³ with at most three decimals, all the
   * series hold) are written digit by digit: for them the shortest decimal that reads back as the same
   * double is exactly those digits, which is what String(n) prints.
   */
  number(n: number): void {
    const litres = Math.round(n * 1000);
    if (litres / 1000 !== n || !(litres >= 0 && litres < 1e12)) return this.ascii(Number.isFinite(n) ? String(n) : 'null');
    this.room(17);
    const buf = this.buf;
    const fraction = litres % 1000;
    let whole = (litres - fraction) / 1000;
    let digits = 1;
    for (let w = whole; w >= 10; w = Math.floor(w / 10)) digits++;
    let pos = this.pos + digits;
    this.pos = pos;
    do {
      const next = Math.floor(whole / 10);
      buf[--pos] = 48 + whole - next * 10;
      whole = next;
    } while (whole > 0);
    if (fraction === 0) return;
    buf[this.pos++] = 0x2e;
    buf[this.pos++] = 48 + Math.floor(fraction / 100);
    if (fraction % 100 === 0) return;
    buf[this.pos++] = 48 + (Math.floor(fraction / 10) % 10);
    if (fraction % 10 === 0) return;
    buf[this.pos++] = 48 + (fraction % 10);
  }

  value(v: unknown): void {
    if (v === null) return this.ascii('null');
    switch (typeof v) {
      case 'number':
        return this.number(v);
      case 'string':
        return this.string(v);
      case 'boolean':
        return this.ascii(v ? 'true' : 'false');
      case 'object':
        break;
      default:
        return this.ascii('null');
    }
    if (Array.isArray(v)) {
      this.byte(0x5b);
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.byte(COMMA);
        const item: unknown = v[i];
        if (typeof item === 'number') this.number(item);
        else if (item === undefined || typeof item === 'function' || typeof item === 'symbol') this.ascii('null');
        else this.value(item);
      }
      this.byte(0x5d);
      return;
    }
    const json = (v as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return this.value(json.call(v));
    this.byte(0x7b);
    let first = true;
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (!first) this.byte(COMMA);
      first = false;
      this.string(key);
      this.byte(0x3a);
      this.value(item);
    }
    this.byte(0x7d);
  }

  /** A JSON array of the instants' ISO 8601 strings. */
  isoTimes(times: readonly number[]) {
    // 27 bytes an instant of years 0–9999; room for the six-digit years Date allows besides.
    this.room(times.length * 31 + 2);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = 0x5b;
    let day = NaN;
    let prefix = '';
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      const d = Math.floor(t / DAY_MS);
      if (d !== day) {
        day = d;
        const iso = new Date(d * DAY_MS).toISOString();
        prefix = iso.slice(0, iso.indexOf('T') + 1);
      }
      if (i > 0) buf[pos++] = COMMA;
      buf[pos++] = QUOTE;
      for (let c = 0; c < prefix.length; c++) buf[pos++] = prefix.charCodeAt(c);
      const ms = t - d * DAY_MS;
      const milli = ms % 1000;
      const s = (ms - milli) / 1000;
      const h = Math.floor(s / 3600);
      const m = Math.floor(s / 60) % 60;
      const sec = s % 60;
      buf[pos++] = 48 + Math.floor(h / 10);
      buf[pos++] = 48 + (h % 10);
      buf[pos++] = 0x3a;
      buf[pos++] = 48 + Math.floor(m / 10);
      buf[pos++] = 48 + (m % 10);
      buf[pos++] = 0x3a;
      buf[pos++] = 48 + Math.floor(sec / 10);
      buf[pos++] = 48 + (sec % 10);
      buf[pos++] = 0x2e;
      buf[pos++] = 48 + Math.floor(milli / 100);
      buf[pos++] = 48 + (Math.floor(milli / 10) % 10);
      buf[pos++] = 48 + (milli % 10);
      buf[pos++] = 0x5a;
      buf[pos++] = QUOTE;
    }
    buf[pos++] = 0x5d;
    this.pos = pos;
  }
}
