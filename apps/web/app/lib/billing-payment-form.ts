import type { FieldIssue } from '~/lib/form-model';
import { parseDateTime } from '@water/shared';
import { MAX_KURUS, parseMoney } from '~/lib/billing-money';

/**
 * The cash desk and refunds (issue 18), pure: an amount typed in TL becomes integer kuruş, the receipt
 * number is the idempotency key of the entry, the moment received is typed as DD.MM.YYYY HH:mm:ss in the
 * tenant's zone. Bank exports: the export links of the billing lists.
 */

export interface CashDeskValues {
  subscriptionId: string | null;
  amount: string;
  receiptNo: string;
  /** DD.MM.YYYY HH:mm:ss */
  receivedAt: string;
  note: string;
}

function amountIssue(text: string): FieldIssue | undefined {
  const kurus = parseMoney(text);
  if (kurus === null) return { key: 'billing.validation.required' };
  if (Number.isNaN(kurus)) return { key: 'billing.validation.money' };
  if (kurus <= 0) return { key: 'billing.validation.positive' };
  if (kurus > MAX_KURUS * 100) return { key: 'billing.validation.tooLarge' };
  return undefined;
}

export function validateCashDesk(values: CashDeskValues, timeZone?: string): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  if (!values.subscriptionId) issues.subscriptionId = { key: 'billing.validation.choose' };
  const amount = amountIssue(values.amount);
  if (amount) issues.amountKurus = amount;
  if (!values.receiptNo.trim()) issues.receiptNo = { key: 'billing.validation.required' };
  else if (values.receiptNo.trim().length > 60) issues.receiptNo = { key: 'billing.validation.maxLength', params: { max: 60 } };
  if (!parseDateTime(values.receivedAt, timeZone)) issues.receivedAt = { key: 'billing.validation.dateTime' };
  if (values.note.length > 500) issues.note = { key: 'billing.validation.maxLength', params: { max: 500 } };
  return issues;
}

export function cashDeskPayload(values: CashDeskValues, timeZone?: string) {
  return {
    subscriptionId: values.subscriptionId!,
    amountKurus: parseMoney(values.amount)!,
    receiptNo: values.receiptNo.trim(),
    receivedAt: parseDateTime(values.receivedAt, timeZone)!.toISOString(),
    method: 'CASH_DESK' as const,
    ...(values.note.trim() ? { note: values.note.trim() } : {}),
  };
}

export interface RefundValues {
  amount: string;
  reason: string;
}

/** A refund takes back at most what the payment has left (its amount less earlier refunds). */
export function validateRefund(values: RefundValues, refundableKurus: number): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  const amount = amountIssue(values.amount);
  if (amount) issues.amountKurus = amount;
  else if (parseMoney(values.amount)! > refundableKurus) issues.amountKurus = { key: 'billing.validation.refundTooLarge' };
  if (!values.reason.trim()) issues.reason = { key: 'billing.validation.required' };
  else if (values.reason.trim().length > 500) issues.reason = { key: 'billing.validation.maxLength', params: { max: 500 } };
  return issues;
}

export const refundPayload = (values: RefundValues) => ({ amountKurus: parseMoney(values.amount)!, reason: values.reason.trim() });

export type BillingExportFormat = 'csv' | 'xlsx';

/** A billing list's CSV/XLSX export: a plain link through this site's proxy, so the session applies. */
export function billingExportHref(
  path: string,
  query: Readonly<Record<string, string | number | null | undefined>>,
  format: BillingExportFormat,
  locale: string,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '' || key === 'page' || key === 'pageSize') continue;
    params.set(key, String(value));
  }
  params.set('format', format);
  params.set('locale', locale === 'en' ? 'en' : 'tr');
  return `${path}?${params.toString()}`;
}
