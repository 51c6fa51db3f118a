import { Inject, Injectable } from '@nestjs/common';
import { ALARM_TYPES, type AlarmType } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { BadInputException } from '../../core/http/errors';
import {
  mapNotificationDelivery,
  mapPortalCodeEntry,
  mapWebhookLogEntry,
  type DeliveryLogEntry,
  type DeliveryLogQuery,
  type TemplatePreviewQuery,
} from './notification-log.dto';
import { NotificationLogRepository, type LogSlice } from './notification-log.repository';
import { renderEmail, renderMessage, type Audience, type EventContext, type Language } from './notification-templates';
import {
  CUSTOMER_EVENT_TYPES,
  EVENT_RULES,
  OPERATOR_EVENT_TYPES,
  type NotificationEvents,
  type NotificationEventType,
} from './notifications.events';

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';
const SAMPLE_TIME = '2026-03-10T06:30:00.000Z';
const SAMPLE_TENANT: Record<Language, string> = { tr: 'Örnek Su İdaresi', en: 'Sample Water Utility' };

/** A made-up payload per event for the template preview; an event without one cannot be previewed yet. */
const SAMPLES: { [E in NotificationEventType]?: (alarmType: AlarmType) => NotificationEvents[E] } = {
  'alarm.opened': (type) => ({
    id: SAMPLE_ID,
    tenantId: SAMPLE_ID,
    type,
    deviceId: null,
    meterId: null,
    subscriptionId: null,
    startedAt: SAMPLE_TIME,
    clearedAt: null,
  }),
  'alarm.cleared': (type) => ({
    id: SAMPLE_ID,
    tenantId: SAMPLE_ID,
    type,
    deviceId: null,
    meterId: null,
    subscriptionId: null,
    startedAt: SAMPLE_TIME,
    clearedAt: '2026-03-10T09:45:00.000Z',
  }),
  'import.finished': () => ({
    tenantId: SAMPLE_ID,
    jobId: SAMPLE_ID,
    kind: 'READINGS',
    status: 'DONE',
    dryRun: false,
    totalRows: 1200,
    createdRows: 1198,
    failedRows: 2,
    userId: null,
  }),
  'billing.run.finished': () => ({
    tenantId: SAMPLE_ID,
    runId: SAMPLE_ID,
    status: 'ISSUED',
    periodStart: '2026-02-01',
    periodEnd: '2026-02-28',
    invoiceCount: 1250,
    grossKurus: '48575050',
    userId: null,
  }),
  'invoice.issued': () => ({
    tenantId: SAMPLE_ID,
    invoiceId: SAMPLE_ID,
    number: 'ABC2026000000123',
    grossKurus: '48550',
    issueDate: '2026-03-01',
    dueDate: '2026-03-16',
    periodStart: '2026-02-01',
    periodEnd: '2026-02-28',
  }),
  'payment.received': () => ({
    tenantId: SAMPLE_ID,
    paymentId: SAMPLE_ID,
    amountKurus: '48550',
    receivedAt: SAMPLE_TIME,
    method: 'BANK_TRANSFER',
    balanceKurus: '0',
  }),
  'payment.overdue': () => ({
    tenantId: SAMPLE_ID,
    stepId: SAMPLE_ID,
    invoiceId: SAMPLE_ID,
    number: 'ABC2026000000123',
    ordinal: 1,
    dueDate: '2026-03-16',
    daysOverdue: 7,
    outstandingKurus: '48550',
  }),
};

/** The events each audience is told about (operators in the console, customers in the portal). */
const AUDIENCE_EVENTS: Record<Audience, readonly NotificationEventType[]> = {
  operator: OPERATOR_EVENT_TYPES,
  customer: CUSTOMER_EVENT_TYPES,
};

export const PREVIEWABLE_EVENTS = Object.keys(SAMPLES) as NotificationEventType[];

const byNewest = (x: DeliveryLogEntry, y: DeliveryLogEntry) =>
  x.createdAt === y.createdAt ? (x.id < y.id ? 1 : x.id > y.id ? -1 : 0) : x.createdAt < y.createdAt ? 1 : -1;

/**
 * The recipient as the caller may see them: operators' names and addresses with USERS read at the
 * delivery's tenant, customers' addresses with CUSTOMERS read; else only what kind of recipient it was.
 */
function withVisibleRecipient(access: AccessContext, e: DeliveryLogEntry): DeliveryLogEntry {
  const module = e.recipient.kind === 'USER' ? 'USERS' : e.recipient.kind === 'WEBHOOK' ? null : 'CUSTOMERS';
  if (!module || access.can(module, 'read', e.tenantId)) return e;
  return { ...e, recipient: { kind: e.recipient.kind, name: null, address: null } };
}

