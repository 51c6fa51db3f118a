import { isValidTaxId, isValidTcIdNo, luhnValid } from '@water/shared';
import type { Random } from './random';

/** A T.C. Kimlik No with both check digits right (11 digits, first not 0). */
export function tcIdNo(rng: Random): string {
  const d = [rng.int(1, 9), ...rng.digits(8).split('').map(Number)];
  const odd = d[0] + d[2] + d[4] + d[6] + d[8];
  const even = d[1] + d[3] + d[5] + d[7];
  d.push((((odd * 7 - even) % 10) + 10) % 10);
  d.push(d.reduce((a, b) => a + b, 0) % 10);
  const value = d.join('');
  if (!isValidTcIdNo(value)) throw new Error(`generated an invalid TC ID ${value}`);
  return value;
}

/** A 10-digit Vergi Kimlik No with its check digit. */
export function taxId(rng: Random): string {
  const d = [rng.int(1, 9), ...rng.digits(8).split('').map(Number)];
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const t = (d[i] + 9 - i) % 10;
    let v = (t * 2 ** (9 - i)) % 9;
    if (t !== 0 && v === 0) v = 9;
    sum += v;
  }
  const value = d.join('') + ((10 - (sum % 10)) % 10);
  if (!isValidTaxId(value)) throw new Error(`generated an invalid tax id ${value}`);
  return value;
}

/** Appends the Luhn check digit. */
export function withLuhn(body: string): string {
  for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return body + c;
  throw new Error('unreachable');
}

/** Type allocation codes of NB-IoT modules (8 digits) followed by a serial and the Luhn digit. */
const IMEI_TACS = ['86743304', '86695404', '35881210', '86817204'];
export function imei(rng: Random): string {
  return withLuhn(rng.pick(IMEI_TACS) + rng.digits(6));
}

/** Turkish IMSI: MCC 286, MNC 01 Turkcell / 02 Vodafone / 03 Türk Telekom, 10-digit MSIN. */
export function imsi(rng: Random, mnc: string): string {
  return `286${mnc}${rng.digits(10)}`;
}

/** ICCID: 89 (telecom) 90 (Turkey), issuer, account, Luhn digit: 19 digits. */
export function iccid(rng: Random, mnc: string): string {
  return withLuhn(`8990${mnc}${rng.digits(12)}`);
}

/** Turkish mobile numbers in E.164: +90 5xx xxx xx xx. */
const MOBILE_PREFIXES = [
  '530',
  '532',
  '533',
  '535',
  '536',
  '537',
  '538',
  '539',
  '541',
  '542',
  '543',
  '544',
  '545',
  '546',
  '505',
  '506',
  '507',
  '551',
  '552',
  '555',
];
export function mobilePhone(rng: Random): string {
  return `+90${rng.pick(MOBILE_PREFIXES)}${rng.int(1, 9)}${rng.digits(6)}`;
}

/** A 10-digit UAVT address code (first digit not 0). */
export function uavtCode(rng: Random): string {
  return `${rng.int(1, 9)}${rng.digits(9)}`;
}

/** Draws values until one is not in `taken`, then records it. */
export function unique<T>(taken: Set<T>, draw: () => T): T {
  for (let i = 0; i < 1000; i++) {
    const v = draw();
    if (!taken.has(v)) {
      taken.add(v);
      return v;
    }
  }
  throw new Error('could not draw a unique value');
}
