import type { AlarmEvent, AlarmType } from '@water/shared';

/**
 * Every event the platform may tell people about, with its payload: the one place their shapes are
 * defined. A module that wants to tell someone calls `NotificationsService.notify(type, payload)`;
 * adding an event is a member here, its rule in EVENT_RULES and its texts in templates/messages.ts.
 */
export interface NotificationEvents {
  'alarm.opened': AlarmEvent;
  'alarm.cleared': AlarmEvent;
  'import.finished': {
    tenantId: string;
    jobId: string;
    kind: 'READINGS' | 'METERS' | 'CUSTOMERS' | 'DEVICES';
    status: 'DONE' | 'FAILED';
    dryRun: boolean;
    totalRows: number;
    createdRows: number;
    failedRows: number;
    /** Who started it: the one told. */
    userId: string | null;
  };
  'billing.run.finished': {
    tenantId: string;
    runId: string;
    status: 'DRAFT' | 'ISSUED' | 'FAILED';
    periodStart: string;
    periodEnd: string;
    invoiceCount: number;
    /** Integer kuruş as a decimal string (JSON has no BigInt). */
    grossKurus: string;
    userId: string | null;
  };
  'invoice.issued': InvoiceIssuedEvent;
  'payment.received': PaymentReceivedEvent;
  'payment.overdue': PaymentOverdueEvent;
}

/**
 * Customers' billing events. The caller names the record after its transaction committed (ids only);
 * the fan-out reads the rest from the database (nothing is told of a record that is not there) and
 * fills the optional fields, which webhooks and the stored notification carry.
 */
export interface InvoiceIssuedEvent {
  tenantId: string;
  invoiceId: string;
  customerId?: string;
  number?: string;
  /** Integer kuruş as a decimal string. */
  grossKurus?: string;
  issueDate?: string;
  dueDate?: string;
  periodStart?: string;
  periodEnd?: string;
}
export interface PaymentReceivedEvent {
  tenantId: string;
  paymentId: string;
  customerId?: string;
  amountKurus?: string;
  receivedAt?: string;
  method?: 'CASH_DESK' | 'BANK_TRANSFER' | 'PROVIDER';
  /** The customer's balance after the payment (positive: still owed). */
  balanceKurus?: string;
}
/** A dunning reminder step (dunning_step of kind REMINDER). */
export interface PaymentOverdueEvent {
  tenantId: string;
  stepId: string;
  invoiceId?: string;
  customerId?: string;
  number?: string;
  ordinal?: number;
  dueDate?: string;
  daysOverdue?: number;
  outstandingKurus?: string;
}

export type NotificationEventType = keyof NotificationEvents;
export const NOTIFICATION_EVENT_TYPES = [
  'alarm.opened',
  'alarm.cleared',
  'import.finished',
  'billing.run.finished',
  'invoice.issued',
  'payment.received',
  'payment.overdue',
] as const satisfies readonly NotificationEventType[];
/** What an operator may be told (console preferences). */
export const OPERATOR_EVENT_TYPES = [
  'alarm.opened',
  'alarm.cleared',
  'import.finished',
  'billing.run.finished',
] as const satisfies readonly NotificationEventType[];
/** What a customer may be told (portal preferences); password-reset codes go by portal-auth's own job, always. */
export const CUSTOMER_EVENT_TYPES = [
  'invoice.issued',
  'payment.received',
  'payment.overdue',
  'alarm.opened',
  'alarm.cleared',
] as const satisfies readonly NotificationEventType[];
export type CustomerEventType = (typeof CUSTOMER_EVENT_TYPES)[number];
export type OperatorEventType = (typeof OPERATOR_EVENT_TYPES)[number];

/** A test POST to one webhook endpoint; never told to people. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export type NotificationSeverity = 'INFO' | 'SUCCESS' | 'WARNING' | 'CRITICAL';

/** Alarms that cost water or mean someone opened the meter: urgent (they may break quiet hours and skip the digest). */
const URGENT_ALARMS: ReadonlySet<AlarmType> = new Set(['LEAK', 'BURST', 'TAMPER', 'REVERSE_FLOW']);

interface EventRule<E extends NotificationEventType> {
  severity(p: NotificationEvents[E]): NotificationSeverity;
  /** Same key within the dedupe window: the recipient is not told again. */
  dedupeKey(p: NotificationEvents[E]): string;
  /** Operators told: those subscribed to the alarm type ('alarm'), the payload's user ('starter'), or none. */
  recipients: 'alarm' | 'starter' | 'none';
  /** The customer told (their portal account): of the alarm's subscription, the invoice, the payment or the dunning step. */
  customer: 'alarm' | 'invoice' | 'payment' | 'dunning-step' | null;
}

const alarmKey = (type: string, p: AlarmEvent) => `${type}:${p.deviceId ?? p.meterId ?? p.id}:${p.type}`;

export const EVENT_RULES: { [E in NotificationEventType]: EventRule<E> } = {
  'alarm.opened': {
    severity: (p) => (URGENT_ALARMS.has(p.type) ? 'CRITICAL' : 'WARNING'),
    dedupeKey: (p) => alarmKey('alarm.opened', p),
    recipients: 'alarm',
    customer: 'alarm',
  },
  'alarm.cleared': { severity: () => 'INFO', dedupeKey: (p) => alarmKey('alarm.cleared', p), recipients: 'alarm', customer: 'alarm' },
  'import.finished': {
    severity: (p) => (p.status === 'DONE' && !p.failedRows ? 'SUCCESS' : 'WARNING'),
    dedupeKey: (p) => `import.finished:${p.jobId}`,
    recipients: 'starter',
    customer: null,
  },
  'billing.run.finished': {
    severity: (p) => (p.status === 'FAILED' ? 'WARNING' : 'SUCCESS'),
    dedupeKey: (p) => `billing.run.finished:${p.runId}:${p.status}`,
    recipients: 'starter',
    customer: null,
  },
  'invoice.issued': {
    severity: () => 'INFO',
    dedupeKey: (p) => `invoice.issued:${p.invoiceId}`,
    recipients: 'none',
    customer: 'invoice',
  },
  'payment.received': {
    severity: () => 'SUCCESS',
    dedupeKey: (p) => `payment.received:${p.paymentId}`,
    recipients: 'none',
    customer: 'payment',
  },
  'payment.overdue': {
    severity: () => 'WARNING',
    dedupeKey: (p) => `payment.overdue:${p.stepId}`,
    recipients: 'none',
    customer: 'dunning-step',
  },
};

export function isEventType(value: string): value is NotificationEventType {
  return (NOTIFICATION_EVENT_TYPES as readonly string[]).includes(value);
}

export function isCustomerEventType(value: string): value is CustomerEventType {
  return (CUSTOMER_EVENT_TYPES as readonly string[]).includes(value);
}
