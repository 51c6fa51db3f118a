import { BadInputException } from '../../core/http/errors';
import type { ConsumptionGranularity, ConsumptionQuery } from './portal.dto';
import type { DayRange } from './portal.repository';

/** Longest ranges a customer may ask for (the contract's limits). */
export const MAX_DAYS = 400;
export const MAX_MONTHS = 36;

const DAY_MS = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (day: string, n: number): string => fromMs(toMs(day) + n * DAY_MS);
export const daysBetween = (from: string, to: string): number => Math.round((toMs(to) - toMs(from)) / DAY_MS) + 1;

/** The first day of the month `n` months after `day`'s month. */
export function addMonths(day: string, n: number): string {
  const d = new Date(toMs(day));
  return fromMs(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}
export const monthStart = (day: string): string => `${day.slice(0, 7)}-01`;
export const monthEnd = (day: string): string => addDays(addMonths(day, 1), -1);

/** The same calendar day a year earlier (29 February becomes 28 February). */
export function yearEarlier(day: string): string {
  const y = Number(day.slice(0, 4)) - 1;
  const md = day.slice(5);
  return md === '02-29' ? `${y}-02-28` : `${y}-${md}`;
}

/** Today in a time zone, YYYY-MM-DD. */
export function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export interface ResolvedRange extends DayRange {
  granularity: ConsumptionGranularity;
  /** Periods of the answer: days (YYYY-MM-DD) or months (YYYY-MM). */
  periods: string[];
  /** The range of equal length just before this one. */
  previous: DayRange;
  /** The same range a year earlier. */
  lastYear: DayRange;
}

/**
 * The asked range in local days: by day, the last 30 days to today unless given (at most 400); by
 * month, whole months (from the first of `from`'s month to the last of `to`'s), the last 12 unless
 * given (at most 36).
 */
export function resolveRange(q: ConsumptionQuery, today: string): ResolvedRange {
  const bad = (message: string, path: string) => new BadInputException(message, [{ path: [path], message }]);
  if (q.granularity === 'day') {
    const to = q.to ?? today;
    const from = q.from ?? addDays(to, -29);
    if (from > to) throw bad('from must not be after to', 'from');
    const n = daysBetween(from, to);
    if (n > MAX_DAYS) throw bad(`a daily range covers at most ${MAX_DAYS} days`, 'from');
    return {
      granularity: 'day',
      from,
      to,
      periods: Array.from({ length: n }, (_, i) => addDays(from, i)),
      previous: { from: addDays(from, -n), to: addDays(from, -1) },
      lastYear: { from: yearEarlier(from), to: yearEarlier(to) },
    };
  }
  const to = monthEnd(q.to ?? today);
  const from = monthStart(q.from ?? addMonths(to, -11));
  if (from > to) throw bad('from must not be after to', 'from');
  const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  if (months > MAX_MONTHS) throw bad(`a monthly range covers at most ${MAX_MONTHS} months`, 'from');
  return {
    granularity: 'month',
    from,
    to,
    periods: Array.from({ length: months }, (_, i) => addMonths(from, i).slice(0, 7)),
    previous: { from: addMonths(from, -months), to: addDays(from, -1) },
    lastYear: { from: yearEarlier(from), to: monthEnd(yearEarlier(to.slice(0, 8) + '01')) },
  };
}
