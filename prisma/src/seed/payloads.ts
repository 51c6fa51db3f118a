/**
 * Encoders for the seeded device profiles' uplinks: the exact inverse of the decoders in
 * prisma/decoders (layouts documented at the top of each decoder file). The simulator and the tests
 * post these payloads; the seeded decoders read them back to the same values.
 */
import type { AlarmType } from '../generated/kysely/enums';
import { MESSAGE_SCENARIOS, type FrameKind } from './decoders';
import type { DeviceProfileKey } from './profiles';

export interface AlarmFlags {
  tamper: boolean;
  lowBattery: boolean;
  tilt: boolean;
  reverseFlow: boolean;
  leak: boolean;
  burst: boolean;
}

export interface MeterFrameValues {
  /** Cumulative index in m³; encoded in litres (three decimals). */
  indexM3: number;
  /** 0–100, encoded as a whole percent. */
  batteryPct: number;
  alarms?: Partial<AlarmFlags>;
  valve?: 'OPEN' | 'CLOSED';
}

/** Fields some frames carry besides the convention keys. */
export interface FrameExtras {
  peakFlowLph?: number;
  temperatureC?: number;
  meterTime?: Date;
  eventCount?: number;
  detectedMinutesAgo?: number;
}

export interface EncodedUplink {
  fPort: number | null;
  payload: Buffer;
}

export const NO_ALARMS: AlarmFlags = { tamper: false, lowBattery: false, tilt: false, reverseFlow: false, leak: false, burst: false };

const FLAG_TYPES: Array<[keyof AlarmFlags, AlarmType]> = [
  ['tamper', 'TAMPER'],
  ['lowBattery', 'LOW_BATTERY'],
  ['tilt', 'TILT'],
  ['reverseFlow', 'REVERSE_FLOW'],
  ['leak', 'LEAK'],
  ['burst', 'BURST'],
];

/** Decoder alarm flags → the reading's `alarms` array (TAMPER, LOW_BATTERY, ...). */
export function alarmTypesFromFlags(flags: Partial<AlarmFlags>): AlarmType[] {
  return FLAG_TYPES.filter(([k]) => flags[k]).map(([, t]) => t);
}

export function alarmFlagsFromTypes(types: readonly string[]): AlarmFlags {
  const flags = { ...NO_ALARMS };
  for (const [k, t] of FLAG_TYPES) flags[k] = types.includes(t);
  return flags;
}

/** Packs flags into a bit mask, `order[i]` being the flag of bit i (null for unused bits). */
function bits(flags: Partial<AlarmFlags> | undefined, order: Array<keyof AlarmFlags | null>): number {
  let mask = 0;
  order.forEach((k, i) => {
    if (k && flags?.[k]) mask |= 1 << i;
  });
  return mask;
}

const STANDARD_ORDER: Array<keyof AlarmFlags> = ['tamper', 'lowBattery', 'tilt', 'reverseFlow', 'leak', 'burst'];
const ITRON_ORDER: Array<keyof AlarmFlags> = ['tamper', 'tilt', 'reverseFlow', 'leak', 'burst', 'lowBattery'];
const IMA_ORDER: Array<keyof AlarmFlags> = ['tamper', 'tilt', 'reverseFlow', 'lowBattery', 'leak', 'burst'];
/** Klepsan numbers its flags from the top bit down, bit 0 being the valve. */
const KLEPSAN_ORDER: Array<keyof AlarmFlags | null> = [null, null, 'burst', 'leak', 'reverseFlow', 'tilt', 'lowBattery', 'tamper'];

function litres(indexM3: number, max = 0xffffffff): number {
  const l = Math.round(indexM3 * 1000);
  if (!Number.isFinite(l) || l < 0 || l > max) throw new RangeError(`index ${indexM3} m³ does not fit the frame`);
  return l;
}

function battery(pct: number): number {
  const b = Math.round(pct);
  if (!(b >= 0 && b <= 100)) throw new RangeError(`battery ${pct} % is outside 0–100`);
  return b;
}

function uint16(v: number | undefined): number {
  const n = Math.round(v ?? 0);
  if (n < 0 || n > 0xffff) throw new RangeError(`${v} does not fit 16 bits`);
  return n;
}

function bcd8(value: number): Buffer {
  const digits = String(value).padStart(8, '0');
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) out[i] = (Number(digits[2 * i]) << 4) | Number(digits[2 * i + 1]);
  return out;
}

const closed = (v: MeterFrameValues) => (v.valve === 'CLOSED' ? 1 : 0);

