import type { NotificationCreatedEvent } from '@water/shared';
import { computed, reactive } from 'vue';

/** The notification centre's pure logic: the list as live events change it, and the preferences form. */

export type NotificationSeverity = NotificationCreatedEvent['severity'];

export interface NotificationItem {
  id: string;
  tenantId: string;
  eventType: string;
  severity: NotificationSeverity;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationFeed {
  items: NotificationItem[];
  unreadCount: number;
}

/** Most notifications the bell keeps in memory. */
export const FEED_SIZE = 30;

/** The feed with a live `notification.created` in front (once, even when the event arrives twice). */
export function withIncoming(feed: NotificationFeed, e: NotificationCreatedEvent): NotificationFeed {
  if (feed.items.some((n) => n.id === e.id)) return { ...feed, unreadCount: e.unreadCount };
  const item: NotificationItem = {
    id: e.id,
    tenantId: e.tenantId,
    eventType: e.eventType,
    severity: e.severity,
    title: e.title,
    body: e.body,
    createdAt: e.createdAt,
    readAt: null,
  };
  return { items: [item, ...feed.items].slice(0, FEED_SIZE), unreadCount: e.unreadCount };
}

/** The feed after marking one (`id`) or all (`null`) read, at `at`, with the count the API answered. */
export function withRead(feed: NotificationFeed, id: string | null, at: string, unreadCount: number): NotificationFeed {
  return {
    items: feed.items.map((n) => (n.readAt || (id !== null && n.id !== id) ? n : { ...n, readAt: at })),
    unreadCount,
  };
}

/** What the bell shows: nothing at 0, the count up to 99, then 99+. */
export function badgeText(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(count);
}

export const SEVERITY_TONES: Readonly<Record<NotificationSeverity, string>> = {
  INFO: 'bg-sky-500',
  SUCCESS: 'bg-emerald-500',
  WARNING: 'bg-amber-500',
  CRITICAL: 'bg-red-600',
};

export const EVENT_LABELS: Readonly<Record<string, string>> = {
  'alarm.opened': 'notifications.events.alarmOpened',
  'alarm.cleared': 'notifications.events.alarmCleared',
  'import.finished': 'notifications.events.importFinished',
  'billing.run.finished': 'notifications.events.billingRunFinished',
  'invoice.issued': 'notifications.events.invoiceIssued',
  'payment.received': 'notifications.events.paymentReceived',
  'payment.overdue': 'notifications.events.paymentOverdue',
};

// ─── Preferences ──────────────────────────────────────────────────────────────

/** The events a person may switch per channel (the API's NOTIFICATION_EVENT_TYPES). */
export const NOTIFICATION_EVENTS = ['alarm.opened', 'alarm.cleared', 'import.finished', 'billing.run.finished'] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];
const isKnownEvent = (value: string): value is NotificationEventType => (NOTIFICATION_EVENTS as readonly string[]).includes(value);

export interface Preferences {
  language: 'tr' | 'en';
  quietHours: { start: string; end: string } | null;
  urgentOverridesQuietHours: boolean;
  emailDigest: boolean;
  events: { eventType: string; email: boolean; inApp: boolean }[];
}

/** What the form edits: quiet hours as two texts and a switch. */
export interface PreferencesValues {
  language: 'tr' | 'en';
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  urgentOverridesQuietHours: boolean;
  emailDigest: boolean;
  events: { eventType: string; email: boolean; inApp: boolean }[];
}

export type PreferencesField = 'quietStart' | 'quietEnd';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

export function preferencesValues(p: Preferences): PreferencesValues {
  return {
    language: p.language,
    quiet: p.quietHours !== null,
    quietStart: p.quietHours?.start ?? '22:00',
    quietEnd: p.quietHours?.end ?? '07:00',
    urgentOverridesQuietHours: p.urgentOverridesQuietHours,
    emailDigest: p.emailDigest,
    events: p.events.map((e) => ({ ...e })),
  };
}

/** i18n keys of the problems, by field. */
export function validatePreferences(v: PreferencesValues): Partial<Record<PreferencesField, string>> {
  if (!v.quiet) return {};
  const out: Partial<Record<PreferencesField, string>> = {};
  if (!CLOCK.test(v.quietStart)) out.quietStart = 'notifications.preferences.invalidTime';
  if (!CLOCK.test(v.quietEnd)) out.quietEnd = 'notifications.preferences.invalidTime';
  else if (v.quietStart === v.quietEnd) out.quietEnd = 'notifications.preferences.sameTimes';
  return out;
}

export interface PreferencesBody extends Omit<Preferences, 'events'> {
  events: { eventType: NotificationEventType; email: boolean; inApp: boolean }[];
}

/** The PUT /api/me/notification-preferences body (events the console does not know are left as they are). */
export function preferencesPayload(v: PreferencesValues): PreferencesBody {
  return {
    language: v.language,
    quietHours: v.quiet ? { start: v.quietStart, end: v.quietEnd } : null,
    urgentOverridesQuietHours: v.urgentOverridesQuietHours,
    emailDigest: v.emailDigest,
    events: v.events.flatMap((e) => (isKnownEvent(e.eventType) ? [{ eventType: e.eventType, email: e.email, inApp: e.inApp }] : [])),
  };
}

/** The form's state: values, problems once tried, and whether anything changed. */
export function createPreferencesForm(initial: Preferences) {
  const start = JSON.stringify(preferencesValues(initial));
  const values = reactive(preferencesValues(initial)) as PreferencesValues;
  const issues = computed(() => validatePreferences(values));
  const valid = computed(() => Object.keys(issues.value).length === 0);
  const dirty = computed(() => JSON.stringify(values) !== start);
  return { values, issues, valid, dirty, payload: () => preferencesPayload(values) };
}
