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
}
export type NotificationEventType = keyof NotificationEvents;
export const NOTIFICATION_EVENT_TYPES = [
  'alarm.opened',
  'alarm.cleared',
  'import.finished',
  'billing.run.finished',
] as const satisfies readonly NotificationEventType[];

/** A test POST to one webhook endpoint; never told to people. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export type NotificationSeverity = 'INFO' | 'SUCCESS' | 'WARNING' | 'CRITICAL';

/** Alarms that cost water or mean someone opened the meter: urgent (they may break quiet hours and skip the digest). */
const URGENT_ALARMS: ReadonlySet<AlarmType> = new Set(['LEAK', 'BURST', 'TAMPER', 'REVERSE_FLOW']);

interface EventRule<E extends NotificationEventType> {
  severity(p: NotificationEvents[E]): NotificationSeverity;
  /** Same key within the dedupe window: the recipient is not told again. */
  dedupeKey(p: NotificationEvents[E]): string;
  /** Whose alarm subscriptions decide the recipients ('alarm'), or the payload's user ('starter'). */
  recipients: 'alarm' | 'starter';
}

const alarmKey = (type: string, p: AlarmEvent) => `${type}:${p.deviceId ?? p.meterId ?? p.id}:${p.type}`;

export const EVENT_RULES: { [E in NotificationEventType]: EventRule<E> } = {
  'alarm.opened': {
    severity: (p) => (URGENT_ALARMS.has(p.type) ? 'CRITICAL' : 'WARNING'),
    dedupeKey: (p) => alarmKey('alarm.opened', p),
    recipients: 'alarm',
  },
  'alarm.cleared': { severity: () => 'INFO', dedupeKey: (p) => alarmKey('alarm.cleared', p), recipients: 'alarm' },
  'import.finished': {
    severity: (p) => (p.status === 'DONE' && !p.failedRows ? 'SUCCESS' : 'WARNING'),
    dedupeKey: (p) => `import.finished:${p.jobId}`,
    recipients: 'starter',
  },
  'billing.run.finished': {
    severity: (p) => (p.status === 'FAILED' ? 'WARNING' : 'SUCCESS'),
    dedupeKey: (p) => `billing.run.finished:${p.runId}:${p.status}`,
    recipients: 'starter',
  },
};

export function isEventType(value: string): value is NotificationEventType {
  return (NOTIFICATION_EVENT_TYPES as readonly string[]).includes(value);
}
