import { describe, expect, it } from 'vitest';
import { comparisonRows, granularityFromQuery, hasEstimated, periodLabel } from '~/lib/portal-consumption';
import {
  challengeFromQuery,
  isIdentityNo,
  normalizeCode,
  normalizePhone,
  refusalOf,
  validateCode,
  validateNewPassword,
  validatePhone,
  validateSignupStart,
} from '~/lib/portal-forms';
import {
  adviceKey,
  alarmTypeKey,
  consentKey,
  currentConsents,
  eventKey,
  portalPreferencesPayload,
  withIncomingNotification,
  withNotificationRead,
  type PortalFeed,
} from '~/lib/portal-notifications';
import { activePortalNav, customerName, isPortalPath, isPortalPublicPath, safePortalRedirect } from '~/lib/portal-routes';
import { proxyRouteOf } from '../../server/utils/portal-session';

describe('portal routes', () => {
  it('tells portal paths from console paths', () => {
    expect(isPortalPath('/portal')).toBe(true);
    expect(isPortalPath('/portal/invoices')).toBe(true);
    expect(isPortalPath('/portals')).toBe(false);
    expect(isPortalPath('/meters')).toBe(false);
    expect(isPortalPublicPath('/portal/login')).toBe(true);
    expect(isPortalPublicPath('/portal/signup/')).toBe(true);
    expect(isPortalPublicPath('/portal')).toBe(false);
  });

  it('sends a customer back only to a private portal page of this site', () => {
    expect(safePortalRedirect('/portal/subscriptions/abc?granularity=month')).toBe('/portal/subscriptions/abc?granularity=month');
    for (const bad of [
      undefined,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil',
      '/meters',
      '/portal/login',
      '/portal/signup?x=1',
    ]) {
      expect(safePortalRedirect(bad)).toBe('/portal');
    }
  });

  it('marks the section a page belongs to', () => {
    expect(activePortalNav('/portal')).toBe('/portal');
    expect(activePortalNav('/portal/subscriptions/42')).toBe('/portal/subscriptions');
    expect(activePortalNav('/portal/profile')).toBe('/portal/profile');
  });

  it('addresses a person by name and an organisation by its name', () => {
    expect(customerName({ type: 'INDIVIDUAL', name: 'Ayşe', surname: 'Yılmaz', organizationName: null })).toBe('Ayşe Yılmaz');
    expect(customerName({ type: 'ORGANIZATIONAL', name: null, surname: null, organizationName: 'Yıldız AŞ' })).toBe('Yıldız AŞ');
  });
});

describe('the proxy’s routing of /api paths', () => {
  it('keeps every token-minting route, of the console and the portal, away from the browser', () => {
    for (const path of [
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/logout',
      '/api/portal/auth/login',
      '/api/portal/auth/refresh',
      '/api/portal/auth/logout',
      '/api/portal/auth/signup/verify',
      // Variant spellings the API might route the same way.
      '/api/portal/auth/login/',
      '/api//portal/auth/LOGIN',
      '/api/portal/auth//signup/verify',
      // This server's own session routes.
      '/api/session/login',
      '/api/portal-session/login',
      '/api/portal-session',
    ]) {
      expect(proxyRouteOf(path), path).toBe('blocked');
    }
  });

  it('sends portal routes with the portal session and the rest with the console’s', () => {
    expect(proxyRouteOf('/api/portal/me')).toBe('portal');
    expect(proxyRouteOf('/api/portal/subscriptions/x/consumption')).toBe('portal');
    expect(proxyRouteOf('/api/portal/auth/signup')).toBe('portal-public');
    expect(proxyRouteOf('/api/portal/auth/password-reset')).toBe('portal-public');
    expect(proxyRouteOf('/api/portal/auth/password-reset/verify')).toBe('portal-public');
    expect(proxyRouteOf('/api/portal')).toBe('portal');
    expect(proxyRouteOf('/api/portalx')).toBe('console');
    expect(proxyRouteOf('/api/meters')).toBe('console');
    expect(proxyRouteOf('/api/customers/1/portal-account')).toBe('console');
  });

  it('classifies the path as fetch() resolves it: dot segments cannot smuggle a route into the other session', () => {
    const resolved = (path: string) => new URL(`http://api.test${path}`).pathname;
    expect(proxyRouteOf(resolved('/api/meters/../portal/me'))).toBe('portal');
    expect(proxyRouteOf(resolved('/api/portal/../meters'))).toBe('console');
    expect(proxyRouteOf(resolved('/api/x/%2e%2e/portal/auth/login'))).toBe('blocked');
  });
});

