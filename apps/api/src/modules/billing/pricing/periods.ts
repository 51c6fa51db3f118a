/** Calendar days of billing periods and tariff versions: ISO dates (YYYY-MM-DD), ranges half-open [from, to). */

const DAY_MS = 86_400_000;

export function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not an ISO date: ${date}`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms / DAY_MS;
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The same day of the next month, clamped to that month's last day (31 Jan → 28/29 Feb). */
export function oneMonthAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m, 1));
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDate(Date.UTC(next.getUTCFullYear(), next.getUTCMonth(), Math.min(d, lastDay)) / DAY_MS);
}

/** Days a tariff's monthly quantities (tier blocks, fixed charge, minimum) refer to when a period is not one whole month. */
export const STANDARD_MONTH_DAYS = 30;

/**
 * What share of the tariff's monthly quantities a period carries, as days over a denominator: a whole
 * month (from a day to the same day of the next month) counts as exactly one month whatever its length,
 * any other period as its days over 30.
 */
export function periodBasis(from: string, to: string): { days: number; perMonthDays: number } {
  const days = daysBetween(from, to);
  if (days <= 0) throw new RangeError('a period ends after it starts');
  return { days, perMonthDays: oneMonthAfter(from) === to ? days : STANDARD_MONTH_DAYS };
}
