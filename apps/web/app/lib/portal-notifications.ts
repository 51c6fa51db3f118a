import { ALARM_TYPES, type AlarmType } from '@water/shared';
import type { Preferences, PreferencesValues } from '~/lib/notifications';

/** Texts the portal derives from codes the API sends (issue 19): alarm types and their advice, event types, consents. */

const ALARM_TYPE_KEYS: Readonly<Record<AlarmType, string>> = {
  TAMPER: 'portal.alarmTypes.TAMPER',
  LOW_BATTERY: 'portal.alarmTypes.LOW_BATTERY',
  TILT: 'portal.alarmTypes.TILT',
  REVERSE_FLOW: 'portal.alarmTypes.REVERSE_FLOW',
  LEAK: 'portal.alarmTypes.LEAK',
  BURST: 'portal.alarmTypes.BURST',
  HIGH_USAGE: 'portal.alarmTypes.HIGH_USAGE',
  NO_SIGNAL: 'portal.alarmTypes.NO_SIGNAL',
};

/** i18n key of an alarm type's name; unknown types read "Alarm". */
export function alarmTypeKey(type: string): string {
  return (ALARM_TYPES as readonly string[]).includes(type) ? ALARM_TYPE_KEYS[type as AlarmType] : 'portal.alarmTypes.other';
}

/** What the customer should do about an alarm, by the API's adviceKey (e.g. LEAK); a general line for the rest. */
const ADVICE_KEYS: Readonly<Record<string, string>> = {
  LEAK: 'portal.advice.LEAK',
  BURST: 'portal.advice.BURST',
  HIGH_USAGE: 'portal.advice.HIGH_USAGE',
  REVERSE_FLOW: 'portal.advice.REVERSE_FLOW',
  TAMPER: 'portal.advice.TAMPER',
  TILT: 'portal.advice.TILT',
  LOW_BATTERY: 'portal.advice.LOW_BATTERY',
  NO_SIGNAL: 'portal.advice.NO_SIGNAL',
};

export function adviceKey(key: string | null | undefined): string {
  return (key && Object.hasOwn(ADVICE_KEYS, key) ? ADVICE_KEYS[key] : undefined) ?? 'portal.advice.general';
}

/** Event types a customer is told about; their names in portal.json. */
const EVENT_KEYS: Readonly<Record<string, string>> = {
  'alarm.opened': 'portal.events.alarmOpened',
  'alarm.cleared': 'portal.events.alarmCleared',
  'invoice.issued': 'portal.events.invoiceIssued',
  'payment.received': 'portal.events.paymentReceived',
  'payment.overdue': 'portal.events.paymentOverdue',
  'dunning.step': 'portal.events.dunningStep',
  'password.reset': 'portal.events.passwordReset',
};

export function eventKey(eventType: string): string {
  return (Object.hasOwn(EVENT_KEYS, eventType) ? EVENT_KEYS[eventType] : undefined) ?? 'portal.events.other';
}

/** Consent kinds a customer may give or withdraw (the API's CONSENT_KINDS); listed even before any record exists. */
export const CONSENT_KINDS = ['KVKK_PRIVACY_NOTICE', 'KVKK_EXPLICIT_CONSENT', 'EMAIL_NOTIFICATIONS', 'SMS_NOTIFICATIONS'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

const CONSENT_KEYS: Readonly<Record<ConsentKind, string>> = {
  KVKK_PRIVACY_NOTICE: 'portal.consents.kinds.KVKK_PRIVACY_NOTICE',
  KVKK_EXPLICIT_CONSENT: 'portal.consents.kinds.KVKK_EXPLICIT_CONSENT',
  EMAIL_NOTIFICATIONS: 'portal.consents.kinds.EMAIL_NOTIFICATIONS',
  SMS_NOTIFICATIONS: 'portal.consents.kinds.SMS_NOTIFICATIONS',
};

export function consentKey(kind: string): string {
  return (CONSENT_KINDS as readonly string[]).includes(kind) ? CONSENT_KEYS[kind as ConsentKind] : 'portal.consents.kinds.other';
}

export interface ConsentRecord {
  kind: string;
  version: string;
  granted: boolean;
  at: string;
}

/** The current state per kind (the newest record wins): every known kind, never-recorded ones with no record. */
export function currentConsents(records: readonly ConsentRecord[]): { kind: string; record: ConsentRecord | null }[] {
  const newest = new Map<string, ConsentRecord>();
  for (const r of records) {
    const seen = newest.get(r.kind);
    if (!seen || Date.parse(r.at) > Date.parse(seen.at)) newest.set(r.kind, r);
  }
  const kinds = [...CONSENT_KINDS, ...[...newest.keys()].filter((k) => !(CONSENT_KINDS as readonly string[]).includes(k)).sort()];
  return kinds.map((kind) => ({ kind, record: newest.get(kind) ?? null }));
}

/** What the bell shows: nothing at 0, the count up to 99, then 99+. */
export { badgeText } from '~/lib/notifications';

export interface PortalNotificationItem {
  id: string;
  eventType: string;
  severity: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

export interface PortalFeed {
  items: PortalNotificationItem[];
  unreadCount: number;
  nextCursor: string | null;
}

/** Most notifications the centre keeps from live events before the next page is asked for. */
export const PORTAL_FEED_SIZE = 50;

/** The feed with a live `notification.created` in front (once, even when the event arrives twice). */
export function withIncomingNotification(
  feed: PortalFeed,
  e: Omit<PortalNotificationItem, 'readAt'> & { unreadCount: number },
): PortalFeed {
  if (feed.items.some((n) => n.id === e.id)) return { ...feed, unreadCount: e.unreadCount };
  const item: PortalNotificationItem = {
    id: e.id,
    eventType: e.eventType,
    severity: e.severity,
    title: e.title,
    body: e.body,
    createdAt: e.createdAt,
    readAt: null,
  };
  return { ...feed, items: [item, ...feed.items].slice(0, PORTAL_FEED_SIZE), unreadCount: e.unreadCount };
}

/** The feed after marking one (`id`) or all (`null`) read at `at`; the unread count follows locally. */
export function withNotificationRead(feed: PortalFeed, id: string | null, at: string): PortalFeed {
  let marked = 0;
  const items = feed.items.map((n) => {
    if (n.readAt || (id !== null && n.id !== id)) return n;
    marked++;
    return { ...n, readAt: at };
  });
  return { ...feed, items, unreadCount: id === null ? 0 : Math.max(0, feed.unreadCount - marked) };
}

/** The PUT body of the portal's preferences: every event the API listed is sent back as it was edited. */
export function portalPreferencesPayload(v: PreferencesValues): Preferences {
  return {
    language: v.language,
    quietHours: v.quiet ? { start: v.quietStart, end: v.quietEnd } : null,
    urgentOverridesQuietHours: v.urgentOverridesQuietHours,
    emailDigest: v.emailDigest,
    events: v.events.map((e) => ({ eventType: e.eventType, email: e.email, inApp: e.inApp })),
  };
}
