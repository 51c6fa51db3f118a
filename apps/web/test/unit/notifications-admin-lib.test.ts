import { describe, expect, it } from 'vitest';
import { logApiQuery, logFiltersProblem, readLogFilters, writeLogFilters } from '~/lib/delivery-log';
import {
  createSubscriptionForm,
  peopleToAdd,
  receiversPerType,
  subscriptionPayload,
  subscriptionRows,
  validateSubscription,
  type AlarmSubscription,
} from '~/lib/notification-settings';
import {
  createInvitationForm,
  invitationPayload,
  invitationState,
  invitationValues,
  validateInvitation,
} from '~/lib/portal-invitation-form';
import { createWebhookPayload, updateWebhookPayload, validateWebhook, webhookValues } from '~/lib/webhook-form';

const sub = (o: Partial<AlarmSubscription>): AlarmSubscription => ({
  id: crypto.randomUUID(),
  tenantId: 'a',
  userId: 'u1',
  userName: 'Ayşe Yılmaz',
  email: 'ayse@example.com',
  alarmType: 'LEAK',
  ...o,
});

describe('alarm subscriptions (who gets what)', () => {
  it('groups the subscriptions of the tenant into one row per person, by name, other tenants left out', () => {
    const leak = sub({ alarmType: 'LEAK' });
    const burst = sub({ alarmType: 'BURST' });
    const other = sub({ userId: 'u2', userName: 'Can Öz', email: 'can@example.com', alarmType: 'TAMPER' });
    const child = sub({ tenantId: 'child', userId: 'u3', userName: 'Deniz', email: 'd@example.com' });
    const rows = subscriptionRows([other, leak, burst, child], 'a');
    expect(rows.map((r) => r.userId)).toEqual(['u1', 'u2']);
    expect(rows[0]!.types.LEAK).toBe(leak.id);
    expect(rows[0]!.types.BURST).toBe(burst.id);
    expect(rows[0]!.types.TAMPER).toBeNull();
    expect(receiversPerType(rows)).toMatchObject({ LEAK: 1, BURST: 1, TAMPER: 1, NO_SIGNAL: 0 });
  });

  it('offers the active users not in the grid yet', () => {
    const rows = subscriptionRows([sub({})], 'a');
    const users = [
      { id: 'u1', name: 'Ayşe', surname: 'Yılmaz', email: 'ayse@example.com', isActive: true },
      { id: 'u2', name: 'Can', surname: 'Öz', email: 'can@example.com', isActive: true },
      { id: 'u3', name: 'Eski', surname: 'Kullanıcı', email: 'old@example.com', isActive: false },
    ];
    expect(peopleToAdd(users, rows)).toEqual([{ id: 'u2', label: 'Can Öz (can@example.com)' }]);
  });

  it('needs a person and an alarm type; the body lists the types in the platform order', () => {
    expect(validateSubscription({ userId: '', alarmTypes: [] })).toEqual({
      userId: 'notifications.settings.pickPerson',
      alarmTypes: 'notifications.settings.pickTypes',
    });
    expect(subscriptionPayload('a', { userId: 'u1', alarmTypes: ['NO_SIGNAL', 'TAMPER'] })).toEqual({
      tenantId: 'a',
      userId: 'u1',
      alarmTypes: ['TAMPER', 'NO_SIGNAL'],
    });
    const form = createSubscriptionForm();
    expect(form.values.alarmTypes).toEqual(['LEAK', 'BURST', 'TAMPER', 'REVERSE_FLOW']);
    expect(form.valid.value).toBe(false);
    form.values.userId = 'u1';
    expect(form.valid.value).toBe(true);
  });
});