function encode(profile: DeviceProfileKey, kind: FrameKind, v: MeterFrameValues, x: FrameExtras): Buffer {
  const key = `${profile}:${kind}`;
  switch (key) {
    case 'manas-lorawan:index': {
      const b = Buffer.alloc(8);
      b[0] = 0x10;
      b.writeUInt32BE(litres(v.indexM3), 1);
      b[5] = battery(v.batteryPct);
      b[6] = bits(v.alarms, STANDARD_ORDER);
      b[7] = closed(v);
      return b;
    }
    case 'manas-lorawan:alarm': {
      const b = Buffer.alloc(9);
      b[0] = 0xa1;
      b[1] = bits(v.alarms, STANDARD_ORDER);
      b[2] = closed(v);
      b.writeUInt32BE(litres(v.indexM3), 3);
      b[7] = battery(v.batteryPct);
      b[8] = Math.min(255, Math.max(0, Math.round(x.eventCount ?? 1)));
      return b;
    }
    case 'itron-lorawan:index': {
      const b = Buffer.alloc(10);
      b[0] = 0x01;
      b.writeUInt32LE(litres(v.indexM3), 1);
      b.writeUInt16LE(bits(v.alarms, ITRON_ORDER) | (closed(v) << 8), 5);
      b[7] = battery(v.batteryPct);
      b.writeUInt16LE(uint16(x.peakFlowLph), 8);
      return b;
    }
    case 'itron-lorawan:alarm': {
      const b = Buffer.alloc(8);
      b[0] = 0x02;
      b.writeUInt16LE(bits(v.alarms, ITRON_ORDER) | (closed(v) << 8), 1);
      b.writeUInt32LE(litres(v.indexM3), 3);
      b[7] = battery(v.batteryPct);
      return b;
    }
    case 'klepsan-lorawan:index': {
      const b = Buffer.alloc(6);
      bcd8(litres(v.indexM3, 99_999_999)).copy(b, 0);
      b[4] = battery(v.batteryPct);
      b[5] = bits(v.alarms, KLEPSAN_ORDER) | closed(v);
      return b;
    }
    case 'klepsan-lorawan:alarm': {
      const b = Buffer.alloc(7);
      b[0] = 0xee;
      b[1] = bits(v.alarms, KLEPSAN_ORDER) | closed(v);
      bcd8(litres(v.indexM3, 99_999_999)).copy(b, 2);
      b[6] = battery(v.batteryPct);
      return b;
    }
    case 'ima-lorawan:index': {
      const b = Buffer.alloc(8);
      b[0] = 0x49;
      b[1] = 0x01;
      b.writeUInt32BE(litres(v.indexM3), 2);
      b[6] = battery(v.batteryPct);
      b[7] = bits(v.alarms, IMA_ORDER) | (closed(v) << 6);
      return b;
    }
    case 'ima-lorawan:alarm': {
      const b = Buffer.alloc(9);
      b[0] = 0x41;
      b[1] = bits(v.alarms, IMA_ORDER) | (closed(v) << 6);
      b[2] = battery(v.batteryPct);
      b.writeUInt32BE(litres(v.indexM3), 3);
      b.writeUInt16BE(uint16(x.detectedMinutesAgo), 7);
      return b;
    }
    case 'cem-sigfox:index': {
      const b = Buffer.alloc(12);
      b[0] = 0x01;
      b.writeUInt32BE(litres(v.indexM3), 1);
      b[5] = battery(v.batteryPct);
      b[6] = bits(v.alarms, STANDARD_ORDER);
      b[7] = closed(v);
      b.writeUInt16BE(uint16(x.peakFlowLph), 8);
      b.writeInt8(Math.max(-128, Math.min(127, Math.round(x.temperatureC ?? 15))), 10);
      let xor = 0;
      for (let i = 0; i < 11; i++) xor ^= b[i];
      b[11] = xor;
      return b;
    }
    case 'baylan-nbiot:index': {
      const b = Buffer.alloc(16);
      b[0] = 0x68;
      b[1] = 0x0c;
      b[2] = 0x01;
      b.writeUInt32BE(litres(v.indexM3), 3);
      b[7] = battery(v.batteryPct);
      b[8] = bits(v.alarms, STANDARD_ORDER);
      b[9] = closed(v);
      b.writeUInt32BE(Math.floor((x.meterTime ?? new Date()).getTime() / 1000), 10);
      let sum = 0;
      for (let i = 2; i < 14; i++) sum = (sum + b[i]) & 0xff;
      b[14] = sum;
      b[15] = 0x16;
      return b;
    }
    case 'inodya-nbiot:index': {
      const alm = bits(v.alarms, STANDARD_ORDER).toString(16).toUpperCase().padStart(2, '0');
      const text = `INODYA;V1;IDX=${(litres(v.indexM3) / 1000).toFixed(3)};BAT=${battery(v.batteryPct)};ALM=${alm};VLV=${v.valve === 'CLOSED' ? 'C' : 'O'}`;
      return Buffer.from(text, 'ascii');
    }
    default:
      throw new Error(`device profile ${profile} has no ${kind} frame`);
  }
}

/** The fPort a frame is sent on (null where the technology has no ports). */
export function framePort(profile: DeviceProfileKey, kind: FrameKind): number | null {
  const scenario = MESSAGE_SCENARIOS.find((s) => s.profile === profile && s.kind === kind);
  if (!scenario) throw new Error(`device profile ${profile} has no ${kind} frame`);
  return scenario.fPort;
}

export function encodeIndexFrame(profile: DeviceProfileKey, values: MeterFrameValues, extras: FrameExtras = {}): Buffer {
  return encode(profile, 'index', values, extras);
}

/** Only the LoRaWAN profiles have a separate alarm frame; the others report alarms in the index frame. */
export function encodeAlarmFrame(profile: DeviceProfileKey, values: MeterFrameValues, extras: FrameExtras = {}): Buffer {
  return encode(profile, 'alarm', values, extras);
}

export function encodeUplink(
  profile: DeviceProfileKey,
  values: MeterFrameValues,
  kind: FrameKind = 'index',
  extras: FrameExtras = {},
): EncodedUplink {
  return { fPort: framePort(profile, kind), payload: encode(profile, kind, values, extras) };
}
