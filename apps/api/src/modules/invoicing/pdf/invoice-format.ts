/**
 * Numbers on invoices, formatted from exact values (integer kuruş, decimal strings): never through a
 * binary float, so what is printed is what is stored.
 */
export type InvoiceLanguage = 'tr' | 'en';

const SEPARATORS: Record<InvoiceLanguage, { group: string; decimal: string }> = {
  tr: { group: '.', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

function group(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** Integer kuruş → "1.234,56 TL" (tr) or "TRY 1,234.56" (en); negative amounts (credit notes) lead with "-". */
export function formatMoney(kurus: bigint | number | string, language: InvoiceLanguage): string {
  const value = BigInt(kurus);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const { group: g, decimal } = SEPARATORS[language];
  const amount = `${group((abs / 100n).toString(), g)}${decimal}${(abs % 100n).toString().padStart(2, '0')}`;
  const sign = negative ? '-' : '';
  return language === 'tr' ? `${sign}${amount} TL` : `${sign}TRY ${amount}`;
}

/** A decimal string ("1234.5", "-3.000") with `places` decimals, grouped: "1.234,500" (tr), "1,234.500" (en). */
export function formatDecimal(value: string, language: InvoiceLanguage, places = 3): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new Error(`not a decimal: ${value}`);
  const [, sign, whole, fraction = ''] = match;
  // Rounds half up on the digits themselves (the database keeps 3 decimals, so this only pads in practice).
  let digits = BigInt(whole + fraction.padEnd(places + 1, '0').slice(0, places + 1));
  digits = (digits + 5n) / 10n;
  const text = digits.toString().padStart(places + 1, '0');
  const intPart = text.slice(0, text.length - places);
  const fracPart = places > 0 ? SEPARATORS[language].decimal + text.slice(-places) : '';
  const negative = sign === '-' && digits !== 0n;
  return `${negative ? '-' : ''}${group(intPart, SEPARATORS[language].group)}${fracPart}`;
}

/** Basis points → "%20", "%1,5" (tr) or "20%", "1.5%" (en). */
export function formatRate(basisPoints: number, language: InvoiceLanguage): string {
  const whole = Math.trunc(basisPoints / 100);
  const rest = Math.abs(basisPoints % 100);
  const fraction = rest === 0 ? '' : SEPARATORS[language].decimal + String(rest).padStart(2, '0').replace(/0$/, '');
  return language === 'tr' ? `%${whole}${fraction}` : `${whole}${fraction}%`;
}

/** Share of `part` in `whole` (decimal strings), one decimal, half up: "%16,2" (tr), "16.2%" (en); null when whole is 0. */
export function formatShare(part: string, whole: string, language: InvoiceLanguage): string | null {
  const thousandths = (v: string) => BigInt(formatDecimal(v, 'en', 3).replace(/[,.]/g, ''));
  const p = thousandths(part);
  const w = thousandths(whole);
  if (w === 0n) return null;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const tenths = (abs(p) * 2000n + abs(w)) / (2n * abs(w));
  return formatRate(Number(tenths) * 10, language);
}

/** A calendar date (YYYY-MM-DD) as printed: "05.12.2026" (tr), "2026-12-05" (en, ISO 8601). */
export function formatDay(day: string, language: InvoiceLanguage): string {
  const [y, m, d] = day.split('-');
  return language === 'tr' ? `${d}.${m}.${y}` : `${y}-${m}-${d}`;
}

/** The day before `day` (YYYY-MM-DD): the last day of a period [start, end). */
export function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
