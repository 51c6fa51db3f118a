import { z } from 'zod';
import { ALARM_TYPES } from '@water/shared';
import { createZodDto } from '../../core/http/zod-dto';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });
const instant = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-05T00:00:00+03:00' })
  .transform((s) => new Date(s));

export const LOG_CHANNELS = ['EMAIL', 'IN_APP', 'WEBHOOK'] as const;
export type LogChannel = (typeof LOG_CHANNELS)[number];
const LOG_STATUSES = ['QUEUED', 'SENT', 'FAILED', 'SUPPRESSED'] as const;
/** The e-mailed one-time codes of the customer portal, listed under one event name. */
export const PORTAL_CODE_EVENT = 'portal.code';

/** Keyset cursor: the last row's time and id, e.g. 2026-12-05T06:00:00.000Z_<uuid>. */
const cursor = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z_[0-9a-fA-F-]{36}$/, 'must be a cursor answered by this list (nextCursor)')
  .transform((s) => {
    const i = s.indexOf('Z_');
    return { createdAt: new Date(s.slice(0, i + 1)), id: s.slice(i + 2).toLowerCase() };
  })
  .refine((c) => !Number.isNaN(c.createdAt.getTime()), 'not a valid time');

export const DeliveryLogQuerySchema = z
  .object({
    /** That tenant and its subtree (visible to the caller); else every tenant the caller reads. */
    tenantId: uuid().optional(),
    channel: z.enum(LOG_CHANNELS, { message: `must be one of ${LOG_CHANNELS.join(', ')}` }).optional(),
    status: z.enum(LOG_STATUSES, { message: `must be one of ${LOG_STATUSES.join(', ')}` }).optional(),
    from: instant.optional(),
    to: instant.optional(),
    cursor: cursor.optional(),
    limit: z.coerce.number({ message: 'must be a number' }).int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });
export type DeliveryLogQuery = z.infer<typeof DeliveryLogQuerySchema>;
export class DeliveryLogQueryDto extends createZodDto(DeliveryLogQuerySchema) {}

export const DeliveryLogEntrySchema = z.object({
  /** The delivery's id (notification_delivery, webhook_delivery or portal_challenge). */
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  channel: z.enum(LOG_CHANNELS),
  eventType: z.string(),
  status: z.enum(LOG_STATUSES),
  reason: z.string().nullable(),
  attempts: z.number().int(),
  /** Webhooks: the endpoint's last HTTP answer. */
  httpStatus: z.number().int().nullable(),
  /** Who or what it went to: an operator, a portal account, a webhook endpoint, or an e-mail address (portal codes). */
  recipient: z.object({
    kind: z.enum(['USER', 'PORTAL_ACCOUNT', 'WEBHOOK', 'EMAIL']),
    name: z.string().nullable(),
    address: z.string().nullable(),
  }),
  /** The notification's title; a portal code's purpose (SIGNUP, INVITATION, PASSWORD_RESET); a webhook's endpoint name. */
  subject: z.string().nullable(),
  createdAt: z.string().datetime(),
  sentAt: z.string().datetime().nullable(),
});
export type DeliveryLogEntry = z.infer<typeof DeliveryLogEntrySchema>;
export const DeliveryLogPageSchema = z.object({
  items: z.array(DeliveryLogEntrySchema),
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export class DeliveryLogPageDto extends createZodDto(DeliveryLogPageSchema) {}

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d ? iso(d) : null);

export function mapNotificationDelivery(r: {
  id: string;
  tenant_id: string;
  tenant_name: string;
  channel: 'EMAIL' | 'IN_APP';
  event_type: string;
  status: (typeof LOG_STATUSES)[number];
  reason: string | null;
  attempts: number;
  title: string;
  user_id: string | null;
  user_name: string | null;
  user_surname: string | null;
  user_email: string | null;
  portal_email: string | null;
  created_at: Date | string;
  sent_at: Date | string | null;
}): DeliveryLogEntry {
  const operator = r.user_id !== null;
  return {
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    channel: r.channel,
    eventType: r.event_type,
    status: r.status,
    reason: r.reason,
    attempts: r.attempts,
    httpStatus: null,
    recipient: operator
      ? { kind: 'USER', name: [r.user_name, r.user_surname].filter(Boolean).join(' ') || null, address: r.user_email }
      : { kind: 'PORTAL_ACCOUNT', name: null, address: r.portal_email },
    subject: r.title,
    createdAt: iso(r.created_at),
    sentAt: isoOrNull(r.sent_at),
  };
}

export function mapWebhookLogEntry(r: {
  id: string;
  tenant_id: string;
  tenant_name: string;
  event_type: string;
  status: (typeof LOG_STATUSES)[number];
  reason: string | null;
  attempts: number;
  http_status: number | null;
  endpoint_name: string;
  url: string;
  created_at: Date | string;
  sent_at: Date | string | null;
}): DeliveryLogEntry {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    channel: 'WEBHOOK',
    eventType: r.event_type,
    status: r.status,
    reason: r.reason,
    attempts: r.attempts,
    httpStatus: r.http_status,
    recipient: { kind: 'WEBHOOK', name: r.endpoint_name, address: r.url },
    subject: r.endpoint_name,
    createdAt: iso(r.created_at),
    sentAt: isoOrNull(r.sent_at),
  };
}

