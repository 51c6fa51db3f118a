/** i18n keys of the billing enums (static, so the translation checks see every one). */

export const SUBSCRIPTION_TYPE_LABELS = {
  INDIVIDUAL: 'billing.subscriptionTypes.INDIVIDUAL',
  ORGANIZATIONAL: 'billing.subscriptionTypes.ORGANIZATIONAL',
} as const;

export const WASTEWATER_MODE_LABELS = {
  NONE: 'billing.tariffs.wastewaterModes.NONE',
  PER_M3: 'billing.tariffs.wastewaterModes.PER_M3',
  SHARE_OF_WATER: 'billing.tariffs.wastewaterModes.SHARE_OF_WATER',
} as const;

export const VERSION_STATE_LABELS = {
  PAST: 'billing.tariffs.versions.states.PAST',
  CURRENT: 'billing.tariffs.versions.states.CURRENT',
  FUTURE: 'billing.tariffs.versions.states.FUTURE',
} as const;

export const LINE_COMPONENT_LABELS = {
  FIXED: 'billing.components.FIXED',
  WATER: 'billing.components.WATER',
  WASTEWATER: 'billing.components.WASTEWATER',
  FEE: 'billing.components.FEE',
  MINIMUM: 'billing.components.MINIMUM',
  INTEREST: 'billing.components.INTEREST',
  CORRECTION: 'billing.components.CORRECTION',
} as const;

export type LineComponent = keyof typeof LINE_COMPONENT_LABELS;

/** The label of a priced line: its component, with the tier number or the fee's code. */
export function lineLabelKey(line: { component: LineComponent; tier: number | null; code: string | null }): {
  key: string;
  params: Record<string, string | number>;
} {
  if (line.tier !== null) return { key: 'billing.lines.tier', params: { tier: line.tier } };
  if (line.code) return { key: 'billing.lines.coded', params: { code: line.code } };
  return { key: LINE_COMPONENT_LABELS[line.component], params: {} };
}

export const RUN_STATUS_LABELS = {
  QUEUED: 'billing.runs.statuses.QUEUED',
  RUNNING: 'billing.runs.statuses.RUNNING',
  DRAFT: 'billing.runs.statuses.DRAFT',
  ISSUING: 'billing.runs.statuses.ISSUING',
  ISSUED: 'billing.runs.statuses.ISSUED',
  FAILED: 'billing.runs.statuses.FAILED',
} as const;

export const INVOICE_STATUS_LABELS = {
  DRAFT: 'billing.invoices.statuses.DRAFT',
  ISSUED: 'billing.invoices.statuses.ISSUED',
  CANCELLED: 'billing.invoices.statuses.CANCELLED',
} as const;

export const INVOICE_KIND_LABELS = {
  INVOICE: 'billing.invoices.kinds.INVOICE',
  CREDIT_NOTE: 'billing.invoices.kinds.CREDIT_NOTE',
} as const;

/** Badge variants of the statuses: what needs attention stands out. */
export const STATUS_VARIANTS = {
  QUEUED: 'secondary',
  RUNNING: 'secondary',
  DRAFT: 'outline',
  ISSUING: 'secondary',
  ISSUED: 'default',
  FAILED: 'destructive',
  CANCELLED: 'destructive',
} as const;

export const PAYMENT_METHOD_LABELS = {
  CASH_DESK: 'billing.payments.methods.CASH_DESK',
  BANK_TRANSFER: 'billing.payments.methods.BANK_TRANSFER',
  PROVIDER: 'billing.payments.methods.PROVIDER',
} as const;

export const PAYMENT_KIND_LABELS = {
  PAYMENT: 'billing.payments.kinds.PAYMENT',
  REFUND: 'billing.payments.kinds.REFUND',
} as const;

export const BANK_LINE_STATUS_LABELS = {
  MATCHED: 'billing.bank.statuses.MATCHED',
  AMBIGUOUS: 'billing.bank.statuses.AMBIGUOUS',
  UNMATCHED: 'billing.bank.statuses.UNMATCHED',
  ASSIGNED: 'billing.bank.statuses.ASSIGNED',
  IGNORED: 'billing.bank.statuses.IGNORED',
  DEBIT: 'billing.bank.statuses.DEBIT',
  DUPLICATE: 'billing.bank.statuses.DUPLICATE',
} as const;

export const DISCONNECTION_STATUS_LABELS = {
  OPEN: 'billing.dunning.statuses.OPEN',
  DONE: 'billing.dunning.statuses.DONE',
  RECONNECT_OPEN: 'billing.dunning.statuses.RECONNECT_OPEN',
  RECONNECTED: 'billing.dunning.statuses.RECONNECTED',
  CANCELLED: 'billing.dunning.statuses.CANCELLED',
} as const;

export const DUNNING_STEP_LABELS = {
  REMINDER: 'billing.dunning.steps.REMINDER',
  INTEREST: 'billing.dunning.steps.INTEREST',
  DISCONNECTION: 'billing.dunning.steps.DISCONNECTION',
} as const;
