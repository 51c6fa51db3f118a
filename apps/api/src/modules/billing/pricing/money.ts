/**
 * Exact arithmetic for billing: amounts are integer kuruş, quantities integer litres, rates integer
 * basis points (1 % = 100 bp). Products go through BigInt so no intermediate ever loses precision.
 */

/** `a × b / c` rounded half-up to an integer (all operands non-negative, `c` positive). */
export function mulDivHalfUp(a: number, b: number, c: number): number {
  if (a < 0 || b < 0 || c <= 0) throw new RangeError('mulDivHalfUp takes non-negative operands and a positive divisor');
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  return Number((num * 2n + den) / (den * 2n));
}

/** Net of `litres` at `kurusPerM3`, half-up to the kuruş. */
export function volumeCharge(litres: number, kurusPerM3: number): number {
  return mulDivHalfUp(litres, kurusPerM3, 1000);
}

/** VAT of a net amount at `rateBp` basis points, half-up to the kuruş. */
export function vatOf(netKurus: number, rateBp: number): number {
  return mulDivHalfUp(netKurus, rateBp, 10_000);
}

/** "12.345" m³ → 12345 litres; refuses more than three decimals (the platform's litre resolution). */
export function m3ToLitres(m3: string | number): number {
  const text = typeof m3 === 'number' ? m3.toFixed(6).replace(/0{3}$/, '') : m3.trim();
  const match = /^(\d+)(?:\.(\d{1,3})0*)?$/.exec(text);
  if (!match) throw new RangeError(`not a non-negative m³ amount with at most three decimals: ${m3}`);
  return Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
}

/** 12345 litres → "12.345". */
export function litresToM3(litres: number): string {
  return `${Math.floor(litres / 1000)}.${String(litres % 1000).padStart(3, '0')}`;
}

/** A percentage with at most two decimals (20, 1, 0.5) → basis points. */
export function percentToBp(percent: number): number {
  const bp = Math.round(percent * 100);
  if (Math.abs(bp - percent * 100) > 1e-6) throw new RangeError(`a rate takes at most two decimals: ${percent}`);
  return bp;
}
