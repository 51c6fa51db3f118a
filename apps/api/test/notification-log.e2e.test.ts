import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCustomer, makeUser, makeUtilities, tokenFor, type Tenant, type User } from './support/factories';
import { makePortalAccount } from './support/portal';
import { startTestApp, type TestApp } from './support/test-app';

interface Entry {
  id: string;
  tenantId: string;
  channel: string;
  eventType: string;
  status: string;
  reason: string | null;
  attempts: number;
  httpStatus: number | null;
  recipient: { kind: string; name: string | null; address: string | null };
  subject: string | null;
  createdAt: string;
}

/**
 * Issue 19, console: the delivery log (notification deliveries, webhook deliveries, the portal's code
 * e-mails) of the tenants the caller reads, keyset-paged, and the template preview.
 */
describe('notification delivery log and template preview', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let rootAdmin: { user: User; token: string };
  let aAdmin: { user: User; token: string };
  let bAdmin: { user: User; token: string };
  /** Ids of the rows made per tenant. */
  const made: Record<string, string[]> = {};
  let minute = 0;
  /** Distinct, increasing times, so the order of the log is known. */
  const nextTime = () => new Date(Date.UTC(2026, 10, 1, 8, minute++));

  const get = (url: string, token: string) => t.request<{ items: Entry[]; nextCursor: string | null }>({ method: 'GET', url, token });
  const remember = (tenant: Tenant, id: string) => (made[tenant.id] ??= []).push(id);

  async function notificationDelivery(
    tenant: Tenant,
    o: { userId?: string; portalAccountId?: string; channel: 'EMAIL' | 'IN_APP'; status: string; reason?: string; title?: string },
  ) {
    const at = nextTime();
    const n = await t.kysely
      .insertInto('notification')
      .values({
        tenant_id: tenant.id,
        user_id: o.userId ?? null,
        portal_account_id: o.portalAccountId ?? null,
        event_type: 'alarm.opened',
        severity: 'CRITICAL',
        title: o.title ?? `Leak at ${tenant.name}`,
        body: 'body',
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const d = await t.kysely
      .insertInto('notification_delivery')
      .values({
        notification_id: n.id,
        tenant_id: tenant.id,
        channel: o.channel,
        status: o.status as 'SENT',
        reason: o.reason ?? null,
        attempts: o.status === 'FAILED' ? 3 : 1,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    remember(tenant, d.id);
    return d.id;
  }

  async function webhookDelivery(tenant: Tenant, o: { status: string; httpStatus: number | null; reason?: string }) {
    const endpoint = await t.kysely
      .insertInto('webhook_endpoint')
      .values({ tenant_id: tenant.id, name: `SMS gateway ${tenant.name}`, url: 'https://sms.example.test/hook', secret: 'sealed' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const at = nextTime();
    const d = await t.kysely
      .insertInto('webhook_delivery')
      .values({
        endpoint_id: endpoint.id,
        tenant_id: tenant.id,
        event_type: 'alarm.opened',
        payload: JSON.stringify({ test: true }),
        status: o.status as 'SENT',
        http_status: o.httpStatus,
        reason: o.reason ?? null,
        attempts: 3,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    remember(tenant, d.id);
    return d.id;
  }

  async function codeEmail(tenant: Tenant, o: { status: 'QUEUED' | 'SENT' | 'FAILED'; reason?: string }) {
    const customer = await makeCustomer(t, { tenant });
    const c = await t.kysely
      .insertInto('portal_challenge')
      .values({
        purpose: 'INVITATION',
        tenant_id: tenant.id,
        customer_id: customer.id,
        email: `invited-${minute}@example.com`,
        code_hash: 'f'.repeat(64),
        expires_at: new Date(Date.now() + 3_600_000),
        email_status: o.status,
        email_reason: o.reason ?? null,
        email_attempts: 2,
        created_at: nextTime(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    remember(tenant, c.id);
    return c.id;
  }

  let failedEmail: string;
  let failedHook: string;
  let failedCode: string;
  let portalInApp: string;
  let portalEmail: string;

  beforeAll(async () => {
    t = await startTestApp('notification-log');
    ({ a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t));
    await notificationDelivery(a, { userId: aAdmin.user.id, channel: 'IN_APP', status: 'SENT' });
    failedEmail = await notificationDelivery(a, {
      userId: aAdmin.user.id,
      channel: 'EMAIL',
      status: 'FAILED',
      reason: '451 try again later',
    });
    failedHook = await webhookDelivery(a, { status: 'FAILED', httpStatus: 500, reason: 'HTTP 500' });
    failedCode = await codeEmail(a, { status: 'FAILED', reason: 'connect ECONNREFUSED 127.0.0.1:2525' });
    const customer = await makeCustomer(t, { tenant: a });
    const account = await makePortalAccount(t, { customerId: customer.id, tenantId: a.id });
    portalEmail = account.email;
    portalInApp = await notificationDelivery(a, { portalAccountId: account.accountId, channel: 'IN_APP', status: 'SENT' });
    await notificationDelivery(b, { userId: bAdmin.user.id, channel: 'EMAIL', status: 'SENT', title: 'B secret title' });
    await webhookDelivery(b, { status: 'SENT', httpStatus: 200 });
    await codeEmail(b, { status: 'SENT' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("lists every source newest first, with the recipient and the failure's reason", async () => {
    const res = await get('/api/notification-deliveries', aAdmin.token);
    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => e.id)).toEqual([...made[a.id]].reverse());
    const byId = new Map(res.body.items.map((e) => [e.id, e]));
    expect(byId.get(failedEmail)).toMatchObject({
      channel: 'EMAIL',
      eventType: 'alarm.opened',
      status: 'FAILED',
      reason: '451 try again later',
      attempts: 3,
      recipient: { kind: 'USER', address: aAdmin.user.email },
    });
    expect(byId.get(failedHook)).toMatchObject({
      channel: 'WEBHOOK',
      status: 'FAILED',
      httpStatus: 500,
      reason: 'HTTP 500',
      recipient: { kind: 'WEBHOOK', address: 'https://sms.example.test/hook' },
    });
    expect(byId.get(failedCode)).toMatchObject({
      channel: 'EMAIL',
      eventType: 'portal.code',
      status: 'FAILED',
      reason: 'connect ECONNREFUSED 127.0.0.1:2525',
      subject: 'INVITATION',
      recipient: { kind: 'EMAIL' },
    });
    expect(byId.get(portalInApp)).toMatchObject({ channel: 'IN_APP', recipient: { kind: 'PORTAL_ACCOUNT', address: portalEmail } });
    // The code itself is never part of the log.
    expect(JSON.stringify(res.body)).not.toContain('f'.repeat(64));
  });

  it("never lists another tenant's deliveries; the parent's operator sees both, narrowed by tenantId", async () => {
    const mine = await get('/api/notification-deliveries?limit=200', aAdmin.token);
    const ids = new Set(mine.body.items.map((e) => e.id));
    for (const id of made[b.id]) expect(ids.has(id)).toBe(false);
    expect(JSON.stringify(mine.body)).not.toContain('B secret title');
    for (const channel of ['EMAIL', 'IN_APP', 'WEBHOOK'])
      for (const e of (await get(`/api/notification-deliveries?channel=${channel}`, aAdmin.token)).body.items)
        expect(e.tenantId).toBe(a.id);
    // Another tenant asked for by id: as if it did not exist.
    expect((await get(`/api/notification-deliveries?tenantId=${b.id}`, aAdmin.token)).status).toBe(404);

    const all = await get('/api/notification-deliveries?limit=200', rootAdmin.token);
    expect(new Set(all.body.items.map((e) => e.id))).toEqual(new Set([...made[a.id], ...made[b.id]]));
    const onlyB = await get(`/api/notification-deliveries?tenantId=${b.id}`, rootAdmin.token);
    expect(onlyB.body.items.map((e) => e.id).sort()).toEqual([...made[b.id]].sort());
  });

  it('filters by channel, status and time', async () => {
    const hooks = await get('/api/notification-deliveries?channel=WEBHOOK', aAdmin.token);
    expect(hooks.body.items.map((e) => e.id)).toEqual([failedHook]);
    const emails = await get('/api/notification-deliveries?channel=EMAIL', aAdmin.token);
    expect(emails.body.items.map((e) => e.id)).toEqual([failedCode, failedEmail]);
    const inApp = await get('/api/notification-deliveries?channel=IN_APP', aAdmin.token);
    expect(inApp.body.items.every((e) => e.channel === 'IN_APP')).toBe(true);
    expect(inApp.body.items).toHaveLength(2);
    const failed = await get('/api/notification-deliveries?status=FAILED', aAdmin.token);
    expect(failed.body.items.map((e) => e.id)).toEqual([failedCode, failedHook, failedEmail]);
    const failedMail = await get('/api/notification-deliveries?status=FAILED&channel=EMAIL', aAdmin.token);
    expect(failedMail.body.items.map((e) => e.id)).toEqual([failedCode, failedEmail]);
    // [from, to): the second and third rows of A.
    const from = new Date(Date.UTC(2026, 10, 1, 8, 1)).toISOString();
    const to = new Date(Date.UTC(2026, 10, 1, 8, 3)).toISOString();
    const range = await get(`/api/notification-deliveries?from=${from}&to=${to}`, aAdmin.token);
    expect(range.body.items.map((e) => e.id)).toEqual([failedHook, failedEmail]);
  });

  it('pages with a cursor across the sources without losing or repeating a row', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const url: string = `/api/notification-deliveries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await get(url, aAdmin.token);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((e) => e.id));
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...made[a.id]].reverse());
  });

  it("hides who was told from a reader who may not read the tenant's users or customers", async () => {
    const reader = await makeUser(t, { tenant: a, permissions: { TENANTS: 'r' } });
    const res = await get('/api/notification-deliveries', await tokenFor(t, reader));
    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => e.id)).toEqual([...made[a.id]].reverse());
    const byId = new Map(res.body.items.map((e) => [e.id, e]));
    expect(byId.get(failedEmail)!.recipient).toEqual({ kind: 'USER', name: null, address: null });
    expect(byId.get(portalInApp)!.recipient).toEqual({ kind: 'PORTAL_ACCOUNT', name: null, address: null });
    expect(byId.get(failedCode)!.recipient).toEqual({ kind: 'EMAIL', name: null, address: null });
    // The endpoint is the tenant's own setting: shown.
    expect(byId.get(failedHook)!.recipient.address).toBe('https://sms.example.test/hook');
    expect(JSON.stringify(res.body)).not.toContain(aAdmin.user.email);
    expect(JSON.stringify(res.body)).not.toContain(portalEmail);

    const customersReader = await makeUser(t, { tenant: a, permissions: { TENANTS: 'r', CUSTOMERS: 'r' } });
    const withCustomers = await get('/api/notification-deliveries', await tokenFor(t, customersReader));
    const seen = new Map(withCustomers.body.items.map((e) => [e.id, e]));
    expect(seen.get(portalInApp)!.recipient.address).toBe(portalEmail);
    expect(seen.get(failedEmail)!.recipient.address).toBeNull();
  });

  it('refuses a bad query with 400 and names the field', async () => {
    for (const query of [
      'channel=SMS',
      'status=LOST',
      'cursor=yesterday',
      'from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
      'from=tomorrow',
      'limit=0',
      'limit=100000',
      'tenantId=not-a-uuid',
      'sort=asc',
      `cursor=${'9'.repeat(5000)}`,
    ]) {
      const res = await get(`/api/notification-deliveries?${query}`, aAdmin.token);
      expect(res.status, query).toBe(400);
      expect((res.body as unknown as { details: unknown[] }).details.length, query).toBeGreaterThan(0);
    }
  });

  it('refuses a reader without TENANTS read (403), and answers nothing without a session (401)', async () => {
    const reader = await makeUser(t, { tenant: a, permissions: { DASHBOARD: 'r', USERS: 'r' } });
    const token = await tokenFor(t, reader);
    expect((await get('/api/notification-deliveries', token)).status).toBe(403);
    expect((await get('/api/notification-templates/preview?event=alarm.opened', token)).status).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/notification-deliveries' })).status).toBe(401);
  });

  it('previews an event in Turkish and English through the real templates', async () => {
    const catalogue = await t.request<{ events: string[]; languages: string[] }>({
      method: 'GET',
      url: '/api/notification-templates',
      token: aAdmin.token,
    });
    expect(catalogue.status).toBe(200);
    expect(catalogue.body.events).toEqual(expect.arrayContaining(['alarm.opened', 'import.finished', 'billing.run.finished']));

    const tr = await t.request({ method: 'GET', url: '/api/notification-templates/preview?event=alarm.opened', token: aAdmin.token });
    expect(tr.status).toBe(200);
    expect(tr.body).toMatchObject({ event: 'alarm.opened', language: 'tr', severity: 'CRITICAL', subject: 'Kaçak alarmı: SAMPLE-0001' });
    expect(tr.body.html).toContain('<html');
    expect(tr.body.html).toContain('Tesisattaki musluk');
    expect(tr.body.text).toContain('Kaçak alarmı');
    expect(tr.body.text).toContain('/api/notifications/unsubscribe?token=sample');

    const en = await t.request({
      method: 'GET',
      url: '/api/notification-templates/preview?event=alarm.cleared&language=en&alarmType=BURST',
      token: aAdmin.token,
    });
    expect(en.status).toBe(200);
    expect(en.body.severity).toBe('INFO');
    expect(en.body.subject).toMatch(/Burst/i);

    const run = await t.request({
      method: 'GET',
      url: '/api/notification-templates/preview?event=billing.run.finished&language=en',
      token: aAdmin.token,
    });
    expect(run.status).toBe(200);
    expect(run.body.text).toContain('485.750,50');

    // What a customer is told, in the portal's words (e-mails link to the portal's centre).
    const invoice = await t.request({
      method: 'GET',
      url: '/api/notification-templates/preview?event=invoice.issued&audience=customer',
      token: aAdmin.token,
    });
    expect(invoice.status).toBe(200);
    expect(invoice.body).toMatchObject({ audience: 'customer', event: 'invoice.issued' });
    expect(`${invoice.body.subject} ${invoice.body.text}`).toContain('ABC2026000000123');
    expect(invoice.body.text).toContain('/portal/notifications');
    const leak = await t.request({
      method: 'GET',
      url: '/api/notification-templates/preview?event=alarm.opened&audience=customer&language=en',
      token: aAdmin.token,
    });
    expect(leak.status).toBe(200);
    expect(leak.body.severity).toBe('CRITICAL');
    expect(leak.body.text).toContain('/portal/notifications');
    expect(catalogue.body).toMatchObject({
      operatorEvents: expect.arrayContaining(['import.finished']),
      customerEvents: expect.arrayContaining(['invoice.issued', 'payment.overdue']),
    });

    for (const query of [
      'event=nope',
      'event=alarm.opened&language=de',
      'event=alarm.opened&alarmType=FIRE',
      'language=tr',
      'event=alarm.opened&audience=robot',
      // Operators are not told of invoices, customers not of billing runs.
      'event=invoice.issued',
      'event=billing.run.finished&audience=customer',
    ]) {
      const res = await t.request({ method: 'GET', url: `/api/notification-templates/preview?${query}`, token: aAdmin.token });
      expect(res.status, query).toBe(400);
    }
  });
});