describe('portal forms', () => {
  it('takes a valid TC ID or tax number and refuses the rest', () => {
    expect(isIdentityNo('10000000146')).toBe(true);
    expect(isIdentityNo(' 10000000146 ')).toBe(true);
    expect(isIdentityNo('12345678901')).toBe(false);
    expect(isIdentityNo('123')).toBe(false);
    expect(validateSignupStart({ subscriptionNo: '', identityNo: '12345678901', email: 'not-an-email' })).toEqual({
      subscriptionNo: 'portal.form.required',
      identityNo: 'portal.signup.identityInvalid',
      email: 'portal.form.emailInvalid',
    });
    expect(validateSignupStart({ subscriptionNo: 'A-1', identityNo: '10000000146', email: 'a@b.co' })).toEqual({});
  });

  it('reads a six-digit code through spaces', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(validateCode('123 456')).toEqual({});
    expect(validateCode('12345')).toEqual({ code: 'portal.code.invalidShape' });
    expect(validateCode('')).toEqual({ code: 'portal.form.required' });
  });

  it('asks for a long enough password typed twice', () => {
    expect(validateNewPassword({ password: 'short', confirm: 'short' })).toEqual({ password: 'portal.password.tooShort' });
    expect(validateNewPassword({ password: 'long enough!', confirm: 'long enough?' })).toEqual({ confirm: 'portal.password.mismatch' });
    expect(validateNewPassword({ password: 'long enough!', confirm: 'long enough!' })).toEqual({});
  });

  it('accepts a phone in international form, typed with spaces, or none', () => {
    expect(normalizePhone('+90 (532) 123-45-67')).toBe('+905321234567');
    expect(validatePhone('+90 532 123 45 67')).toEqual({});
    expect(validatePhone('')).toEqual({});
    expect(validatePhone('0532 123 45 67')).toEqual({ phone: 'portal.profile.phoneInvalid' });
  });

  it('takes only a uuid as the challenge of a link', () => {
    expect(challengeFromQuery('0B8E8A5E-1C2D-4E5F-8A9B-0C1D2E3F4A5B')).toBe('0b8e8a5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(challengeFromQuery(['0b8e8a5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b'])).toBe('0b8e8a5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(challengeFromQuery('<script>')).toBeNull();
    expect(challengeFromQuery(undefined)).toBeNull();
  });

  it('gives one message per kind of refusal, none telling which part of a sign-in was wrong', () => {
    const failure = (status: number, message = '', retryAfterSeconds: number | null = null) => ({
      status,
      body: { message },
      retryAfterSeconds,
    });
    expect(refusalOf(failure(401, 'invalid email or password'), 'login')).toEqual({ key: 'portal.errors.credentials' });
    expect(refusalOf(failure(400, 'invalid or expired code'), 'code')).toEqual({ key: 'portal.errors.code' });
    expect(refusalOf(failure(429, '', 125))).toEqual({ key: 'portal.errors.tooMany', params: { minutes: 3 } });
    expect(refusalOf(failure(0))).toEqual({ key: 'portal.errors.unavailable' });
    expect(refusalOf(failure(400, 'must be 6 digits'))).toEqual({ key: 'portal.errors.invalid', params: { message: 'must be 6 digits' } });
  });
});

describe('portal consumption', () => {
  it('reads the granularity from the URL, days by default', () => {
    expect(granularityFromQuery('month')).toBe('month');
    expect(granularityFromQuery('year')).toBe('day');
    expect(granularityFromQuery(undefined)).toBe('day');
  });

  it('labels days and months', () => {
    expect(periodLabel('2026-11-05')).toBe('05.11');
    expect(periodLabel('2026-11-05', true)).toBe('05.11.2026');
    expect(periodLabel('2026-11')).toBe('11.2026');
  });

  it('compares the total with each comparison the API could compute', () => {
    const rows = comparisonRows(12, { previousPeriodM3: 10, sameMonthLastYearM3: 16, groupAverageM3: null }, 'month');
    expect(rows).toEqual([
      { key: 'portal.consumption.previousPeriod', valueM3: 10, changePercent: 20 },
      { key: 'portal.consumption.sameMonthLastYear', valueM3: 16, changePercent: -25 },
    ]);
    // By day there is no "same month last year"; a zero comparison has no percentage.
    expect(comparisonRows(5, { previousPeriodM3: 0, sameMonthLastYearM3: 3, groupAverageM3: 4 }, 'day')).toEqual([
      { key: 'portal.consumption.previousPeriod', valueM3: 0, changePercent: null },
      { key: 'portal.consumption.groupAverage', valueM3: 4, changePercent: 25 },
    ]);
  });

  it('notices estimated points', () => {
    expect(hasEstimated([{ period: '2026-11-01', consumptionM3: 1, estimated: false }])).toBe(false);
    expect(hasEstimated([{ period: '2026-11-01', consumptionM3: 1, estimated: true }])).toBe(true);
  });
});

