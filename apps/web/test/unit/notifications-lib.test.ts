import { describe, expect, it } from 'vitest';
import {
  badgeText,
  createPreferencesForm,
  FEED_SIZE,
  validatePreferences,
  withIncoming,
  withRead,
  type NotificationFeed,
  type Preferences,
} from '~/lib/notifications';

const item = (id: string, readAt: string | null = null) => ({
  id,
  tenantId: 't',
  eventType: 'alarm.opened',
  severity: 'CRITICAL' as const,
  title: `title ${id}`,
  body: 'body',
  createdAt: '2026-03-10T10:00:00.000Z',
  readAt,
});
const live = (id: string, unreadCount: number) => ({ ...item(id), unreadCount });

describe('notification feed', () => {
  it('puts a live notification in front once, with the count the API sent', () => {
    const feed: NotificationFeed = { items: [item('a')], unreadCount: 1 };
    const next = withIncoming(feed, live('b', 2));
    expect(next.items.map((n) => n.id)).toEqual(['b', 'a']);
    expect(next.unreadCount).toBe(2);
    expect(withIncoming(next, live('b', 2)).items).toHaveLength(2);
    const full = { items: Array.from({ length: FEED_SIZE }, (_, i) => item(String(i))), unreadCount: FEED_SIZE };
    expect(withIncoming(full, live('new', 31)).items).toHaveLength(FEED_SIZE);
  });

  it('marks one or all read, keeping an earlier read time', () => {
    const feed: NotificationFeed = { items: [item('a'), item('b'), item('c', '2026-01-01T00:00:00.000Z')], unreadCount: 2 };
    const one = withRead(feed, 'a', '2026-03-10T11:00:00.000Z', 1);
    expect(one.items.map((n) => n.readAt)).toEqual(['2026-03-10T11:00:00.000Z', null, '2026-01-01T00:00:00.000Z']);
    expect(one.unreadCount).toBe(1);
    const all = withRead(one, null, '2026-03-10T12:00:00.000Z', 0);
    expect(all.items.map((n) => n.readAt)).toEqual(['2026-03-10T11:00:00.000Z', '2026-03-10T12:00:00.000Z', '2026-01-01T00:00:00.000Z']);
  });

  it('shows the unread count on the bell', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(7)).toBe('7');
    expect(badgeText(100)).toBe('99+');
  });
});

describe('notification preferences form', () => {
  const prefs: Preferences = {
    language: 'tr',
    quietHours: null,
    urgentOverridesQuietHours: true,
    emailDigest: false,
    events: [{ eventType: 'alarm.opened', email: true, inApp: true }],
  };

  it('builds the body: quiet hours only when switched on', () => {
    const form = createPreferencesForm(prefs);
    expect(form.dirty.value).toBe(false);
    expect(form.payload()).toEqual(prefs);
    form.values.quiet = true;
    form.values.events[0]!.email = false;
    expect(form.dirty.value).toBe(true);
    expect(form.payload()).toMatchObject({
      quietHours: { start: '22:00', end: '07:00' },
      events: [{ eventType: 'alarm.opened', email: false, inApp: true }],
    });
  });

  it('checks the times of quiet hours', () => {
    const values = { ...createPreferencesForm(prefs).values, quiet: true };
    expect(validatePreferences({ ...values, quietStart: '22:00', quietEnd: '07:00' })).toEqual({});
    expect(validatePreferences({ ...values, quietStart: '24:00', quietEnd: '07:00' })).toEqual({
      quietStart: 'notifications.preferences.invalidTime',
    });
    expect(validatePreferences({ ...values, quietStart: '07:00', quietEnd: '07:00' })).toEqual({
      quietEnd: 'notifications.preferences.sameTimes',
    });
    expect(validatePreferences({ ...values, quiet: false, quietStart: 'x' })).toEqual({});
  });
});
