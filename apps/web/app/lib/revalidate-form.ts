import { formatDateInput, nextDay, parseDateInput } from '~/lib/date-input';

/**
 * Running a meter's validation rules again over a range of days (after the rules' settings changed, or
 * a correction), optionally estimating its missing intervals: POST /api/meters/:id/revalidate.
 */
export interface RevalidateValues {
  /** DD.MM.YYYY, first and last day (inclusive) in the meter's zone. */
  from: string;
  to: string;
  estimate: boolean;
}
export type RevalidateField = 'from' | 'to';

/** The API runs at most 366 days at a time. */
export const MAX_REVALIDATE_DAYS = 366;
const DAY_MS = 86_400_000;

/** The last week up to today. */
export function emptyRevalidate(now: Date, timeZone: string): RevalidateValues {
  return { from: formatDateInput(now.getTime() - 6 * DAY_MS, timeZone), to: formatDateInput(now, timeZone), estimate: false };
}

export function validateRevalidate(values: RevalidateValues, timeZone: string): Partial<Record<RevalidateField, string>> {
  const errors: Partial<Record<RevalidateField, string>> = {};
  const from = parseDateInput(values.from, timeZone);
  const to = parseDateInput(values.to, timeZone);
  if (!from.ok) errors.from = 'meterData.revalidate.errors.date';
  if (!to.ok) errors.to = 'meterData.revalidate.errors.date';
  if (from.ok && to.ok) {
    if (to.date < from.date) errors.to = 'meterData.revalidate.errors.order';
    else if ((to.date.getTime() - from.date.getTime()) / DAY_MS + 1 > MAX_REVALIDATE_DAYS)
      errors.to = 'meterData.revalidate.errors.tooLong';
  }
  return errors;
}

/** The API body: from the first day's midnight to the midnight after the last day. */
export function revalidatePayload(values: RevalidateValues, timeZone: string): { from: string; to: string; estimate: boolean } {
  const from = parseDateInput(values.from, timeZone);
  const to = parseDateInput(nextDay(values.to.trim()), timeZone);
  return { from: from.ok ? from.iso : values.from, to: to.ok ? to.iso : values.to, estimate: values.estimate };
}
