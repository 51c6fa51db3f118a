import type { ApiBody } from '~/lib/api-client';
import type { FieldIssue } from '~/lib/form-model';
import { litresToM3, parseLitres } from '~/lib/billing-money';

/**
 * "Price this consumption" (issue 18) and billing periods, pure: a period is a calendar month given as
 * YYYY-MM, sent as [first day, first day of the next month); consumption in m³ as typed.
 */

export type PreviewBody = ApiBody<'/api/tariffs/{id}/preview', 'post'>;

/** A month "YYYY-MM" as the API's period: [periodStart, periodEnd). */
export function monthPeriod(month: string): { periodStart: string; periodEnd: string } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const year = Number(m[1]);
  const index = Number(m[2]);
  if (index < 1 || index > 12) return null;
  const next = index === 12 ? `${year + 1}-01` : `${year}-${String(index + 1).padStart(2, '0')}`;
  return { periodStart: `${month}-01`, periodEnd: `${next}-01` };
}

/** The month before the one of `today` (YYYY-MM-DD): the period a run normally bills. */
export function previousMonth(today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

export interface PreviewValues {
  /** YYYY-MM */
  month: string;
  consumptionM3: string;
  estimatedM3: string;
}

export function validatePreview(values: PreviewValues): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  if (!monthPeriod(values.month)) issues.periodStart = { key: 'billing.validation.month' };
  const used = parseLitres(values.consumptionM3);
  const estimated = parseLitres(values.estimatedM3);
  if (used === null) issues.consumptionM3 = { key: 'billing.validation.required' };
  else if (Number.isNaN(used)) issues.consumptionM3 = { key: 'billing.validation.volume' };
  if (estimated !== null && Number.isNaN(estimated)) issues.estimatedM3 = { key: 'billing.validation.volume' };
  else if (estimated !== null && used !== null && !Number.isNaN(used) && estimated > used)
    issues.estimatedM3 = { key: 'billing.validation.estimatedAtMost' };
  return issues;
}

/** The API body of values that passed validatePreview. */
export function previewPayload(values: PreviewValues): PreviewBody {
  const period = monthPeriod(values.month)!;
  return {
    ...period,
    consumptionM3: litresToM3(parseLitres(values.consumptionM3) ?? 0),
    estimatedM3: litresToM3(parseLitres(values.estimatedM3) ?? 0),
  };
}

/** Today's date (YYYY-MM-DD) in a time zone (the tenant's; Europe/Istanbul by default). */
export function localToday(timeZone = 'Europe/Istanbul', now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
