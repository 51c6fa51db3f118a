import type { INestApplicationContext } from '@nestjs/common';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent, AlarmType } from '@water/shared';
import { LiveEventsService } from '../src/core/realtime/live-events.service';
import { NotificationDeliveryService } from '../src/modules/notifications/notification-delivery.service';
import { verifyWebhookSignature } from '../src/modules/notifications/notification-rules';
import { NotificationsService } from '../src/modules/notifications/notifications.service';
import {
  makeCustomer,
  makeDevice,
  makeDunningInvoice,
  makeInvoice,
  makeMeter,
  makeSubscription,
  makeUtilities,
  type Device,
  type Subscription,
  type Tenant,
  type User,
} from './support/factories';
import { connectLive } from './support/live';
import { makePortalAccount, type PortalAccount } from './support/portal';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startWebhookListener, type WebhookListener } from './support/webhooks';
import { startTestWorker } from './support/worker';

const PUBLIC_URL = 'https://su.example.test';

/**
 * Issue 19, customers told: invoices issued, payments received, dunning reminders and their meters' alarms
 * reach the customer's portal account by e-mail (a real SMTP server in this process) and in-app (the
 * portal's centre and its own Socket.io room), under the account's preferences; another customer of the
 * same tenant is told nothing, and console and portal tokens never pass for each other.
 */
