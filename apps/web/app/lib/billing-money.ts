/**
 * Money, rates and volumes as the billing forms type them (issue 18). Amounts are integer kuruş and are
 * read from the text digit by digit, never through a binary float: "12,34" is 1234 kuruş exactly.
 * Turkish users write a decimal comma, others a point; both are read (see decimalParts).
 */

/** The i18n number format of money (i18n/i18n.config.ts `money`): Turkish lira with kuruş, the language's separators. */
export const MONEY_NUMBER_FORMAT = {
  style: 'currency',
  currency: 'TRY',
  currencyDisplay: 'narrowSymbol',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
} as const;

/** '' (nothing typed), a parsed value, or NaN for text that is not one. */
export type Parsed = number | null;

/** The largest amount the API takes (kuruş). */
export const MAX_KURUS = 1_000_000_000;

/**
 * The digits of a decimal text: sign, whole part and fraction (digits only), or null when the text is
 * not a plain decimal. One kind of separator is the decimal one ("12,5", "12.5"); with both, the last
 * is decimal and the other groups thousands in threes ("1.234,56", "1,234.56").
 */
export function decimalParts(text: string): { negative: boolean; whole: string; fraction: string } | null {
  const s = text.trim().replace(/[\s\u00a0]/g, '');
  const match = /^([+-]?)([\d.,]+)$/.exec(s);
  if (!match) return null;
  const negative = match[1] === '-';
  const body = match[2]!;
  const decimalAt = Math.max(body.lastIndexOf('.'), body.lastIndexOf(','));
  let whole = decimalAt >= 0 ? body.slice(0, decimalAt) : body;
  const fraction = decimalAt >= 0 ? body.slice(decimalAt + 1) : '';
  if (!/^\d*$/.test(fraction)) return null;
  if (/[.,]/.test(whole)) {
    const group = body[decimalAt] === '.' ? ',' : '.';
    if (!new RegExp(`^\\d{1,3}(\\${group}\\d{3})+$`).test(whole)) return null;
    whole = whole.split(group).join('');
  }
  if (!whole && !fraction) return null;
  return { negative, whole: whole || '0', fraction };
}

/** A whole number of 1/10^places units from a decimal text: null when empty, NaN when not a number or too precise. */
export function parseScaled(text: string | null | undefined, places: number, allowNegative = false): Parsed {
  if (text === null || text === undefined || !text.trim()) return null;
  const parts = decimalParts(text);
  if (!parts || parts.fraction.length > places || (parts.negative && !allowNegative)) return Number.NaN;
  const digits = `${parts.whole}${parts.fraction.padEnd(places, '0')}`.replace(/^0+(?=\d)/, '');
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) return Number.NaN;
  return parts.negative && value !== 0 ? -value : value;
}

/** TL as typed ("12,34", "1.234,5", "7") → kuruş (1234, 123450, 700). */
export function parseMoney(text: string | null | undefined): Parsed {
  return parseScaled(text, 2);
}

/** A percentage with at most two decimals → basis points ("20" → 2000, "3,5" → 350). */
export function parsePercentBp(text: string | null | undefined): Parsed {
  return parseScaled(text, 2);
}

/** m³ with at most three decimals → litres ("12,5" → 12500). */
export function parseLitres(text: string | null | undefined): Parsed {
  return parseScaled(text, 3);
}

/** The plain decimal text of a whole number of 1/10^places units: 123456, 2 → "1234.56" (separator as given). */
export function scaledText(value: number | bigint, places: number, separator: '.' | ',' = ','): string {
  const negative = value < 0;
  const digits = (negative ? -BigInt(value) : BigInt(value)).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places);
  return `${negative ? '-' : ''}${whole}${places ? `${separator}${fraction}` : ''}`;
}

/** The text a money input shows for stored kuruş: 1234 → "12,34" (two decimals, no grouping). */
export function kurusInputText(kurus: number | null | undefined, separator: '.' | ',' = ','): string {
  return kurus === null || kurus === undefined ? '' : scaledText(kurus, 2, separator);
}

/** The text a rate input shows for a percentage the API gives (20, 3.5): without trailing zeros. */
export function percentInputText(percent: number | null | undefined, separator: '.' | ',' = ','): string {
  if (percent === null || percent === undefined) return '';
  return scaledText(Math.round(percent * 100), 2, separator).replace(/[.,]?0+$/, '');
}

/** The text a volume input shows for m³ the API gives (12.5): without trailing zeros. */
export function m3InputText(m3: number | null | undefined, separator: '.' | ',' = ','): string {
  if (m3 === null || m3 === undefined) return '';
  return scaledText(Math.round(m3 * 1000), 3, separator).replace(/[.,]?0+$/, '');
}

/** Basis points → the API's percentage number (2000 → 20): exact for two decimals. */
export const bpToPercent = (bp: number) => bp / 100;
/** Litres → the API's m³ number (12500 → 12.5): exact for three decimals. */
export const litresToM3 = (litres: number) => litres / 1000;

/**
 * Kuruş as a number the i18n currency format shows with two decimals. Amounts from the API are
 * integers (or bigint strings); below 2^53 kuruş the division is exact to the cent once rounded to two places.
 */
export function kurusToLira(kurus: number | bigint | string): number {
  return Number(BigInt(kurus)) / 100;
}
