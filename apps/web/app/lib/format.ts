/**
 * The console's one formatter of numbers, flow rates, volumes, coordinates and dates (issue 21): the named
 * number formats that i18n.config.ts registers for n(), and the few formats that do not depend on the
 * language. Pages reach them through useFormat(); the units follow BRIEF-NOTES ("Units").
 */
import { DEFAULT_TIME_ZONE, formatDateTime } from '@water/shared';
import { MONEY_NUMBER_FORMAT } from './billing-money';

export const NUMBER_FORMATS = {
  integer: { maximumFractionDigits: 0 },
  // Meter indexes and consumption in m³ with litre resolution.
  volume: { minimumFractionDigits: 3, maximumFractionDigits: 3 },
  // Q1–Q4 in m³/h: Q1 = Q3 / R needs four decimals (2.5 / 160 = 0.0156), the same on every page.
  flowRate: { maximumFractionDigits: 4 },
  // R (Q3/Q1) and other ratios.
  ratio: { maximumFractionDigits: 2 },
  // Pressure loss in bar.
  pressure: { maximumFractionDigits: 3 },
  // Lengths in mm.
  length: { maximumFractionDigits: 1 },
  // SNR in dB.
  signal: { maximumFractionDigits: 1 },
  // Billing amounts (issue 18): Turkish lira with kuruş, the language's separators.
  money: MONEY_NUMBER_FORMAT,
  // Tax and interest rates in percent, up to two decimals.
  rate: { maximumFractionDigits: 2 },
  // Shares (0–1) shown as a percentage with one decimal.
  share: { style: 'percent', maximumFractionDigits: 1 },
} as const;

export type NumberFormatName = keyof typeof NUMBER_FORMATS;

/** Decimals of a coordinate: six is about 10 cm, what a GPS fix or a map click gives. */
export const COORDINATE_DIGITS = 6;

/**
 * A coordinate keeps the decimal point in every language, as maps and GPS devices write them (a Turkish
 * comma would be read as the separator of the pair).
 */
export function formatCoordinate(value: number | null | undefined): string | null {
  return value == null || !Number.isFinite(value) ? null : value.toFixed(COORDINATE_DIGITS);
}

/** "lat, lng" or null when either is missing. */
export function formatCoordinates(latitude: number | null | undefined, longitude: number | null | undefined): string | null {
  const lat = formatCoordinate(latitude);
  const lng = formatCoordinate(longitude);
  return lat && lng ? `${lat}, ${lng}` : null;
}

/** A coordinate rounded as it is shown and stored from a map pick. */
export function roundCoordinate(value: number): number {
  return Number(value.toFixed(COORDINATE_DIGITS));
}

/** DD.MM.YYYY HH:mm:ss in the tenant's zone; a dash when there is no date. */
export function formatDateTimeOrDash(value: string | Date | null | undefined, timeZone: string = DEFAULT_TIME_ZONE): string {
  return value ? formatDateTime(value, timeZone) : '—';
}

/**
 * A definition's name in the page's language (issue 21): the Turkish `name` is always stored, the English
 * one may be missing, and either language falls back to the other.
 */
export function localName(locale: string, name: string | null | undefined, nameEn: string | null | undefined): string {
  const [first, second] = locale.startsWith('en') ? [nameEn, name] : [name, nameEn];
  return first || second || '—';
}
