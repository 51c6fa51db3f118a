import { z } from 'zod';
import { ALARM_TYPES } from '@water/shared';
import { createZodDto } from '../../core/http/zod-dto';
import { formatClock } from './notification-rules';
import { CUSTOMER_EVENT_TYPES, NOTIFICATION_EVENT_TYPES, OPERATOR_EVENT_TYPES } from './notifications.events';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });
const booleanQuery = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (24 h)');
const EventTypeSchema = z.enum(NOTIFICATION_EVENT_TYPES, { message: `must be one of ${NOTIFICATION_EVENT_TYPES.join(', ')}` });
const AlarmTypeSchema = z.enum(ALARM_TYPES, { message: `must be one of ${ALARM_TYPES.join(', ')}` });
const SeveritySchema = z.enum(['INFO', 'SUCCESS', 'WARNING', 'CRITICAL']);
const DeliveryStatusSchema = z.enum(['QUEUED', 'SENT', 'FAILED', 'SUPPRESSED']);

// ---- the in-app centre ----

export const NotificationListQuerySchema = z
  .object({ unread: booleanQuery.optional(), limit: z.coerce.number().int().min(1).max(100).default(30) })
  .strict();
export class NotificationListQueryDto extends createZodDto(NotificationListQuerySchema) {}

export const NotificationSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  eventType: z.string(),
  severity: SeveritySchema,
  title: z.string(),
  body: z.string(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string().datetime(),
  readAt: z.string().datetime().nullable(),
});
export const NotificationListSchema = z.object({ items: z.array(NotificationSchema), unreadCount: z.number().int() });
export class NotificationListDto extends createZodDto(NotificationListSchema) {}

export const ReadResultSchema = z.object({ updated: z.number().int(), unreadCount: z.number().int() });
export class ReadResultDto extends createZodDto(ReadResultSchema) {}

export function mapNotification(n: {
  id: string;
  tenant_id: string;
  event_type: string;
  severity: z.infer<typeof SeveritySchema>;
  title: string;
  body: string;
  payload: unknown;
  created_at: Date | string;
  read_at: Date | string | null;
}) {
  return {
    id: n.id,
    tenantId: n.tenant_id,
    eventType: n.event_type,
    severity: n.severity,
    title: n.title,
    body: n.body,
    payload: (n.payload ?? {}) as Record<string, unknown>,
    createdAt: new Date(n.created_at).toISOString(),
    readAt: n.read_at ? new Date(n.read_at).toISOString() : null,
  };
}

// ---- preferences ----

const OperatorEventTypeSchema = z.enum(OPERATOR_EVENT_TYPES, { message: `must be one of ${OPERATOR_EVENT_TYPES.join(', ')}` });
const EventPreferenceSchema = z.object({ eventType: OperatorEventTypeSchema, email: z.boolean(), inApp: z.boolean() }).strict();
const QuietHoursSchema = z
  .object({ start: clock, end: clock })
  .strict()
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] });

export const PreferencesSchema = z.object({
  language: z.enum(['tr', 'en']),
  /** Local time of the notification's tenant; e-mails that are not urgent wait for the end. */
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  /** Urgent alarms (leak, burst, tamper, reverse flow) are e-mailed during quiet hours and not held for the digest. */
  urgentOverridesQuietHours: z.boolean(),
  /** One e-mail a day instead of one per notification. */
  emailDigest: z.boolean(),
  events: z.array(z.object({ eventType: z.string(), email: z.boolean(), inApp: z.boolean() })),
});
export class PreferencesDto extends createZodDto(PreferencesSchema) {}

export const UpdatePreferencesSchema = z
  .object({
    language: z.enum(['tr', 'en']).optional(),
    quietHours: QuietHoursSchema.nullable().optional(),
    urgentOverridesQuietHours: z.boolean().optional(),
    emailDigest: z.boolean().optional(),
    events: z
      .array(EventPreferenceSchema)
      .max(OPERATOR_EVENT_TYPES.length)
      .refine((list) => new Set(list.map((e) => e.eventType)).size === list.length, { message: 'an event type appears twice' })
      .optional(),
  })
  .strict();
export class UpdatePreferencesDto extends createZodDto(UpdatePreferencesSchema) {}

