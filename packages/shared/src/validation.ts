/**
 * Turkish national identity number (T.C. Kimlik No): 11 digits, first not 0, and two check digits.
 * d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10; d11 = (d1+…+d10) mod 10.
 */
export function isValidTcIdNo(value: string): boolean {
  if (!/^[1-9][0-9]{10}$/.test(value)) return false;
  const d = [...value].map(Number);
  const odd = d[0] + d[2] + d[4] + d[6] + d[8];
  const even = d[1] + d[3] + d[5] + d[7];
  const d10 = (((odd * 7 - even) % 10) + 10) % 10;
  const d11 = d.slice(0, 10).reduce((a, b) => a + b, 0) % 10;
  return d[9] === d10 && d[10] === d11;
}

/** Turkish tax number (Vergi Kimlik No, 10 digits) with its check digit; individuals use their 11-digit TC ID. */
export function isValidTaxId(value: string): boolean {
  if (/^[0-9]{11}$/.test(value)) return isValidTcIdNo(value);
  if (!/^[0-9]{10}$/.test(value)) return false;
  const d = [...value].map(Number);
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const t = (d[i] + 9 - i) % 10;
    let v = (t * 2 ** (9 - i)) % 9;
    if (t !== 0 && v === 0) v = 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10 === d[9];
}

/** E.164 phone numbers (e.g. +905321234567). */
export const PHONE_REGEX = /^\+[1-9][0-9]{7,14}$/;

/** Luhn check used by IMEI numbers. */
export function luhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

/** R = Q3/Q1, rounded to two decimals as printed on meter dials. */
export function computeRValue(q1: number, q3: number): number {
  return Math.round((q3 / q1) * 100) / 100;
}
