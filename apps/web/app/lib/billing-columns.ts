import type { HeaderColumn } from '~/lib/crud';

/** The billing tables' columns (i18n keys, static so the translation checks see them), for CrudTableHeader. */

/** Priced lines: component, period, m³, unit price, net, VAT, gross. */
export const LINE_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'billing.lines.component' },
  { labelKey: 'billing.lines.period' },
  { labelKey: 'billing.lines.quantity', class: 'text-right' },
  { labelKey: 'billing.lines.unitPrice', class: 'text-right' },
  { labelKey: 'billing.lines.net', class: 'text-right' },
  { labelKey: 'billing.lines.vat', class: 'text-right' },
  { labelKey: 'billing.lines.gross', class: 'text-right' },
];

/** Imported bank statements. */
export const BANK_STATEMENT_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'billing.bank.fields.file' },
  { labelKey: 'billing.bank.fields.account' },
  { labelKey: 'billing.bank.fields.range' },
  { labelKey: 'billing.bank.fields.lines', class: 'text-right' },
  { labelKey: 'billing.bank.fields.waiting', class: 'text-right' },
  { labelKey: 'billing.bank.fields.credit', class: 'text-right' },
  { labelKey: 'billing.bank.fields.importedAt' },
];

/** Billing runs. */
export const RUN_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'billing.runs.fields.period' },
  { labelKey: 'billing.runs.fields.tenant' },
  { labelKey: 'billing.runs.fields.status' },
  { labelKey: 'billing.runs.fields.invoices', class: 'text-right' },
  { labelKey: 'billing.runs.fields.problems', class: 'text-right' },
  { labelKey: 'billing.runs.fields.gross', class: 'text-right' },
  { labelKey: 'billing.runs.fields.startedAt' },
];

/** Overdue invoices. */
export const OVERDUE_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'billing.invoices.fields.number' },
  { labelKey: 'billing.dunning.fields.customer' },
  { labelKey: 'billing.dunning.fields.subscription' },
  { labelKey: 'billing.invoices.fields.dueDate' },
  { labelKey: 'billing.dunning.fields.days', class: 'text-right' },
  { labelKey: 'billing.dunning.fields.outstanding', class: 'text-right' },
  { labelKey: 'billing.dunning.fields.lastStep' },
];

/** Payments and refunds. */
export const PAYMENT_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'billing.payments.fields.receivedAt' },
  { labelKey: 'billing.payments.fields.customer' },
  { labelKey: 'billing.payments.fields.method' },
  { labelKey: 'billing.payments.fields.receiptNo' },
  { labelKey: 'billing.payments.fields.amount', class: 'text-right' },
  { labelKey: 'billing.payments.fields.allocations' },
  { labelKey: 'billing.actions.label', hidden: true },
];

/** The by-group report. */
export const BY_GROUP_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'billing.reports.month' },
  { labelKey: 'billing.reports.byGroup.group' },
  { labelKey: 'billing.reports.byGroup.invoices', class: 'text-right' },
  { labelKey: 'billing.reports.byGroup.consumption', class: 'text-right' },
  { labelKey: 'billing.reports.byGroup.estimated', class: 'text-right' },
  { labelKey: 'billing.lines.net', class: 'text-right' },
  { labelKey: 'billing.lines.gross', class: 'text-right' },
];

/** A bank statement's lines. */
export const BANK_LINE_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'billing.bank.fields.lineNo' },
  { labelKey: 'billing.bank.fields.bookingDate' },
  { labelKey: 'billing.bank.fields.payer' },
  { labelKey: 'billing.bank.fields.reference' },
  { labelKey: 'billing.bank.fields.amount', class: 'text-right' },
  { labelKey: 'billing.bank.fields.status' },
  { labelKey: 'billing.actions.label', hidden: true },
];
