/** What an endpoint may listen to: every event of the platform (the API's NOTIFICATION_EVENT_TYPES), customers' too. */
export const WEBHOOK_EVENTS = [
  'alarm.opened',
  'alarm.cleared',
  'import.finished',
  'billing.run.finished',
  'invoice.issued',
  'payment.received',
  'payment.overdue',
] as const;
type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A tenant's webhook endpoint as the form edits it (the API's CreateWebhookDto / UpdateWebhookDto). */
export interface WebhookValues {
  tenantId: string;
  name: string;
  url: string;
  eventTypes: string[];
  isActive: boolean;
}
export type WebhookField = 'tenantId' | 'name' | 'url' | 'eventTypes';

export interface WebhookLike {
  tenantId: string;
  name: string;
  url: string;
  eventTypes: string[];
  isActive: boolean;
}

export function webhookValues(webhook: WebhookLike | null, tenantId: string): WebhookValues {
  return webhook
    ? { tenantId: webhook.tenantId, name: webhook.name, url: webhook.url, eventTypes: [...webhook.eventTypes], isActive: webhook.isActive }
    : { tenantId, name: '', url: 'https://', eventTypes: ['alarm.opened'], isActive: true };
}

const isEvent = (value: string): value is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(value);

/** i18n keys of the problems, by field (the API checks the URL's host again: no private addresses). */
export function validateWebhook(v: WebhookValues): Partial<Record<WebhookField, string>> {
  const out: Partial<Record<WebhookField, string>> = {};
  if (!v.tenantId) out.tenantId = 'notifications.webhooks.form.required';
  if (!v.name.trim()) out.name = 'notifications.webhooks.form.required';
  else if (v.name.trim().length > 100) out.name = 'notifications.webhooks.form.tooLong';
  const url = v.url.trim();
  if (!/^https?:\/\/[^\s/]+/i.test(url) || !URL.canParse(url)) out.url = 'notifications.webhooks.form.badUrl';
  else if (url.length > 2000) out.url = 'notifications.webhooks.form.tooLong';
  if (!v.eventTypes.some(isEvent)) out.eventTypes = 'notifications.webhooks.form.pickEvents';
  return out;
}

/** The POST body of a new endpoint. */
export function createWebhookPayload(v: WebhookValues) {
  return {
    tenantId: v.tenantId,
    name: v.name.trim(),
    url: v.url.trim(),
    eventTypes: WEBHOOK_EVENTS.filter((e) => v.eventTypes.includes(e)),
    isActive: v.isActive,
  };
}

/** The PATCH body: only what changed (the tenant of an endpoint is fixed). */
export function updateWebhookPayload(before: WebhookLike, v: WebhookValues) {
  const next = createWebhookPayload(v);
  const body: Partial<Omit<ReturnType<typeof createWebhookPayload>, 'tenantId'>> = {};
  if (next.name !== before.name) body.name = next.name;
  if (next.url !== before.url) body.url = next.url;
  if ([...next.eventTypes].sort().join() !== [...before.eventTypes].sort().join()) body.eventTypes = next.eventTypes;
  if (next.isActive !== before.isActive) body.isActive = next.isActive;
  return body;
}