/**
 * What was sent to whom, and how it went (operators' view of the tenants whose settings they read:
 * TENANTS read), and what the messages look like.
 */
@Injectable()
export class NotificationLogService {
  constructor(
    private readonly repository: NotificationLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One page of the delivery log, newest first, over the sources the channel names: notification
   * deliveries (e-mail, in-app), webhook deliveries, the portal's code e-mails. Each source answers at most
   * limit + 1 rows past the cursor; the merge keeps the newest `limit`, so a page is exact across sources.
   */
  async list(access: AccessContext, q: DeliveryLogQuery): Promise<{ items: DeliveryLogEntry[]; nextCursor: string | null }> {
    const tenantIds = access.tenantIds('TENANTS', 'read', q.tenantId);
    if (!tenantIds.length) return { items: [], nextCursor: null };
    const slice: LogSlice = { tenantIds, status: q.status, from: q.from, to: q.to, before: q.cursor, limit: q.limit + 1 };
    const wants = (channel: (typeof q)['channel']) => !q.channel || q.channel === channel;
    const [notifications, webhooks, codes] = await Promise.all([
      q.channel === 'WEBHOOK'
        ? []
        : this.repository.notificationDeliveries({ ...slice, channel: q.channel }).then((rows) => rows.map(mapNotificationDelivery)),
      wants('WEBHOOK') ? this.repository.webhookDeliveries(slice).then((rows) => rows.map(mapWebhookLogEntry)) : [],
      wants('EMAIL') && q.status !== 'SUPPRESSED'
        ? this.repository.portalCodeEmails(slice).then((rows) => rows.map(mapPortalCodeEntry))
        : [],
    ]);
    const merged = [...notifications, ...webhooks, ...codes].sort(byNewest);
    const items = merged.slice(0, q.limit).map((e) => withVisibleRecipient(access, e));
    const last = items[items.length - 1];
    return { items, nextCursor: merged.length > q.limit && last ? `${last.createdAt}_${last.id}` : null };
  }

  catalogue() {
    const previewable = (audience: Audience) => AUDIENCE_EVENTS[audience].filter((e) => PREVIEWABLE_EVENTS.includes(e));
    return {
      events: PREVIEWABLE_EVENTS,
      operatorEvents: previewable('operator'),
      customerEvents: previewable('customer'),
      languages: ['tr', 'en'] as Language[],
      alarmTypes: [...ALARM_TYPES],
    };
  }

  /** The in-app texts and the e-mail of `event` in `language`, rendered from a sample payload by the real templates. */
  preview(q: TemplatePreviewQuery) {
    const sample = (SAMPLES as Record<string, ((alarmType: AlarmType) => object) | undefined>)[q.event];
    const told = (AUDIENCE_EVENTS[q.audience] as readonly string[]).includes(q.event);
    if (!sample || !told) {
      const events = AUDIENCE_EVENTS[q.audience].filter((e) => PREVIEWABLE_EVENTS.includes(e));
      throw new BadInputException(`no ${q.audience} preview for event ${q.event}`, [
        { path: ['event'], message: `must be one of ${events.join(', ')}` },
      ]);
    }
    return this.render(
      q.event as NotificationEventType,
      sample(q.alarmType) as NotificationEvents[NotificationEventType],
      q.language,
      q.audience,
    );
  }

  private render<E extends NotificationEventType>(event: E, payload: NotificationEvents[E], language: Language, audience: Audience) {
    const ctx: EventContext = { tenantName: SAMPLE_TENANT[language], timeZone: 'Europe/Istanbul', subject: 'SAMPLE-0001' };
    const severity = EVENT_RULES[event].severity(payload);
    const { title, body } = renderMessage(event, payload, ctx, language, audience);
    const base = this.config.PUBLIC_URL.replace(/\/$/, '');
    const mail = renderEmail({
      language,
      timeZone: ctx.timeZone,
      items: [{ title, body, severity, createdAt: new Date(SAMPLE_TIME) }],
      digest: false,
      consoleUrl: audience === 'customer' ? `${base}/portal/notifications` : `${base}/notifications`,
      audience,
      unsubscribeUrl: `${this.config.PUBLIC_API_URL.replace(/\/$/, '')}/api/notifications/unsubscribe?token=sample`,
    });
    return { event, language, audience, severity, title, body, ...mail };
  }
}
