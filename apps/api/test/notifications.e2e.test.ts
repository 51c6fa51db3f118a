import type { INestApplicationContext } from '@nestjs/common';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent, AlarmType } from '@water/shared';
import { NotificationDeliveryService } from '../src/modules/notifications/notification-delivery.service';
import { WebhookClient } from '../src/modules/notifications/notification-channels';
import { verifyWebhookSignature } from '../src/modules/notifications/notification-rules';
import { NotificationsService } from '../src/modules/notifications/notifications.service';
import { UnsubscribeLinks } from '../src/modules/notifications/unsubscribe-links';
import { makeDevice, makeMeter, makeUser, makeUtilities, tokenFor, type Device, type Tenant, type User } from './support/factories';
import { connectLive } from './support/live';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startWebhookListener, type WebhookListener } from './support/webhooks';
import { startTestWorker } from './support/worker';

/**
 * Issue 19, notifications: alarms, imports and billing runs told to the right people over e-mail (a real
 * SMTP server in this process), signed webhooks (a real local HTTP listener) and the in-app centre.
 */
describe('notifications', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let delivery: NotificationDeliveryService;
  let smtp: SmtpReceiver;
  const mails: ParsedMail[] = [];
  let hooks: WebhookListener;
  let hookUrl = '';

  let root: Tenant;
  let a: Tenant;
  let b: Tenant;
  let rootAdmin: { user: User; token: string };
  let aAdmin: { user: User; token: string };
  let bAdmin: { user: User; token: string };
  let deviceA: Device;
  let deviceB: Device;
  let serialA: string;

  const get = (url: string, token?: string) => t.request({ method: 'GET', url, token });
  const post = (url: string, token: string, body?: unknown) => t.request({ method: 'POST', url, token, body });
  const put = (url: string, token: string, body?: unknown) => t.request({ method: 'PUT', url, token, body });
  const subscribe = (token: string, tenantId: string, userId: string, alarmTypes: AlarmType[]) =>
    post('/api/notifications/alarm-subscriptions', token, { tenantId, userId, alarmTypes });
  const alarm = (device: Device, type: AlarmType, o: Partial<AlarmEvent> = {}): AlarmEvent => ({
    id: crypto.randomUUID(),
    tenantId: device.tenantId,
    type,
    deviceId: device.id,
    meterId: device.meterId,
    subscriptionId: null,
    startedAt: '2026-03-10T09:00:00.000Z',
    clearedAt: null,
    ...o,
  });
  const deliveriesOf = (userId: string) =>
    t.sql<{
      channel: string;
      status: string;
      reason: string | null;
      digest: boolean;
      not_before: Date | null;
      title: string;
      attempts: number;
    }>(
      `SELECT d.channel, d.status, d.reason, d.digest, d.not_before, n.title, d.attempts
         FROM notification_delivery d JOIN notification n ON n.id = d.notification_id WHERE n.user_id = $1 ORDER BY d.created_at, d.channel`,
      [userId],
    );
  const mailsTo = (email: string) => smtp.mailsTo(email);
  /** A user of tenant A who reads alarms, subscribed by A's admin to `types`. */
  const subscriber = async (types: AlarmType[], o: Parameters<typeof makeUser>[1] = {}) => {
    const user = await makeUser(t, { tenant: a, permissions: { DASHBOARD: 'r' }, ...o });
    expect((await subscribe(aAdmin.token, a.id, user.id, types)).status).toBe(201);
    return { user, token: await tokenFor(t, user) };
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver(mails);

    hooks = await startWebhookListener();
    hookUrl = hooks.url;

    t = await startTestApp('notifications', {
      listen: true,
      env: {
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Su Platformu <bildirim@example.com>',
        PUBLIC_API_URL: 'http://api.example.test',
        NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
        NOTIFY_RETRY_DELAY_MS: '100',
        NOTIFY_ATTEMPTS: '3',
        NOTIFY_EMAIL_PER_HOUR: '3',
      },
    });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    delivery = worker.get(NotificationDeliveryService);
    ({ root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t));
    deviceA = await makeDevice(t, { tenant: a, meter: await makeMeter(t, { tenant: a }) });
    deviceB = await makeDevice(t, { tenant: b, meter: await makeMeter(t, { tenant: b }) });
    serialA = (await t.sql<{ serial_no: string }>(`SELECT serial_no FROM meter WHERE id = $1`, [deviceA.meterId]))[0].serial_no;
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await smtp?.close();
    await hooks?.close();
  });

  it('e-mails a leak to the subscribed users in their language, pushes it in-app, and the unsubscribe link turns that e-mail off', async () => {
    const tr = await subscriber(['LEAK']);
    const en = await subscriber(['LEAK']);
    expect((await put('/api/me/notification-preferences', en.token, { language: 'en' })).status).toBe(200);
    // A parent's operator subscribed at the root is told of the child's alarm; B's admin, subscribed in B, is not.
    expect((await subscribe(rootAdmin.token, root.id, rootAdmin.user.id, ['LEAK'])).status).toBe(201);
    expect((await subscribe(bAdmin.token, b.id, bAdmin.user.id, ['LEAK'])).status).toBe(201);
    const live = await connectLive(t.url, tr.token);
    try {
      // The real path: the service queues the event, the worker fans it out and sends.
      await t.app.get(NotificationsService).notify('alarm.opened', alarm(deviceA, 'LEAK'), new Date());
      const pushed = await live.waitFor((e) => e.name === 'notification.created');
      expect(pushed.payload).toMatchObject({
        eventType: 'alarm.opened',
        severity: 'CRITICAL',
        title: `Kaçak alarmı: ${serialA}`,
        unreadCount: 1,
      });
    } finally {
      live.socket.disconnect();
    }
    const [trMail] = await until(async () => mailsTo(tr.user.email).length && mailsTo(tr.user.email));
    const [enMail] = await until(async () => mailsTo(en.user.email).length && mailsTo(en.user.email));
    await until(async () => mailsTo(rootAdmin.user.email).length);
    expect(mailsTo(bAdmin.user.email)).toHaveLength(0);

    expect(trMail.subject).toBe(`Kaçak alarmı: ${serialA}`);
    expect(trMail.text).toContain(`${a.name} kurumunda ${serialA} için Kaçak alarmı 10.03.2026 12:00:00 saatinde açıldı.`);
    expect(trMail.html).toContain('Tesisattaki musluk');
    expect(enMail.subject).toBe(`Leak alarm: ${serialA}`);
    expect(enMail.text).toContain(`A Leak alarm was raised for ${serialA} at ${a.name} at 10.03.2026 12:00:00.`);
    expect(trMail.from?.text).toContain('bildirim@example.com');

    // List-Unsubscribe header and the same link in the body.
    const headerLine = trMail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const listUnsubscribe = { url: /<([^>]+)>/.exec(headerLine)?.[1] ?? '' };
    expect(listUnsubscribe.url).toMatch(/^http:\/\/api\.example\.test\/api\/notifications\/unsubscribe\?token=/);
    expect(trMail.headerLines.some((h) => h.line === 'List-Unsubscribe-Post: List-Unsubscribe=One-Click')).toBe(true);
    expect(trMail.text).toContain(listUnsubscribe.url);
    const path = listUnsubscribe.url.replace('http://api.example.test', '');
    const page = await t.request({ method: 'GET', url: path });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toContain('text/html');
    expect(String(page.body)).toContain('Abonelikten çıkıldı');
    const prefs = await get('/api/me/notification-preferences', tr.token);
    expect(prefs.body.events.find((e: { eventType: string }) => e.eventType === 'alarm.opened')).toEqual({
      eventType: 'alarm.opened',
      email: false,
      inApp: true,
    });
    // Used once; a forged token is refused the same way.
    expect(String((await t.request({ method: 'GET', url: path })).body)).toContain('geçersiz');
    expect(String((await t.request({ method: 'GET', url: path.replace(/.{4}$/, 'AAAA') })).body)).toContain('geçersiz');

    // The next leak reaches tr in-app only.
    await delivery.fanOut('alarm.opened', alarm(await makeDevice(t, { tenant: a }), 'LEAK'), new Date());
    expect((await deliveriesOf(tr.user.id)).map((d) => d.channel)).toEqual(['EMAIL', 'IN_APP', 'IN_APP']);
  });

  it('lists my notifications with the unread count; read and read-all; nobody reads or marks another’s', async () => {
    const me = await subscriber(['TAMPER']);
    const other = await subscriber(['LOW_BATTERY']);
    await delivery.fanOut('alarm.opened', alarm(deviceA, 'TAMPER'), new Date());
    await delivery.fanOut('alarm.cleared', alarm(deviceA, 'TAMPER', { clearedAt: '2026-03-10T10:00:00.000Z' }), new Date());
    await delivery.fanOut('alarm.opened', alarm(deviceA, 'LOW_BATTERY'), new Date());
    const list = await get('/api/notifications', me.token);
    expect(list.status).toBe(200);
    expect(list.body.unreadCount).toBe(2);
    expect(list.body.items.map((n: { eventType: string }) => n.eventType)).toEqual(['alarm.cleared', 'alarm.opened']);
    const [first] = list.body.items;
    const theirs = (await get('/api/notifications', other.token)).body.items[0];

    expect((await post(`/api/notifications/${theirs.id}/read`, me.token)).status).toBe(404);
    expect((await post(`/api/notifications/not-a-uuid/read`, me.token)).status).toBe(400);
    const read = await post(`/api/notifications/${first.id}/read`, me.token);
    expect(read.body).toEqual({ updated: 1, unreadCount: 1 });
    expect((await get('/api/notifications?unread=true', me.token)).body.items).toHaveLength(1);
    expect((await post('/api/notifications/read-all', me.token)).body).toEqual({ updated: 1, unreadCount: 0 });
    expect((await get('/api/notifications', other.token)).body.unreadCount).toBe(1);
    expect((await get('/api/notifications?limit=0', me.token)).status).toBe(400);
    expect((await get('/api/notifications')).status).toBe(401);
  });

  it('tells a flapping alarm once per dedupe window', async () => {
    const u = await subscriber(['REVERSE_FLOW']);
    const now = new Date('2026-03-10T09:00:00Z');
    for (let i = 0; i < 10; i++) {
      const at = new Date(now.getTime() + i * 60_000);
      await delivery.fanOut('alarm.opened', alarm(deviceA, 'REVERSE_FLOW', { startedAt: at.toISOString() }), at);
      await delivery.fanOut('alarm.cleared', alarm(deviceA, 'REVERSE_FLOW', { clearedAt: at.toISOString() }), at);
    }
    const told = await t.sql<{ event_type: string }>(`SELECT event_type FROM notification WHERE user_id = $1 ORDER BY created_at`, [
      u.user.id,
    ]);
    expect(told.map((n) => n.event_type).sort()).toEqual(['alarm.cleared', 'alarm.opened']);
    // After the window (60 minutes) the same alarm is news again.
    const later = new Date(now.getTime() + 61 * 60_000);
    const again = await delivery.fanOut('alarm.opened', alarm(deviceA, 'REVERSE_FLOW'), later);
    expect(again.notified).toBeGreaterThanOrEqual(1);
    expect((await t.sql(`SELECT 1 FROM notification WHERE user_id = $1`, [u.user.id])).length).toBe(3);
  });

  it('limits e-mails per recipient per hour (Redis) and keeps the rest in-app', async () => {
    const u = await subscriber(['HIGH_USAGE']);
    const hour = new Date('2026-04-01T10:15:00Z');
    for (let i = 0; i < 5; i++) await delivery.fanOut('alarm.opened', alarm(await makeDevice(t, { tenant: a }), 'HIGH_USAGE'), hour);
    const emails = (await deliveriesOf(u.user.id)).filter((d) => d.channel === 'EMAIL');
    expect(emails.filter((d) => d.status === 'SUPPRESSED').map((d) => d.reason)).toEqual([
      'rate limit: 3 emails per hour',
      'rate limit: 3 emails per hour',
    ]);
    expect(emails.filter((d) => d.status !== 'SUPPRESSED')).toHaveLength(3);
    expect((await deliveriesOf(u.user.id)).filter((d) => d.channel === 'IN_APP')).toHaveLength(5);
    // The next hour has its own budget.
    await delivery.fanOut('alarm.opened', alarm(await makeDevice(t, { tenant: a }), 'HIGH_USAGE'), new Date('2026-04-01T11:00:00Z'));
    expect((await deliveriesOf(u.user.id)).filter((d) => d.channel === 'EMAIL' && d.status !== 'SUPPRESSED')).toHaveLength(4);
  });

  it('holds non-urgent e-mails during quiet hours (tenant zone) until they end; urgent alarms go at once', async () => {
    const u = await subscriber(['LOW_BATTERY', 'BURST']);
    const saved = await put('/api/me/notification-preferences', u.token, { quietHours: { start: '22:00', end: '07:00' } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ quietHours: { start: '22:00', end: '07:00' }, urgentOverridesQuietHours: true, emailDigest: false });
    // 23:10 in Istanbul.
    const night = new Date('2026-05-10T20:10:00Z');
    await delivery.fanOut('alarm.opened', alarm(await makeDevice(t, { tenant: a }), 'LOW_BATTERY'), night);
    await delivery.fanOut('alarm.opened', alarm(await makeDevice(t, { tenant: a }), 'BURST'), night);
    const emails = (await deliveriesOf(u.user.id)).filter((d) => d.channel === 'EMAIL');
    expect(emails.map((d) => [d.title.split(' ')[0], d.not_before?.toISOString() ?? null]).sort()).toEqual([
      ['Boru', null],
      ['Düşük', '2026-05-11T04:00:00.000Z'],
    ]);
    // The held one is a delayed job: it has not been sent.
    await until(async () => mailsTo(u.user.email).length === 1);
    expect(mailsTo(u.user.email)[0].subject).toMatch(/^Boru patlaması/);
  });

  it('gathers non-urgent e-mails into one daily digest', async () => {
    const u = await subscriber(['HIGH_USAGE', 'NO_SIGNAL']);
    expect((await put('/api/me/notification-preferences', u.token, { emailDigest: true, language: 'en' })).status).toBe(200);
    const at = new Date('2026-06-01T12:00:00Z');
    await delivery.fanOut('alarm.opened', alarm(await makeDevice(t, { tenant: a }), 'HIGH_USAGE'), at);
    await delivery.fanOut('alarm.opened', alarm(await makeDevice(t, { tenant: a }), 'NO_SIGNAL'), at);
    expect((await deliveriesOf(u.user.id)).filter((d) => d.channel === 'EMAIL').every((d) => d.digest && d.status === 'QUEUED')).toBe(true);
    expect(await delivery.sendDigests(new Date('2026-06-02T05:00:00Z'))).toBeGreaterThanOrEqual(1);
    const digest = mailsTo(u.user.email);
    expect(digest).toHaveLength(1);
    expect(digest[0].subject).toBe('Daily notification digest (2)');
    expect(digest[0].text).toContain('High usage alarm');
    expect(digest[0].text).toContain('No signal alarm');
    expect((await deliveriesOf(u.user.id)).filter((d) => d.channel === 'EMAIL').every((d) => d.status === 'SENT')).toBe(true);
    // Nothing waits any more.
    await delivery.sendDigests(new Date('2026-06-03T05:00:00Z'));
    expect(mailsTo(u.user.email)).toHaveLength(1);
  });

  it('retries an e-mail the SMTP server refused and keeps the reason meanwhile', async () => {
    const u = await subscriber(['TILT']);
    smtp.refuseNext();
    await delivery.fanOut('alarm.opened', alarm(deviceA, 'TILT'), new Date());
    await until(async () => mailsTo(u.user.email).length);
    const [email] = (await deliveriesOf(u.user.id)).filter((d) => d.channel === 'EMAIL');
    expect(email).toMatchObject({ status: 'SENT', attempts: 2, reason: null });
  });

  it('POSTs signed events to a webhook, retries a 500, logs each outcome; test sends and CRUD with rights', async () => {
    const created = await post('/api/notifications/webhooks', aAdmin.token, {
      tenantId: a.id,
      name: 'SMS gateway',
      url: hookUrl,
      eventTypes: ['alarm.opened'],
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect((await get('/api/notifications/webhooks', aAdmin.token)).body[0]).not.toHaveProperty('secret');
    // At rest the key is sealed under SECRETS_KEY (core/secrets): a database dump alone cannot sign.
    const [stored] = await t.sql<{ secret: string }>(`SELECT secret FROM webhook_endpoint WHERE id = $1`, [id]);
    expect(stored!.secret).toMatch(/^v1\./);
    expect(stored!.secret).not.toContain(secret.slice(6));

    hooks.answers.push(500, 200);
    await delivery.fanOut('alarm.opened', alarm(deviceA, 'BURST'), new Date());
    await delivery.fanOut('alarm.opened', alarm(deviceB, 'BURST'), new Date()); // B's alarm: not A's endpoint
    await until(async () => hooks.calls.length >= 2);
    const log = await until(async () => {
      const r = await get(`/api/notifications/webhooks/${id}/deliveries`, aAdmin.token);
      return r.body[0]?.status === 'SENT' && r.body;
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ eventType: 'alarm.opened', status: 'SENT', attempts: 2, httpStatus: 200 });
    expect(hooks.calls).toHaveLength(2);
    for (const call of hooks.calls) {
      expect(verifyWebhookSignature(secret, call.body, String(call.headers['x-water-signature']), new Date())).toBe(true);
      expect(JSON.parse(call.body)).toMatchObject({ type: 'alarm.opened', tenantId: a.id, data: { type: 'BURST', deviceId: deviceA.id } });
    }
    expect(
      verifyWebhookSignature('whsec_wrong', hooks.calls[0].body, String(hooks.calls[0].headers['x-water-signature']), new Date()),
    ).toBe(false);

    // A test POST, answered 500 every time: retried, then FAILED with the status.
    hooks.answers.push(500, 500, 500);
    const test = await post(`/api/notifications/webhooks/${id}/test`, aAdmin.token);
    expect(test.status).toBe(202);
    const failed = await until(async () => {
      const r = await get(`/api/notifications/webhooks/${id}/deliveries`, aAdmin.token);
      const d = r.body.find((x: { id: string }) => x.id === test.body.deliveryId);
      return d?.status === 'FAILED' && d;
    });
    expect(failed).toMatchObject({ eventType: 'webhook.test', attempts: 3, httpStatus: 500, reason: 'HTTP 500' });

    // Bad input, isolation, rights.
    expect(
      (await post('/api/notifications/webhooks', aAdmin.token, { tenantId: a.id, name: 'x', url: 'ftp://x', eventTypes: ['alarm.opened'] }))
        .status,
    ).toBe(400);
    expect(
      (await post('/api/notifications/webhooks', aAdmin.token, { tenantId: a.id, name: 'x', url: hookUrl, eventTypes: ['nope'] })).status,
    ).toBe(400);
    expect(
      (await post('/api/notifications/webhooks', aAdmin.token, { tenantId: b.id, name: 'x', url: hookUrl, eventTypes: ['alarm.opened'] }))
        .status,
    ).toBe(404);
    expect((await get(`/api/notifications/webhooks/${id}/deliveries`, bAdmin.token)).status).toBe(404);
    expect(
      (await t.request({ method: 'PATCH', url: `/api/notifications/webhooks/${id}`, token: bAdmin.token, body: { isActive: false } }))
        .status,
    ).toBe(404);
    const reader = await makeUser(t, { tenant: a, permissions: { TENANTS: 'r' } });
    const readerToken = await tokenFor(t, reader);
    expect((await get('/api/notifications/webhooks', readerToken)).status).toBe(200);
    expect((await post(`/api/notifications/webhooks/${id}/test`, readerToken)).status).toBe(403);
    const patched = await t.request({
      method: 'PATCH',
      url: `/api/notifications/webhooks/${id}`,
      token: aAdmin.token,
      body: { isActive: false },
    });
    expect(patched.body.isActive).toBe(false);
    expect((await t.request({ method: 'DELETE', url: `/api/notifications/webhooks/${id}`, token: aAdmin.token })).status).toBe(204);
    expect((await t.sql(`SELECT 1 FROM webhook_delivery WHERE endpoint_id = $1`, [id])).length).toBe(0);

    // Without the flag, loopback and private targets are refused.
    const strict = new WebhookClient({ ...t.config, NOTIFY_WEBHOOK_ALLOW_PRIVATE: false });
    expect(await strict.refusal(hookUrl)).toMatch(/private, loopback/);
    expect(await strict.refusal('http://169.254.169.254/latest')).toMatch(/private, loopback/);
  });

  it('lets an admin choose who in the tenant subtree receives which alarm types, and nobody else', async () => {
    const member = await makeUser(t, { tenant: a, permissions: { DASHBOARD: 'r' } });
    const blind = await makeUser(t, { tenant: a, permissions: { METERS: 'r' } });
    const ofB = await makeUser(t, { tenant: b, permissions: { DASHBOARD: 'r' } });
    const usersReader = await makeUser(t, { tenant: a, permissions: { USERS: 'r', DASHBOARD: 'r' } });
    const readerToken = await tokenFor(t, usersReader);

    const made = await subscribe(aAdmin.token, a.id, member.id, ['LEAK', 'TAMPER', 'LEAK']);
    expect(made.status).toBe(201);
    expect(made.body.created).toBe(2);
    expect(made.body.subscriptions.map((s: { alarmType: string }) => s.alarmType).sort()).toEqual(['LEAK', 'TAMPER']);
    const count = async () => (await t.sql(`SELECT 1 FROM notification_alarm_subscription WHERE user_id = $1`, [member.id])).length;
    // Someone of another tenant; a tenant the admin does not manage; a user who cannot read alarms; bad input; no right.
    expect((await subscribe(aAdmin.token, a.id, ofB.id, ['LEAK'])).status).toBe(404);
    expect((await subscribe(aAdmin.token, b.id, member.id, ['LEAK'])).status).toBe(404);
    expect((await subscribe(aAdmin.token, a.id, blind.id, ['LEAK'])).status).toBe(400);
    expect((await subscribe(aAdmin.token, a.id, member.id, [])).status).toBe(400);
    expect((await subscribe(aAdmin.token, a.id, member.id, ['FLOOD' as AlarmType])).status).toBe(400);
    expect((await subscribe(readerToken, a.id, member.id, ['BURST'])).status).toBe(403);
    expect(await count()).toBe(2);
    // The root's admin manages the child's people too.
    expect((await subscribe(rootAdmin.token, a.id, member.id, ['BURST'])).status).toBe(201);

    const list = await get(`/api/notifications/alarm-subscriptions?userId=${member.id}`, readerToken);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(3);
    expect((await get(`/api/notifications/alarm-subscriptions?userId=${member.id}`, bAdmin.token)).body).toHaveLength(0);
    const [first] = list.body;
    expect(
      (await t.request({ method: 'DELETE', url: `/api/notifications/alarm-subscriptions/${first.id}`, token: bAdmin.token })).status,
    ).toBe(404);
    expect(
      (await t.request({ method: 'DELETE', url: `/api/notifications/alarm-subscriptions/${first.id}`, token: readerToken })).status,
    ).toBe(403);
    expect(
      (await t.request({ method: 'DELETE', url: `/api/notifications/alarm-subscriptions/${first.id}`, token: aAdmin.token })).status,
    ).toBe(204);
    expect(await count()).toBe(2);
    // Only B's alarms reach a subscriber of B; A's subscriber hears nothing of B.
    const before = (await t.sql(`SELECT 1 FROM notification WHERE user_id = $1`, [member.id])).length;
    await delivery.fanOut('alarm.opened', alarm(deviceB, 'TAMPER'), new Date());
    expect((await t.sql(`SELECT 1 FROM notification WHERE user_id = $1`, [member.id])).length).toBe(before);
  });

  it('keeps preferences per user, refuses bad ones without changing anything, and tells an import’s starter', async () => {
    const u = await makeUser(t, { tenant: a, permissions: { DASHBOARD: 'r' } });
    const token = await tokenFor(t, u);
    const defaults = await get('/api/me/notification-preferences', token);
    expect(defaults.body).toMatchObject({ language: 'tr', quietHours: null, urgentOverridesQuietHours: true, emailDigest: false });
    expect(defaults.body.events).toContainEqual({ eventType: 'import.finished', email: true, inApp: true });
    for (const bad of [
      { quietHours: { start: '22:00', end: '22:00' } },
      { quietHours: { start: '25:00', end: '07:00' } },
      { language: 'de' },
      { events: [{ eventType: 'nope', email: true, inApp: true }] },
      { unknown: true },
    ])
      expect((await put('/api/me/notification-preferences', token, bad)).status).toBe(400);
    expect((await get('/api/me/notification-preferences', token)).body).toEqual(defaults.body);

    // A link past its days is refused; a mail client's one-click POST works like the GET.
    const links = worker.get(UnsubscribeLinks);
    const pathOf = (url: string) => url.replace('http://api.example.test', '');
    const expired = await links.create(
      { userId: u.id, portalAccountId: null },
      'billing.run.finished',
      'EMAIL',
      new Date(Date.now() - 61 * 86_400_000),
    );
    expect(String((await t.request({ method: 'GET', url: pathOf(expired), headers: { 'accept-language': 'en' } })).body)).toContain(
      'expired',
    );
    const oneClick = await links.create({ userId: u.id, portalAccountId: null }, 'billing.run.finished', 'EMAIL', new Date());
    const posted = await t.request({ method: 'POST', url: pathOf(oneClick), headers: { 'accept-language': 'en' } });
    expect(posted.status).toBe(200);
    expect(String(posted.body)).toContain('Unsubscribed');
    expect((await get('/api/me/notification-preferences', token)).body.events).toContainEqual({
      eventType: 'billing.run.finished',
      email: false,
      inApp: true,
    });
    const missing = await t.request({ method: 'GET', url: '/api/notifications/unsubscribe' });
    expect(missing.status, JSON.stringify(missing.body)).toBe(400);

    expect(
      (await put('/api/me/notification-preferences', token, { events: [{ eventType: 'import.finished', email: false, inApp: true }] }))
        .status,
    ).toBe(200);
    const importEvent = {
      tenantId: a.id,
      jobId: crypto.randomUUID(),
      kind: 'METERS' as const,
      status: 'DONE' as const,
      dryRun: false,
      totalRows: 10,
      createdRows: 10,
      failedRows: 0,
      userId: u.id,
    };
    await delivery.fanOut('import.finished', importEvent, new Date());
    expect(await deliveriesOf(u.id)).toEqual([
      expect.objectContaining({ channel: 'IN_APP', status: 'SENT', title: 'İçe aktarma tamamlandı (sayaçlar)' }),
    ]);
    // A starter of B's import is never told about it through A, and vice versa.
    await delivery.fanOut('import.finished', { ...importEvent, tenantId: b.id, jobId: crypto.randomUUID() }, new Date());
    expect(await deliveriesOf(u.id)).toHaveLength(1);
  });
});