export function mapPreferences(
  settings:
    | { language: string; quiet_start: number | null; quiet_end: number | null; urgent_overrides: boolean; email_digest: boolean }
    | undefined,
  prefs: { event_type: string; channel: 'EMAIL' | 'IN_APP'; enabled: boolean }[],
  eventTypes: readonly string[] = OPERATOR_EVENT_TYPES,
) {
  const on = (eventType: string, channel: 'EMAIL' | 'IN_APP') =>
    prefs.find((p) => p.event_type === eventType && p.channel === channel)?.enabled ?? true;
  return {
    language: settings?.language === 'en' ? ('en' as const) : ('tr' as const),
    quietHours:
      settings && settings.quiet_start !== null && settings.quiet_end !== null
        ? { start: formatClock(settings.quiet_start), end: formatClock(settings.quiet_end) }
        : null,
    urgentOverridesQuietHours: settings?.urgent_overrides ?? true,
    emailDigest: settings?.email_digest ?? false,
    events: eventTypes.map((eventType) => ({ eventType, email: on(eventType, 'EMAIL'), inApp: on(eventType, 'IN_APP') })),
  };
}

// ---- the portal's centre (a customer's own notifications and preferences) ----

/** Keyset cursor: the last item's createdAt and id, e.g. 2026-12-05T06:00:00.000Z_<uuid>. */
const cursor = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z_[0-9a-f-]{36}$/, 'must be a cursor answered by this list (nextCursor)');

export const PortalNotificationListQuerySchema = z
  .object({
    unread: booleanQuery.optional(),
    cursor: cursor.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();
export class PortalNotificationListQueryDto extends createZodDto(PortalNotificationListQuerySchema) {}

export const PortalNotificationSchema = z.object({
  id: z.string().uuid(),
  eventType: z.string(),
  severity: SeveritySchema,
  title: z.string(),
  body: z.string(),
  createdAt: z.string().datetime(),
  readAt: z.string().datetime().nullable(),
});
export const PortalNotificationListSchema = z.object({
  items: z.array(PortalNotificationSchema),
  unreadCount: z.number().int(),
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export class PortalNotificationListDto extends createZodDto(PortalNotificationListSchema) {}

export function mapPortalNotification(n: {
  id: string;
  event_type: string;
  severity: z.infer<typeof SeveritySchema>;
  title: string;
  body: string;
  created_at: Date | string;
  read_at: Date | string | null;
}) {
  return {
    id: n.id,
    eventType: n.event_type,
    severity: n.severity,
    title: n.title,
    body: n.body,
    createdAt: new Date(n.created_at).toISOString(),
    readAt: n.read_at ? new Date(n.read_at).toISOString() : null,
  };
}

const CustomerEventTypeSchema = z.enum(CUSTOMER_EVENT_TYPES, { message: `must be one of ${CUSTOMER_EVENT_TYPES.join(', ')}` });
/** Same shape as the console's preferences, over the events a customer is told of. */
export const UpdatePortalPreferencesSchema = UpdatePreferencesSchema.extend({
  events: z
    .array(z.object({ eventType: CustomerEventTypeSchema, email: z.boolean(), inApp: z.boolean() }).strict())
    .max(CUSTOMER_EVENT_TYPES.length)
    .refine((list) => new Set(list.map((e) => e.eventType)).size === list.length, { message: 'an event type appears twice' })
    .optional(),
}).strict();
export class UpdatePortalPreferencesDto extends createZodDto(UpdatePortalPreferencesSchema) {}

export const UnsubscribeQuerySchema = z.object({ token: z.string().min(1).max(200) }).strict();
export class UnsubscribeQueryDto extends createZodDto(UnsubscribeQuerySchema) {}

// ---- tenants' alarm subscriptions ----

export const AlarmSubscriptionListQuerySchema = z.object({ tenantId: uuid().optional(), userId: uuid().optional() }).strict();
export class AlarmSubscriptionListQueryDto extends createZodDto(AlarmSubscriptionListQuerySchema) {}

export const CreateAlarmSubscriptionsSchema = z
  .object({
    /** Alarms of this tenant and its descendants. */
    tenantId: uuid(),
    userId: uuid(),
    alarmTypes: z.array(AlarmTypeSchema).min(1, 'at least one alarm type').max(ALARM_TYPES.length),
  })
  .strict();
export class CreateAlarmSubscriptionsDto extends createZodDto(CreateAlarmSubscriptionsSchema) {}

export const AlarmSubscriptionSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  userId: z.string().uuid(),
  userName: z.string(),
  email: z.string(),
  alarmType: AlarmTypeSchema,
  createdAt: z.string().datetime(),
});
export class AlarmSubscriptionListDto extends createZodDto(z.array(AlarmSubscriptionSchema)) {}
export const CreatedSubscriptionsSchema = z.object({ created: z.number().int(), subscriptions: z.array(AlarmSubscriptionSchema) });
export class CreatedSubscriptionsDto extends createZodDto(CreatedSubscriptionsSchema) {}

export function mapSubscription(s: {
  id: string;
  tenant_id: string;
  user_id: string;
  alarm_type: z.infer<typeof AlarmTypeSchema>;
  created_at: Date | string;
  name: string;
  surname: string;
  email: string;
}) {
  return {
    id: s.id,
    tenantId: s.tenant_id,
    userId: s.user_id,
    userName: `${s.name} ${s.surname}`,
    email: s.email,
    alarmType: s.alarm_type,
    createdAt: new Date(s.created_at).toISOString(),
  };
}

// ---- webhook endpoints ----

const url = z
  .string()
  .trim()
  .max(2000)
  .url('must be a URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL');

export const WebhookListQuerySchema = z.object({ tenantId: uuid().optional() }).strict();
export class WebhookListQueryDto extends createZodDto(WebhookListQuerySchema) {}

export const CreateWebhookSchema = z
  .object({
    tenantId: uuid(),
    name: z.string().trim().min(1).max(100),
    url,
    eventTypes: z.array(EventTypeSchema).min(1, 'at least one event type').max(NOTIFICATION_EVENT_TYPES.length),
    isActive: z.boolean().default(true),
  })
  .strict();
export class CreateWebhookDto extends createZodDto(CreateWebhookSchema) {}

export const UpdateWebhookSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    url: url.optional(),
    eventTypes: z.array(EventTypeSchema).min(1, 'at least one event type').max(NOTIFICATION_EVENT_TYPES.length).optional(),
    isActive: z.boolean().optional(),
  })
  .strict();