export function mapPortalCodeEntry(r: {
  id: string;
  tenant_id: string;
  tenant_name: string;
  purpose: string;
  email: string;
  email_status: (typeof LOG_STATUSES)[number];
  email_reason: string | null;
  email_attempts: number;
  created_at: Date | string;
  sent_at: Date | string | null;
}): DeliveryLogEntry {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    channel: 'EMAIL',
    eventType: PORTAL_CODE_EVENT,
    status: r.email_status,
    reason: r.email_reason,
    attempts: r.email_attempts,
    httpStatus: null,
    recipient: { kind: 'EMAIL', name: null, address: r.email },
    subject: r.purpose,
    createdAt: iso(r.created_at),
    sentAt: isoOrNull(r.sent_at),
  };
}

// ---- template preview ----

export const TemplatePreviewQuerySchema = z
  .object({
    event: z.string().trim().min(1).max(60),
    language: z.enum(['tr', 'en'], { message: 'must be tr or en' }).default('tr'),
    /** Who reads it: an operator (console) or a customer (portal), told other events in other words. */
    audience: z.enum(['operator', 'customer'], { message: 'must be operator or customer' }).default('operator'),
    /** Alarm events: which alarm the sample is about. */
    alarmType: z.enum(ALARM_TYPES, { message: `must be one of ${ALARM_TYPES.join(', ')}` }).default('LEAK'),
  })
  .strict();
export type TemplatePreviewQuery = z.infer<typeof TemplatePreviewQuerySchema>;
export class TemplatePreviewQueryDto extends createZodDto(TemplatePreviewQuerySchema) {}

export const TemplatePreviewSchema = z.object({
  event: z.string(),
  language: z.enum(['tr', 'en']),
  audience: z.enum(['operator', 'customer']),
  severity: z.enum(['INFO', 'SUCCESS', 'WARNING', 'CRITICAL']),
  /** The in-app notification's title and body. */
  title: z.string(),
  body: z.string(),
  /** The e-mail: subject, HTML (user data escaped) and plain text. */
  subject: z.string(),
  html: z.string(),
  text: z.string(),
});
export class TemplatePreviewDto extends createZodDto(TemplatePreviewSchema) {}

export const TemplateCatalogueSchema = z.object({
  /** Events whose messages can be previewed, and of them those each audience is told about. */
  events: z.array(z.string()),
  operatorEvents: z.array(z.string()),
  customerEvents: z.array(z.string()),
  languages: z.array(z.enum(['tr', 'en'])),
  alarmTypes: z.array(z.enum(ALARM_TYPES)),
});
export class TemplateCatalogueDto extends createZodDto(TemplateCatalogueSchema) {}
