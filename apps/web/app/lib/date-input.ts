import { DEFAULT_TIME_ZONE, formatDateTime, parseDateTime } from '@water/shared';

/**
 * Dates typed as the brief writes them: DD.MM.YYYY HH:mm:ss (24 h) and DD.MM.YYYY, read in the
 * tenant's time zone and sent to the API as ISO instants.
 */
export type DateInputProblem = 'format' | 'impossible';
export type DateInputResult = { ok: true; date: Date; iso: string } | { ok: false; problem: DateInputProblem };

const DATE_TIME_SHAPE = /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/;
const DATE_SHAPE = /^\d{2}\.\d{2}\.\d{4}$/;

/** A DD.MM.YYYY HH:mm:ss text in `timeZone`; "format" when the shape is wrong, "impossible" for 31.02 or 25:00. */
export function parseDateTimeInput(text: string, timeZone: string = DEFAULT_TIME_ZONE): DateInputResult {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (!DATE_TIME_SHAPE.test(trimmed)) return { ok: false, problem: 'format' };
  const date = parseDateTime(trimmed, timeZone);
  return date ? { ok: true, date, iso: date.toISOString() } : { ok: false, problem: 'impossible' };
}

/** Midnight starting a DD.MM.YYYY day in `timeZone`. */
export function parseDateInput(text: string, timeZone: string = DEFAULT_TIME_ZONE): DateInputResult {
  const trimmed = text.trim();
  if (!DATE_SHAPE.test(trimmed)) return { ok: false, problem: 'format' };
  return parseDateTimeInput(`${trimmed} 00:00:00`, timeZone);
}

/** The form value of a stored instant. */
export function formatDateTimeInput(value: Date | string | null | undefined, timeZone: string = DEFAULT_TIME_ZONE): string {
  return value ? formatDateTime(value, timeZone) : '';
}

/** DD.MM.YYYY of an instant in `timeZone`. */
export function formatDateInput(value: Date | string | number, timeZone: string = DEFAULT_TIME_ZONE): string {
  return formatDateTime(value, timeZone).slice(0, 10);
}

/** The calendar day after a DD.MM.YYYY day (month and year boundaries, leap years). */
export function nextDay(text: string): string {
  const [d = 1, m = 1, y = 1970] = text.split('.').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(next.getUTCDate())}.${pad(next.getUTCMonth() + 1)}.${next.getUTCFullYear()}`;
}

/** Types a digit string into the DD.MM.YYYY HH:mm:ss mask as the user goes ("08122025" gives "08.12.2025"). */
export function maskDateTime(text: string, withTime = true): string {
  const digits = text.replace(/\D/g, '').slice(0, withTime ? 14 : 8);
  const seps = ['', '', '.', '', '.', '', '', '', ' ', '', ':', '', ':', ''];
  return [...digits].map((digit, i) => (seps[i] ?? '') + digit).join('');
}