export class UpdateWebhookDto extends createZodDto(UpdateWebhookSchema) {}

export const WebhookSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  name: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  isActive: z.boolean(),
  createdAt: z.string().datetime(),
});
export class WebhookDto extends createZodDto(WebhookSchema) {}
export class WebhookListDto extends createZodDto(z.array(WebhookSchema)) {}
/** The signing secret is shown once, at creation or rotation. */
export const WebhookWithSecretSchema = WebhookSchema.extend({ secret: z.string() });
export class WebhookWithSecretDto extends createZodDto(WebhookWithSecretSchema) {}

export function mapWebhook(w: {
  id: string;
  tenantId: string;
  name: string;
  url: string;
  eventTypes: string[];
  isActive: boolean;
  createdAt: Date;
}) {
  return {
    id: w.id,
    tenantId: w.tenantId,
    name: w.name,
    url: w.url,
    eventTypes: w.eventTypes,
    isActive: w.isActive,
    createdAt: w.createdAt.toISOString(),
  };
}

export const WebhookDeliverySchema = z.object({
  id: z.string().uuid(),
  eventType: z.string(),
  status: DeliveryStatusSchema,
  attempts: z.number().int(),
  httpStatus: z.number().int().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  sentAt: z.string().datetime().nullable(),
});
export class WebhookDeliveryListDto extends createZodDto(z.array(WebhookDeliverySchema)) {}
export const WebhookTestResultSchema = z.object({ deliveryId: z.string().uuid() });
export class WebhookTestResultDto extends createZodDto(WebhookTestResultSchema) {}

export function mapWebhookDelivery(d: {
  id: string;
  event_type: string;
  status: z.infer<typeof DeliveryStatusSchema>;
  attempts: number;
  http_status: number | null;
  reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  sent_at: Date | string | null;
}) {
  return {
    id: d.id,
    eventType: d.event_type,
    status: d.status,
    attempts: d.attempts,
    httpStatus: d.http_status,
    reason: d.reason,
    createdAt: new Date(d.created_at).toISOString(),
    updatedAt: new Date(d.updated_at).toISOString(),
    sentAt: d.sent_at ? new Date(d.sent_at).toISOString() : null,
  };
}