describe('portal notifications and texts', () => {
  it('names alarm types, advice, events and consents, with a fallback for codes it does not know', () => {
    expect(alarmTypeKey('LEAK')).toBe('portal.alarmTypes.LEAK');
    expect(alarmTypeKey('SOMETHING')).toBe('portal.alarmTypes.other');
    expect(adviceKey('LEAK')).toBe('portal.advice.LEAK');
    expect(adviceKey('constructor')).toBe('portal.advice.general');
    expect(adviceKey(null)).toBe('portal.advice.general');
    expect(eventKey('invoice.issued')).toBe('portal.events.invoiceIssued');
    expect(eventKey('toString')).toBe('portal.events.other');
    expect(consentKey('EMAIL_NOTIFICATIONS')).toBe('portal.consents.kinds.EMAIL_NOTIFICATIONS');
    expect(consentKey('MARKETING')).toBe('portal.consents.kinds.other');
  });

  it('lists every consent kind with its newest record', () => {
    const rows = currentConsents([
      { kind: 'EMAIL_NOTIFICATIONS', version: '1', granted: true, at: '2026-11-01T10:00:00Z' },
      { kind: 'EMAIL_NOTIFICATIONS', version: '1', granted: false, at: '2026-11-02T10:00:00Z' },
      { kind: 'KVKK_PRIVACY_NOTICE', version: '2026-12', granted: true, at: '2026-11-01T09:00:00Z' },
    ]);
    expect(rows.map((r) => [r.kind, r.record?.granted ?? null])).toEqual([
      ['KVKK_PRIVACY_NOTICE', true],
      ['KVKK_EXPLICIT_CONSENT', null],
      ['EMAIL_NOTIFICATIONS', false],
      ['SMS_NOTIFICATIONS', null],
    ]);
  });

  it('puts a live notification in front once and follows the count the API sent', () => {
    const feed: PortalFeed = { items: [], unreadCount: 0, nextCursor: null };
    const event = {
      id: 'n1',
      eventType: 'invoice.issued',
      severity: 'INFO',
      title: 'T',
      body: 'B',
      createdAt: '2026-11-01T10:00:00Z',
      unreadCount: 1,
    };
    const once = withIncomingNotification(feed, event);
    expect(once.items.map((n) => n.id)).toEqual(['n1']);
    expect(withIncomingNotification(once, { ...event, unreadCount: 1 }).items).toHaveLength(1);
  });

  it('marks one or all read', () => {
    const item = (id: string) => ({ id, eventType: 'x', severity: 'INFO', title: '', body: '', createdAt: '', readAt: null });
    const feed: PortalFeed = { items: [item('a'), item('b')], unreadCount: 2, nextCursor: null };
    const one = withNotificationRead(feed, 'a', 'now');
    expect(one.unreadCount).toBe(1);
    expect(one.items.map((n) => n.readAt)).toEqual(['now', null]);
    expect(withNotificationRead(one, null, 'later').unreadCount).toBe(0);
  });

  it('sends back every event the API listed, whatever its name', () => {
    const body = portalPreferencesPayload({
      language: 'tr',
      quiet: true,
      quietStart: '22:00',
      quietEnd: '07:00',
      urgentOverridesQuietHours: true,
      emailDigest: false,
      events: [{ eventType: 'invoice.issued', email: true, inApp: false }],
    });
    expect(body).toEqual({
      language: 'tr',
      quietHours: { start: '22:00', end: '07:00' },
      urgentOverridesQuietHours: true,
      emailDigest: false,
      events: [{ eventType: 'invoice.issued', email: true, inApp: false }],
    });
  });
});
