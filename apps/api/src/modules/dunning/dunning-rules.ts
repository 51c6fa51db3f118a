import { dayNumber, isoDate, STANDARD_MONTH_DAYS } from '../billing/pricing/periods';

/**
 * Dunning rules that need no database (docs/decisions.md, "Billing: dunning"). Days are the tenant's
 * calendar days as ISO dates; money is kuruş in BigInt. Pure.
 */

export interface DunningSettings {
  /** Days after the due date on which reminder 1, 2, … fall due. */
  reminderDays: number[];
  /** Days after the due date at which an unpaid subscription enters the disconnection list. */
  disconnectionAfterDays: number;
}

/** billing_settings' defaults (migration 0019), for a tenant none of whose ancestors has a row. */
export const DEFAULT_DUNNING_SETTINGS: DunningSettings = { reminderDays: [3, 10], disconnectionAfterDays: 30 };

export const addDays = (date: string, days: number): string => isoDate(dayNumber(date) + days);

/** Whole days past the due date on `today` (0 on the due date itself and before). */
export function daysOverdue(dueDate: string, today: string): number {
  return Math.max(0, dayNumber(today) - dayNumber(dueDate));
}

/** An invoice is overdue from the day after its due date while something of it is outstanding. */
export function isOverdue(dueDate: string, today: string, outstandingKurus: bigint): boolean {
  return outstandingKurus > 0n && dueDate < today;
}

/**
 * The reminders fallen due by `today`: reminder n on dueDate + the n-th of the configured days (sorted,
 * repeated days counted once). A run that missed days catches up with each reminder's own day.
 */
export function remindersDue(dueDate: string, today: string, reminderDays: number[]): { ordinal: number; dueOn: string }[] {
  const days = [...new Set(reminderDays.filter((d) => d > 0))].sort((a, b) => a - b);
  return days.map((d, i) => ({ ordinal: i + 1, dueOn: addDays(dueDate, d) })).filter((r) => r.dueOn <= today);
}

/** The day a subscription with this invoice unpaid enters the disconnection list. */
export function disconnectionDay(dueDate: string, settings: DunningSettings): string {
  return addDays(dueDate, settings.disconnectionAfterDays);
}

/** The last day of the month before `today`'s: the month-end a run on `today` may close. */
export function lastClosedMonthEnd(today: string): string {
  return addDays(`${today.slice(0, 8)}01`, -1);
}

/**
 * The days (from, through inclusive) of the next interest booking of an invoice, or null when nothing is
 * to be booked on `today`. Interest accrues from the day after the due date; a booking closes each
 * month-end (on the first run after it), and a settled invoice books its last days on the run that sees
 * it settled. `settledOn`: the day its outstanding amount fell to 0 (null while something is
 * outstanding); that day and later owe nothing.
 */
export function interestPeriod(o: {
  dueDate: string;
  /** The last day the previous bookings covered, null before the first. */
  bookedThrough: string | null;
  today: string;
  settledOn: string | null;
}): { from: string; through: string } | null {
  const from = addDays(o.bookedThrough ?? o.dueDate, 1);
  const through = o.settledOn !== null ? addDays(o.settledOn < o.today ? o.settledOn : o.today, -1) : lastClosedMonthEnd(o.today);
  return through >= from ? { from, through } : null;
}

/** An allocation to the invoice as the calendar sees it: the day it was made, its amount (negative reverses). */
export interface DatedAllocation {
  day: string;
  amountKurus: bigint;
}

/** The invoice's outstanding amount at the end of `day`: gross less the allocations made by then. */
export function outstandingOn(grossKurus: bigint, allocations: DatedAllocation[], day: string): bigint {
  return allocations.reduce((rest, a) => (a.day <= day ? rest - a.amountKurus : rest), grossKurus);
}

/** The day the outstanding amount last fell to 0 (or below) and stayed there up to `today`; null if it is not 0 today. */
export function settledOn(grossKurus: bigint, allocations: DatedAllocation[], today: string): string | null {
  if (outstandingOn(grossKurus, allocations, today) > 0n) return null;
  const days = [...new Set(allocations.map((a) => a.day).filter((d) => d <= today))].sort();
  let settled: string | null = null;
  for (const d of days) {
    if (outstandingOn(grossKurus, allocations, d) <= 0n) settled ??= d;
    else settled = null;
  }
  return settled;
}

/**
 * Late-payment interest over the days from..through (inclusive): simple interest at a monthly rate
 * (basis points) on each day's end-of-day outstanding amount, a day being 1/30 of a month, rounded half
 * up to the kuruş once per booking:
 *   round( Σ_days outstanding(day) × rateBp / (10 000 × 30) ).
 */
export function interestKurus(o: {
  grossKurus: bigint;
  allocations: DatedAllocation[];
  from: string;
  through: string;
  rateBp: number;
}): bigint {
  if (o.rateBp <= 0 || o.through < o.from) return 0n;
  let kurusDays = 0n;
  for (let day = dayNumber(o.from); day <= dayNumber(o.through); day++) {
    const rest = outstandingOn(o.grossKurus, o.allocations, isoDate(day));
    if (rest > 0n) kurusDays += rest;
  }
  return divideHalfUp(kurusDays * BigInt(o.rateBp), 10_000n * BigInt(STANDARD_MONTH_DAYS));
}

/** a / b rounded half up, for a ≥ 0 and b > 0. */
export function divideHalfUp(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (b * 2n);
}

export type BillingStatus = 'OK' | 'OVERDUE' | 'DISCONNECTION_PENDING' | 'DISCONNECTED' | 'RECONNECTION_PENDING';
export type DisconnectionStatus = 'OPEN' | 'DONE' | 'RECONNECT_OPEN' | 'RECONNECTED' | 'CANCELLED';

/** A subscription's billing status from its live disconnection order (if any) and whether it has an overdue invoice. */
export function billingStatus(liveOrder: DisconnectionStatus | null, overdue: boolean): BillingStatus {
  if (liveOrder === 'OPEN') return 'DISCONNECTION_PENDING';
  if (liveOrder === 'DONE') return 'DISCONNECTED';
  if (liveOrder === 'RECONNECT_OPEN') return 'RECONNECTION_PENDING';
  return overdue ? 'OVERDUE' : 'OK';
}

/** What the daily run does to a live order when the customer's overdue outstanding amount is 0. */
export function orderAfterSettlement(status: DisconnectionStatus): 'CANCELLED' | 'RECONNECT_OPEN' | null {
  if (status === 'OPEN') return 'CANCELLED';
  if (status === 'DONE') return 'RECONNECT_OPEN';
  return null;
}
