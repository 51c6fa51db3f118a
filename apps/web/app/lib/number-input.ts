/**
 * Numbers typed into text inputs: Turkish users write a decimal comma, others a point; both are read.
 * '' (or only spaces) is null, anything that is not a finite number is NaN.
 */
export function parseDecimal(text: string | number | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  if (typeof text === 'number') return Number.isFinite(text) ? text : Number.NaN;
  const trimmed = text.trim().replace(/\s/g, '');
  if (!trimmed) return null;
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(trimmed)) return Number.NaN;
  return Number(trimmed.replace(',', '.'));
}

/** Whole numbers only; '' is null, anything else NaN. */
export function parseInteger(text: string | number | null | undefined): number | null {
  const value = parseDecimal(text);
  if (value === null || Number.isNaN(value)) return value;
  return Number.isInteger(value) ? value : Number.NaN;
}

/** The text an input shows for a stored number ('' for none). */
export function numberText(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** True when the value has at most `places` decimals (tolerating binary floating-point noise). */
export function hasAtMostDecimals(value: number, places: number): boolean {
  const scaled = value * 10 ** places;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}
