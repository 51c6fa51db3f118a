import type { ApiBody, ApiSchema } from '~/lib/api-client';
import type { FieldIssue } from '~/lib/form-model';

/**
 * A tenant's billing settings as a form (issue 18), pure: what a run does without readings, the payment
 * term, the day the previous month is billed by itself, reminder days, when disconnection starts, the
 * invoices' language. Numbers are typed as text; reminder days as a comma-separated list.
 */

export type BillingSettings = ApiSchema<'BillingSettingsDto'>;
export type BillingSettingsBody = ApiBody<'/api/tenants/{id}/billing-settings', 'put'>;

export interface BillingSettingsValues {
  noReadingPolicy: BillingSettings['noReadingPolicy'];
  paymentTermDays: string;
  /** '' when runs are started by hand only. */
  scheduledRunDay: string;
  /** "3, 10" */
  reminderDays: string;
  disconnectionAfterDays: string;
  invoiceLanguage: BillingSettings['invoiceLanguage'];
}

export function settingsValuesFrom(s: BillingSettings): BillingSettingsValues {
  return {
    noReadingPolicy: s.noReadingPolicy,
    paymentTermDays: String(s.paymentTermDays),
    scheduledRunDay: s.scheduledRunDay === null ? '' : String(s.scheduledRunDay),
    reminderDays: s.reminderDays.join(', '),
    disconnectionAfterDays: String(s.disconnectionAfterDays),
    invoiceLanguage: s.invoiceLanguage,
  };
}

const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);
const days = (text: string) =>
  text
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map(whole);

function range(text: string, min: number, max: number): FieldIssue | undefined {
  const n = whole(text);
  if (!text.trim()) return { key: 'billing.validation.required' };
  if (Number.isNaN(n) || n < min || n > max) return { key: 'billing.validation.between', params: { min, max } };
  return undefined;
}

export function validateSettings(v: BillingSettingsValues): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue | undefined> = {
    paymentTermDays: range(v.paymentTermDays, 0, 365),
    scheduledRunDay: v.scheduledRunDay.trim() ? range(v.scheduledRunDay, 1, 28) : undefined,
    disconnectionAfterDays: range(v.disconnectionAfterDays, 1, 3650),
  };
  const reminders = days(v.reminderDays);
  if (reminders.length > 10) issues.reminderDays = { key: 'billing.validation.atMostDays', params: { max: 10 } };
  else if (reminders.some((d) => Number.isNaN(d) || d < 1 || d > 365)) issues.reminderDays = { key: 'billing.validation.reminderDays' };
  return Object.fromEntries(Object.entries(issues).filter(([, issue]) => issue)) as Record<string, FieldIssue>;
}

/** The PUT body of values that passed validateSettings; reminder days sorted, each once. */
export function settingsPayload(v: BillingSettingsValues): BillingSettingsBody {
  return {
    noReadingPolicy: v.noReadingPolicy,
    paymentTermDays: whole(v.paymentTermDays),
    scheduledRunDay: v.scheduledRunDay.trim() ? whole(v.scheduledRunDay) : null,
    reminderDays: [...new Set(days(v.reminderDays))].sort((a, b) => a - b),
    disconnectionAfterDays: whole(v.disconnectionAfterDays),
    invoiceLanguage: v.invoiceLanguage,
  };
}
