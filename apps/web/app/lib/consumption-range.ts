import type { DateInputProblem } from '~/lib/date-input';
import { CONSUMPTION_INTERVALS, DEFAULT_TIME_ZONE, MAX_RANGE_DAYS, type ConsumptionInterval } from '@water/shared';
import { formatDateInput, nextDay, parseDateInput } from '~/lib/date-input';

/**
 * The range and bucket size of a consumption chart, kept in the URL (interval, from, to as DD.MM.YYYY,
 * both days inclusive) and turned into the API's ISO `from` (inclusive) and `to` (exclusive) instants.
 */
export { CONSUMPTION_INTERVALS, MAX_RANGE_DAYS, type ConsumptionInterval };

/** Days shown when the URL names no range. */
export const DEFAULT_RANGE_DAYS: Record<ConsumptionInterval, number> = { hour: 2, day: 30, month: 365 };

export interface ConsumptionRangeInput {
  interval: ConsumptionInterval;
  /** DD.MM.YYYY, first day shown */
  from: string;
  /** DD.MM.YYYY, last day shown */
  to: string;
}

export type RangeProblem = { field: 'from' | 'to'; problem: DateInputProblem | 'order' | 'tooLong' };

export function isInterval(value: unknown): value is ConsumptionInterval {
  return typeof value === 'string' && (CONSUMPTION_INTERVALS as readonly string[]).includes(value);
}

/** The default window of an interval: the last N days up to today, in `timeZone`. */
export function defaultRange(
  interval: ConsumptionInterval,
  now: Date = new Date(),
  timeZone: string = DEFAULT_TIME_ZONE,
): ConsumptionRangeInput {
  const days = DEFAULT_RANGE_DAYS[interval];
  return {
    interval,
    from: formatDateInput(now.getTime() - (days - 1) * 86_400_000, timeZone),
    to: formatDateInput(now, timeZone),
  };
}

/** The API query of a range, or what is wrong with it. */
export function rangeQuery(
  range: ConsumptionRangeInput,
  timeZone: string = DEFAULT_TIME_ZONE,
): { ok: true; query: { interval: ConsumptionInterval; from: string; to: string } } | { ok: false; error: RangeProblem } {
  const from = parseDateInput(range.from, timeZone);
  if (!from.ok) return { ok: false, error: { field: 'from', problem: from.problem } };
  const lastDay = parseDateInput(range.to, timeZone);
  if (!lastDay.ok) return { ok: false, error: { field: 'to', problem: lastDay.problem } };
  const to = parseDateInput(nextDay(range.to), timeZone);
  if (!to.ok) return { ok: false, error: { field: 'to', problem: to.problem } };
  if (to.date <= from.date || lastDay.date < from.date) return { ok: false, error: { field: 'to', problem: 'order' } };
  const days = (to.date.getTime() - from.date.getTime()) / 86_400_000;
  if (days > MAX_RANGE_DAYS[range.interval]) return { ok: false, error: { field: 'from', problem: 'tooLong' } };
  return { ok: true, query: { interval: range.interval, from: from.iso, to: to.iso } };
}