describe('webhook form', () => {
  const existing = { tenantId: 'a', name: 'SMS', url: 'https://sms.example.com/hook', eventTypes: ['alarm.opened'], isActive: true };

  it('checks name, http(s) URL and events', () => {
    expect(validateWebhook({ ...webhookValues(null, 'a'), name: ' ', url: 'ftp://x', eventTypes: [] })).toEqual({
      name: 'notifications.webhooks.form.required',
      url: 'notifications.webhooks.form.badUrl',
      eventTypes: 'notifications.webhooks.form.pickEvents',
    });
    expect(validateWebhook({ ...webhookValues(null, ''), name: 'x' }).tenantId).toBe('notifications.webhooks.form.required');
    expect(validateWebhook({ ...webhookValues(existing, 'a'), url: 'https://' })).toEqual({ url: 'notifications.webhooks.form.badUrl' });
    expect(validateWebhook(webhookValues(existing, 'a'))).toEqual({});
    expect(validateWebhook({ ...webhookValues(existing, 'a'), eventTypes: ['nope'] }).eventTypes).toBeDefined();
  });

  it('creates with trimmed values and known events; updates only what changed', () => {
    expect(
      createWebhookPayload({
        tenantId: 'a',
        name: ' SMS ',
        url: ' https://x.example/h ',
        eventTypes: ['import.finished', 'alarm.opened', 'x'],
        isActive: false,
      }),
    ).toEqual({
      tenantId: 'a',
      name: 'SMS',
      url: 'https://x.example/h',
      eventTypes: ['alarm.opened', 'import.finished'],
      isActive: false,
    });
    // Customers' events too: an SMS gateway tells customers of their invoices.
    expect(createWebhookPayload({ ...webhookValues(existing, 'a'), eventTypes: ['payment.overdue', 'invoice.issued'] }).eventTypes).toEqual(
      ['invoice.issued', 'payment.overdue'],
    );
    expect(updateWebhookPayload(existing, webhookValues(existing, 'a'))).toEqual({});
    expect(
      updateWebhookPayload(existing, { ...webhookValues(existing, 'a'), isActive: false, eventTypes: ['alarm.cleared', 'alarm.opened'] }),
    ).toEqual({
      isActive: false,
      eventTypes: ['alarm.opened', 'alarm.cleared'],
    });
  });
});

describe('delivery log filters', () => {
  it('reads only known values from the URL and writes only the set ones', () => {
    expect(readLogFilters({ channel: 'SMS', status: ['FAILED', 'SENT'], from: '2026-12-01', to: 'tomorrow' })).toEqual({
      channel: '',
      status: 'FAILED',
      from: '2026-12-01',
      to: '',
    });
    expect(writeLogFilters({ channel: 'WEBHOOK', status: '', from: '', to: '2026-12-05' })).toEqual({
      channel: 'WEBHOOK',
      to: '2026-12-05',
    });
  });

  it('asks the API for whole local days, the last one included, and leaves a reversed range out', () => {
    const q = logApiQuery({ channel: 'EMAIL', status: 'FAILED', from: '2026-12-01', to: '2026-12-03' }, 't1');
    expect(q).toEqual({
      tenantId: 't1',
      channel: 'EMAIL',
      status: 'FAILED',
      from: new Date(2026, 11, 1).toISOString(),
      to: new Date(2026, 11, 4).toISOString(),
    });
    const reversed = { channel: '' as const, status: '' as const, from: '2026-12-05', to: '2026-12-01' };
    expect(logApiQuery(reversed, null)).toEqual({});
    expect(logFiltersProblem(reversed)).toBe('notifications.log.badRange');
  });
});

describe('portal invitation form', () => {
  it("suggests the customer's first e-mail on file and checks the address", () => {
    expect(invitationValues([null, ' ', 'not-an-email', ' Ayse@Example.com '], 'en')).toEqual({
      email: 'Ayse@Example.com',
      language: 'en',
    });
    expect(validateInvitation({ email: '', language: 'tr' })).toEqual({ email: 'notifications.portalAccount.emailRequired' });
    expect(validateInvitation({ email: 'a@b', language: 'tr' })).toEqual({ email: 'notifications.portalAccount.emailInvalid' });
    expect(invitationPayload({ email: ' Ayse@Example.com ', language: 'tr' })).toEqual({ email: 'ayse@example.com', language: 'tr' });
    const form = createInvitationForm({ email: '', language: 'tr' });
    expect(form.valid.value).toBe(false);
    form.values.email = 'a@example.com';
    expect(form.valid.value).toBe(true);
  });

  it("tells an invitation's state: used, failed, expired, sent, queued", () => {
    const now = Date.parse('2026-12-05T08:00:00Z');
    const later = '2026-12-06T08:00:00Z';
    expect(invitationState({ usedAt: '2026-12-05T07:00:00Z', expiresAt: later, emailStatus: 'SENT' }, now)).toBe('USED');
    expect(invitationState({ usedAt: null, expiresAt: later, emailStatus: 'FAILED' }, now)).toBe('FAILED');
    expect(invitationState({ usedAt: null, expiresAt: '2026-12-05T07:59:59Z', emailStatus: 'SENT' }, now)).toBe('EXPIRED');
    expect(invitationState({ usedAt: null, expiresAt: later, emailStatus: 'SENT' }, now)).toBe('SENT');
    expect(invitationState({ usedAt: null, expiresAt: later, emailStatus: 'QUEUED' }, now)).toBe('QUEUED');
  });
});