describe('portal notifications', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let delivery: NotificationDeliveryService;
  let smtp: SmtpReceiver;
  const mails: ParsedMail[] = [];
  let hooks: WebhookListener;
  let hookUrl = '';

  let a: Tenant;
  let aAdmin: { user: User; token: string };
  /** Two customers of tenant A, each with a subscription served by a meter read by a device, each with a portal account. */
  let sub1: Subscription;
  let sub2: Subscription;
  let device1: Device;
  let serial1: string;
  let p1: PortalAccount;
  let p2: PortalAccount;

  const get = (url: string, token?: string) => t.request({ method: 'GET', url, token });
  const post = (url: string, token: string, body?: unknown) => t.request({ method: 'POST', url, token, body });
  const put = (url: string, token: string, body?: unknown) => t.request({ method: 'PUT', url, token, body });
  const mailsTo = (email: string) => smtp.mailsTo(email);
  const notificationsOf = (accountId: string) =>
    t.sql<{ id: string; event_type: string; title: string; body: string; dedupe_key: string }>(
      `SELECT id, event_type, title, body, dedupe_key FROM notification WHERE portal_account_id = $1 ORDER BY created_at, id`,
      [accountId],
    );
  const deliveriesOf = (accountId: string) =>
    t.sql<{ event_type: string; channel: string; status: string; not_before: Date | null; title: string }>(
      `SELECT n.event_type, d.channel, d.status, d.not_before, n.title
         FROM notification_delivery d JOIN notification n ON n.id = d.notification_id
        WHERE n.portal_account_id = $1 ORDER BY d.created_at, d.channel`,
      [accountId],
    );
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
  /** A customer of A with a subscription, a meter and a device on it, and a portal account. */
  const customer = async (o: { language?: 'tr' | 'en'; isActive?: boolean } = {}) => {
    const c = await makeCustomer(t, { tenant: a });
    const subscription = await makeSubscription(t, { tenant: a, customer: c });
    const meter = await makeMeter(t, { tenant: a, subscription });
    const device = await makeDevice(t, { tenant: a, meter });
    const account = await makePortalAccount(t, { customerId: c.id, tenantId: a.id, language: o.language, isActive: o.isActive });
    return { subscription, meter, device, account };
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver(mails);
    hooks = await startWebhookListener();
    hookUrl = hooks.url;

    t = await startTestApp('portal_notifications', {
      listen: true,
      env: {
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Su Platformu <bildirim@example.com>',
        PUBLIC_URL,
        PUBLIC_API_URL: 'http://api.example.test',
        NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
        NOTIFY_RETRY_DELAY_MS: '100',
        LIVE_REVALIDATE_SECONDS: '1',
      },
    });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    delivery = worker.get(NotificationDeliveryService);
    ({ a, aAdmin } = await makeUtilities(t));
    const c1 = await customer();
    const c2 = await customer({ language: 'en' });
    ({ subscription: sub1, device: device1, account: p1 } = c1);
    ({ subscription: sub2, account: p2 } = c2);
    serial1 = c1.meter.serialNo;
  }, 90_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await smtp?.close();
    await hooks?.close();
  });

  it('an issued invoice: its customer is e-mailed (portal link, unsubscribe) and told in-app; a webhook gets the details; the other customer nothing', async () => {
    const hook = await post('/api/notifications/webhooks', aAdmin.token, {
      tenantId: a.id,
      name: 'SMS gateway',
      url: hookUrl,
      eventTypes: ['invoice.issued'],
    });
    expect(hook.status).toBe(201);
    const draft = await makeInvoice(t, {
      subscription: sub1,
      issued: false,
      grossKurus: 123_456,
      periodStart: '2026-10-01',
      periodEnd: '2026-11-01',
    });
    const issued = await post(`/api/invoices/${draft.id}/issue`, aAdmin.token);
    expect(issued.status).toBe(200);
    const number = issued.body.number as string;

    const [mail] = await until(async () => mailsTo(p1.email).length && mailsTo(p1.email));
    expect(mail.subject).toBe(`Yeni faturanız: ${number}`);
    expect(mail.text).toContain('1.234,56 TL');
    expect(mail.text).toContain('01.10.2026–01.11.2026');
    expect(mail.text).toContain(`Portalda aç: ${PUBLIC_URL}/portal/notifications`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/portal/notifications"`);
    const unsubscribe = /<([^>]+)>/.exec(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '')?.[1] ?? '';
    expect(unsubscribe).toMatch(/^http:\/\/api\.example\.test\/api\/notifications\/unsubscribe\?token=/);

    const centre = await get('/api/portal/notifications', p1.accessToken);
    expect(centre.status).toBe(200);
    expect(centre.body).toMatchObject({ unreadCount: 1, nextCursor: null });
    expect(centre.body.items[0]).toMatchObject({
      eventType: 'invoice.issued',
      severity: 'INFO',
      title: `Yeni faturanız: ${number}`,
      readAt: null,
    });
    expect(Object.keys(centre.body.items[0]).sort()).toEqual(['body', 'createdAt', 'eventType', 'id', 'readAt', 'severity', 'title']);

    const call = await until(async () => hooks.calls.find((c) => c.headers['x-water-event'] === 'invoice.issued'));
    expect(verifyWebhookSignature(hook.body.secret, call.body, String(call.headers['x-water-signature']), new Date())).toBe(true);
    expect(JSON.parse(call.body).data).toMatchObject({ invoiceId: draft.id, customerId: sub1.customerId, number, grossKurus: '123456' });

    // The unsubscribe link works for a customer as for an operator: invoice e-mails off, in-app still on.
    const page = await t.request({ method: 'GET', url: unsubscribe.replace('http://api.example.test', '') });
    expect(String(page.body)).toContain('Abonelikten çıkıldı');
    const prefs = await get('/api/portal/notification-preferences', p1.accessToken);
    expect(prefs.body.events.find((e: { eventType: string }) => e.eventType === 'invoice.issued')).toEqual({
      eventType: 'invoice.issued',
      email: false,
      inApp: true,
    });

    expect(mailsTo(p2.email)).toHaveLength(0);
    expect(await notificationsOf(p2.accountId)).toHaveLength(0);
    expect((await get('/api/portal/notifications', p2.accessToken)).body).toEqual({ items: [], unreadCount: 0, nextCursor: null });
  });

  it('a payment at the cash desk: the customer is told with the balance left; a dunning reminder tells the overdue invoice', async () => {
    const invoice = await makeInvoice(t, {
      subscription: sub2,
      grossKurus: 50_000,
      dueDate: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
    });
    const paid = await post('/api/payments', aAdmin.token, {
      customerId: sub2.customerId,
      amountKurus: 20_000,
      receivedAt: new Date().toISOString(),
      receiptNo: `R-${Date.now()}`,
      method: 'CASH_DESK',
    });
    expect(paid.status).toBe(201);
    const [mail] = await until(async () => mailsTo(p2.email).length && mailsTo(p2.email));
    // p2 reads English.
    expect(mail.subject).toBe('Payment received: 200,00 TRY');
    expect(mail.text).toContain('You still owe 300,00 TRY.');
    expect(mail.text).toContain(`Open in the portal: ${PUBLIC_URL}/portal/notifications`);
    expect(mailsTo(p1.email).filter((m) => m.subject?.startsWith('Ödemeniz'))).toHaveLength(0);

    // Overdue since 15 days: the default reminders (3 and 10 days after the due date) are both due.
    const due = new Date(Date.now() - 15 * 86_400_000).toISOString().slice(0, 10);
    const overdue = await makeDunningInvoice(t, {
      subscription: sub1,
      grossKurus: 40_000,
      periodStart: '2026-08-01',
      periodEnd: '2026-09-01',
      dueDate: due,
    });
    const run = await post('/api/dunning/run', aAdmin.token, { tenantId: a.id });
    expect(run.status).toBe(200);
    expect(run.body.remindersDue).toBeGreaterThanOrEqual(2);
    const reminders = await until(async () => {
      const found = mailsTo(p1.email).filter((m) => m.subject === `Ödeme hatırlatması: ${overdue.number} numaralı fatura`);
      return found.length === 2 && found;
    });
    expect(reminders[0].text).toContain('ödenmemiş tutar 400,00 TL');
    const steps = await until(async () => {
      const rows = await t.sql<{ notification_status: string }>(
        `SELECT notification_status::text FROM dunning_step WHERE invoice_id = $1 AND kind = 'REMINDER'`,
        [overdue.id],
      );
      return rows.every((s) => s.notification_status === 'SENT') && rows;
    });
    expect(steps).toHaveLength(2);
    // p2's invoice (not overdue) brought p2 no reminder.
    expect(mailsTo(p2.email).filter((m) => m.subject?.startsWith('Payment reminder'))).toHaveLength(0);
    expect(invoice.number).toBeTruthy();
  });

  it('a leak on a customer’s meter: the customer is told what to do, live in their own portal room; the neighbour hears nothing', async () => {
    const live1 = await connectLive(t.url, p1.accessToken);
    const live2 = await connectLive(t.url, p2.accessToken);
    const console = await connectLive(t.url, aAdmin.token);
    try {
      await t.app.get(NotificationsService).notify('alarm.opened', alarm(device1, 'LEAK'), new Date());
      const pushed = await live1.waitFor((e) => e.name === 'notification.created' && e.payload.eventType === 'alarm.opened');
      expect(pushed.payload).toMatchObject({ severity: 'CRITICAL', title: `Kaçak uyarısı: ${serial1} numaralı sayacınız` });
      expect(pushed.payload.body).toContain('klozet rezervuarını');
      expect(pushed.payload.body).toContain(`${a.name} ile iletişime geçin`);
      const [mail] = await until(async () => {
        const m = mailsTo(p1.email).filter((x) => x.subject?.startsWith('Kaçak'));
        return m.length && m;
      });
      expect(mail.text).toContain('Tüm musluklar kapalıyken sayacın dönüp dönmediğine bakın');
      // Give the other sockets the time the push took, then check they heard nothing of it.
      await new Promise((r) => setTimeout(r, 300));
      expect(live2.events.filter((e) => e.name === 'notification.created')).toHaveLength(0);
      expect(console.events.filter((e) => e.name === 'notification.created')).toHaveLength(0);
      expect(mailsTo(p2.email).filter((m) => m.subject?.startsWith('Leak'))).toHaveLength(0);
      expect((await notificationsOf(p2.accountId)).filter((n) => n.event_type === 'alarm.opened')).toHaveLength(0);

      // Tenant-wide live events are not a portal socket's: it is in its account's room only.
      const tenantEvent = alarm(device1, 'LEAK');
      t.app.get(LiveEventsService).emit('alarm.opened', a.id, tenantEvent);
      await console.waitFor((e) => e.name === 'alarm.opened' && e.payload.id === tenantEvent.id);
      await new Promise((r) => setTimeout(r, 200));
      expect(live1.events.some((e) => e.name === 'alarm.opened')).toBe(false);
    } finally {
      live1.socket.disconnect();
      live2.socket.disconnect();
      console.socket.disconnect();
    }
  });

  it('preferences: off on a channel means nothing there; quiet hours (tenant zone) hold e-mails back; urgent alarms go at once', async () => {
    const c = await customer();
    const token = c.account.accessToken;
    const before = await get('/api/portal/notification-preferences', token);
    expect(before.body).toEqual({
      language: 'tr',
      quietHours: null,
      urgentOverridesQuietHours: true,
      emailDigest: false,
      events: ['invoice.issued', 'payment.received', 'payment.overdue', 'alarm.opened', 'alarm.cleared'].map((eventType) => ({
        eventType,
        email: true,
        inApp: true,
      })),
    });
    // Bad input changes nothing: an operator's event, a bad time, an unknown field.
    for (const body of [
      { events: [{ eventType: 'import.finished', email: false, inApp: false }] },
      { quietHours: { start: '25:00', end: '07:00' } },
      { emailDigest: true, isActive: false },
    ])
      expect((await put('/api/portal/notification-preferences', token, body)).status).toBe(400);
    expect((await get('/api/portal/notification-preferences', token)).body).toEqual(before.body);

    const saved = await put('/api/portal/notification-preferences', token, {
      quietHours: { start: '22:00', end: '07:00' },
      events: [{ eventType: 'alarm.cleared', email: false, inApp: false }],
    });
    expect(saved.status).toBe(200);
    expect(saved.body.quietHours).toEqual({ start: '22:00', end: '07:00' });
    const [row] = await t.sql(`SELECT quiet_start, quiet_end FROM portal_account WHERE id = $1`, [c.account.accountId]);
    expect(row).toEqual({ quiet_start: 22 * 60, quiet_end: 7 * 60 });

    // 23:10 in Istanbul: high usage waits for 07:00, a burst goes at once; a cleared alarm is not told at all.
    const night = new Date('2026-05-10T20:10:00Z');
    await delivery.fanOut('alarm.opened', alarm(c.device, 'HIGH_USAGE'), night);
    await delivery.fanOut('alarm.opened', alarm(c.device, 'BURST'), night);
    await delivery.fanOut('alarm.cleared', alarm(c.device, 'HIGH_USAGE', { clearedAt: night.toISOString() }), night);
    const emails = (await deliveriesOf(c.account.accountId)).filter((d) => d.channel === 'EMAIL');
    expect(emails.map((d) => [d.title.split(' ')[0], d.status, d.not_before?.toISOString() ?? null]).sort()).toEqual([
      // An event's few e-mails due now are sent by its own job.
      ['Boru', 'SENT', null],
      ['Yüksek', 'QUEUED', '2026-05-11T04:00:00.000Z'],
    ]);
    expect((await notificationsOf(c.account.accountId)).map((n) => n.event_type)).toEqual(['alarm.opened', 'alarm.opened']);
    await until(async () => mailsTo(c.account.email).length === 1);
    expect(mailsTo(c.account.email)[0].subject).toMatch(/^Boru patlaması uyarısı/);

    // In-app off: e-mail only.
    await put('/api/portal/notification-preferences', token, {
      quietHours: null,
      events: [{ eventType: 'alarm.opened', email: true, inApp: false }],
    });
    await delivery.fanOut('alarm.opened', alarm(c.device, 'TAMPER'), new Date());
    const tamper = (await deliveriesOf(c.account.accountId)).filter((d) => d.title.startsWith('Müdahale'));
    expect(tamper.map((d) => d.channel)).toEqual(['EMAIL']);
  });

  it('a deactivated portal account is told nothing', async () => {
    const c = await customer({ isActive: false });
    const result = await delivery.fanOut('alarm.opened', alarm(c.device, 'LEAK'), new Date());
    expect(result.notified).toBe(0);
    expect(await notificationsOf(c.account.accountId)).toHaveLength(0);
  });

  it('tells a flapping alarm once per dedupe window', async () => {
    const c = await customer();
    const at = new Date('2026-07-01T10:00:00Z');
    for (let i = 0; i < 5; i++) await delivery.fanOut('alarm.opened', alarm(c.device, 'REVERSE_FLOW'), new Date(at.getTime() + i * 60_000));
    expect(await notificationsOf(c.account.accountId)).toHaveLength(1);
    // At once too (the worker runs several jobs together): one of them tells, the others find it told.
    const results = await Promise.all(Array.from({ length: 6 }, () => delivery.fanOut('alarm.opened', alarm(c.device, 'BURST'), at)));
    expect(results.map((r) => r.notified).sort()).toEqual([0, 0, 0, 0, 0, 1]);
    expect((await notificationsOf(c.account.accountId)).filter((n) => n.dedupe_key.endsWith(':BURST'))).toHaveLength(1);
  });

  it('an event naming a record that is not there (a rolled-back transaction, another tenant’s id) tells nobody', async () => {
    expect(await delivery.fanOut('invoice.issued', { tenantId: a.id, invoiceId: crypto.randomUUID() }, new Date())).toEqual({
      notified: 0,
      deduped: 0,
      webhooks: 0,
    });
    const draft = await makeInvoice(t, { subscription: sub1, issued: false, periodStart: '2026-06-01', periodEnd: '2026-07-01' });
    expect((await delivery.fanOut('invoice.issued', { tenantId: a.id, invoiceId: draft.id }, new Date())).notified).toBe(0);
  });

  it('the centre: read, read-all, pages by cursor; another account’s id is 404; bad ids 400', async () => {
    const c = await customer();
    for (let i = 0; i < 3; i++) await delivery.fanOut('alarm.opened', alarm(c.device, 'NO_SIGNAL'), new Date(Date.UTC(2026, 7, 1 + i)));
    const token = c.account.accessToken;
    const page1 = await get('/api/portal/notifications?limit=2', token);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.unreadCount).toBe(3);
    const page2 = await get(`/api/portal/notifications?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`, token);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    expect(new Set([...page1.body.items, ...page2.body.items].map((n: { id: string }) => n.id)).size).toBe(3);

    const [p1First] = (await get('/api/portal/notifications', p1.accessToken)).body.items;
    expect((await post(`/api/portal/notifications/${p1First.id}/read`, token)).status).toBe(404);
    expect((await get('/api/portal/notifications', p1.accessToken)).body.items[0].readAt).toBeNull();
    expect((await post('/api/portal/notifications/not-a-uuid/read', token)).status).toBe(400);
    expect((await get('/api/portal/notifications?cursor=yesterday', token)).status).toBe(400);
    expect((await get('/api/portal/notifications?limit=0', token)).status).toBe(400);

    expect((await post(`/api/portal/notifications/${page1.body.items[0].id}/read`, token)).status).toBe(204);
    expect((await get('/api/portal/notifications?unread=true', token)).body.items).toHaveLength(2);
    expect((await post('/api/portal/notifications/read-all', token)).status).toBe(204);
    expect((await get('/api/portal/notifications', token)).body.unreadCount).toBe(0);
    expect((await get('/api/portal/notifications', p1.accessToken)).body.unreadCount).toBeGreaterThan(0);
  });

  it('console and portal tokens never pass for each other (HTTP and Socket.io)', async () => {
    expect((await get('/api/portal/notifications', aAdmin.token)).status).toBe(401);
    expect((await get('/api/portal/notification-preferences', aAdmin.token)).status).toBe(401);
    expect((await get('/api/notifications', p1.accessToken)).status).toBe(401);
    expect((await get('/api/me/notification-preferences', p1.accessToken)).status).toBe(401);
    expect((await get('/api/portal/notifications')).status).toBe(401);
    // A portal token of a session that ended opens no socket.
    const c = await customer();
    await t.sql(`UPDATE portal_refresh_token SET revoked_at = now() WHERE family_id = $1`, [c.account.familyId]);
    await expect(connectLive(t.url, c.account.accessToken)).rejects.toThrow(/session ended/);
  });

  it('a portal socket is cut when its session ends (logout: refresh-token family revoked)', async () => {
    const c = await customer();
    const live = await connectLive(t.url, c.account.accessToken);
    const gone = new Promise<void>((resolve) => live.socket.on('disconnect', () => resolve()));
    await t.sql(`UPDATE portal_refresh_token SET revoked_at = now() WHERE family_id = $1`, [c.account.familyId]);
    // LIVE_REVALIDATE_SECONDS=1 in this suite.
    await Promise.race([gone, new Promise((_, reject) => setTimeout(() => reject(new Error('socket still open')), 5_000))]);
    expect(live.events.some((e) => e.name === 'error' && e.payload.message === 'session ended')).toBe(true);
  });
});
