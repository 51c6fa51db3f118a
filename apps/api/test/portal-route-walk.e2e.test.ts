import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_RULE, type AccessRule } from '../src/core/auth/access.decorator';
import { makeAdmin, makeTenant, type Tenant } from './support/factories';
import { makePortalCustomerRecords, makePortalSession, portalTokenFor, type PortalCustomerRecords } from './support/portal';
import { startTestApp, type TestApp } from './support/test-app';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * How to call one customer route as customer B with customer A's records: the path ids (A's), a query
 * and a body. `owner` is what A itself gets with the same call (proving the sample reaches A's record,
 * so B's 404 is isolation, not a bad sample); null where calling it as A would change A's session.
 */
interface Sample {
  params?: (a: PortalCustomerRecords) => Record<string, string>;
  query?: string;
  body?: (a: PortalCustomerRecords) => unknown;
  owner: number | null;
}

/**
 * Every customer route (`@PortalCustomer()`), keyed `METHOD /api/path/:param`. A new portal route fails
 * this walk until it has a sample here: the map is checked against the routes the app registers.
 */
const SAMPLES: Record<string, Sample> = {
  'GET /api/portal/me': { owner: 200 },
  'PATCH /api/portal/me': { body: () => ({ language: 'en' }), owner: 200 },
  'GET /api/portal/tenant-logo': { owner: 200 },
  'GET /api/portal/subscriptions': { owner: 200 },
  'GET /api/portal/subscriptions/:id/consumption': { params: (a) => ({ id: a.subscription.id }), query: 'granularity=day', owner: 200 },
  'GET /api/portal/alarms': { query: 'status=all', owner: 200 },
  'GET /api/portal/invoices': { owner: 200 },
  'GET /api/portal/invoices/:id': { params: (a) => ({ id: a.invoice.id }), owner: 200 },
  'GET /api/portal/invoices/:id/pdf': { params: (a) => ({ id: a.invoice.id }), owner: 200 },
  'GET /api/portal/balance': { owner: 200 },
  'GET /api/portal/consents': { owner: 200 },
  'POST /api/portal/consents': { body: () => ({ kind: 'EMAIL_NOTIFICATIONS', version: '1', granted: true }), owner: 201 },
  'GET /api/portal/export': { query: 'format=json', owner: 200 },
  // A wrong current password: nobody's password or sessions change.
  'POST /api/portal/me/password': {
    body: () => ({ currentPassword: 'not-the-password-1', newPassword: 'Another-Password-2027' }),
    owner: null,
  },
  'GET /api/portal/notifications': { owner: 200 },
  'POST /api/portal/notifications/read-all': { owner: null },
  'POST /api/portal/notifications/:id/read': { params: (a) => ({ id: a.notificationId }), owner: null },
  'GET /api/portal/notification-preferences': { owner: 200 },
  'PUT /api/portal/notification-preferences': { body: () => ({ events: [] }), owner: null },
};

/** The registered routes whose access rule is the customer's, as `METHOD /api/path`. */
function customerRoutes(t: TestApp): string[] {
  const out: string[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance) continue;
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      const classRule = Reflect.getMetadata(ACCESS_RULE, proto.constructor) as AccessRule | undefined;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const rule = (Reflect.getMetadata(ACCESS_RULE, handler) ?? classRule) as AccessRule | undefined;
        if (rule?.kind !== 'customer') continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const path = `/api/${Reflect.getMetadata(PATH_METADATA, proto.constructor)}/${Reflect.getMetadata(PATH_METADATA, handler)}`
          .replace(/\/+/g, '/')
          .replace(/\/$/, '');
        out.push(`${method} ${path}`);
      }
    }
  }
  return [...new Set(out)].sort();
}

/**
 * The customer isolation walk (issue 19): every customer route refuses a request without a token, an
 * operator's token, and the tokens of a deactivated account, of an older session generation and of an
 * ended session; customer B of the SAME tenant calling it with customer A's ids gets 404 or an answer
 * with none of A's records, and A's records are unchanged by it.
 */
describe('portal route walk: customer isolation (issue 19)', () => {
  let t: TestApp;
  let documents: string;
  let tenant: Tenant;
  let a: PortalCustomerRecords;
  let b: PortalCustomerRecords;
  /** A customer of another tenant. */
  let x: PortalCustomerRecords;
  let operatorToken: string;
  let refused: Record<string, string>;
  let routes: string[];

  const call = (route: string, token: string | undefined, as: PortalCustomerRecords) => {
    const [method, template] = route.split(' ') as [Method, string];
    const sample = SAMPLES[route];
    const params = sample.params?.(a) ?? {};
    const path = template.replace(/:(\w+)/g, (_, k: string) => params[k] ?? `missing-${k}`);
    return t.request({ method, url: sample.query ? `${path}?${sample.query}` : path, token, body: sample.body?.(as) });
  };

  beforeAll(async () => {
    documents = await mkdtemp(join(tmpdir(), 'water-portal-walk-'));
    t = await startTestApp('portal_route_walk', { env: { DOCUMENTS_DIR: documents } });
    const root = await makeTenant(t);
    tenant = await makeTenant(t, { parent: root, timeZone: 'Europe/Istanbul' });
    a = await makePortalCustomerRecords(t, { tenant });
    b = await makePortalCustomerRecords(t, { tenant });
    x = await makePortalCustomerRecords(t, { tenant: await makeTenant(t, { parent: root }) });
    await t.sql(`INSERT INTO tenant_logo (tenant_id, content_type, image) VALUES ($1, 'image/png', $2)`, [
      tenant.id,
      Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    ]);
    operatorToken = (await makeAdmin(t, tenant)).token;

    // Tokens that must not pass: a deactivated account, an older session generation, an ended session,
    // a token of A's account signed for the console's audience, and one for an account that does not exist.
    const c = await makePortalCustomerRecords(t, { tenant });
    await t.sql(`UPDATE portal_account SET is_active = false WHERE id = $1`, [c.account.accountId]);
    const d = await makePortalCustomerRecords(t, { tenant });
    await t.sql(`UPDATE portal_account SET session_generation = session_generation + 1 WHERE id = $1`, [d.account.accountId]);
    const e = await makePortalCustomerRecords(t, { tenant });
    await t.sql(`UPDATE portal_refresh_token SET revoked_at = now() WHERE family_id = $1`, [e.account.familyId]);
    const stranger = await makePortalSession(t, { accountId: a.account.accountId, tenantId: tenant.id });
    refused = {
      deactivated: c.account.accessToken,
      'older generation': d.account.accessToken,
      'ended session': e.account.accessToken,
      'console audience': portalTokenFor(t, { accountId: a.account.accountId, familyId: stranger.familyId, audience: 'water-console' }),
      'unknown account': portalTokenFor(t, { accountId: '00000000-0000-4000-8000-000000000001', familyId: stranger.familyId }),
      'unknown session': portalTokenFor(t, { accountId: a.account.accountId, familyId: '00000000-0000-4000-8000-000000000002' }),
    };
    routes = customerRoutes(t);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (documents) await rm(documents, { recursive: true, force: true });
  });

  it('has a sample for every customer route, and no sample for a route that is gone', () => {
    expect(routes.length).toBeGreaterThanOrEqual(13);
    expect(routes.filter((r) => !SAMPLES[r])).toEqual([]);
    expect(Object.keys(SAMPLES).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('refuses every customer route without a token, with an operator token and with dead portal tokens', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const tokens: Record<string, string | undefined> = { none: undefined, operator: operatorToken, ...refused };
      for (const [label, token] of Object.entries(tokens)) {
        const res = await call(route, token, a);
        if (res.status !== 401) wrong.push(`${route} with ${label}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("reaches the customer's own records with the sample calls", async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const expected = SAMPLES[route].owner;
      if (expected === null) continue;
      const res = await call(route, a.account.accessToken, a);
      if (res.status !== expected) wrong.push(`${route}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['customer B of the same tenant', () => b],
    ['a customer of another tenant', () => x],
  ])("gives %s 404 or none of A's records for A's ids, and leaves A's records as they were", async (_, other) => {
    const before = await t.sql(`SELECT read_at FROM notification WHERE id = $1`, [a.notificationId]);
    const leaks: string[] = [];
    for (const route of routes) {
      const res = await call(route, other().account.accessToken, other());
      if (res.status >= 500 || res.status === 401) leaks.push(`${route}: ${res.status}`);
      // A 404 names the id sent: the caller's own input echoed, not a record of A's.
      let text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
      for (const sent of Object.values(SAMPLES[route].params?.(a) ?? {})) if (res.status === 404) text = text.replaceAll(sent, '<sent id>');
      // (Invoice numbers count per tenant: the other tenant's customer may hold the same number.)
      for (const marker of a.markers)
        if (!other().markers.includes(marker) && text.includes(marker)) leaks.push(`${route}: answer holds A's ${marker}`);
      if (SAMPLES[route].params && res.status !== 404) leaks.push(`${route}: ${res.status} for A's id, not 404`);
    }
    expect(leaks).toEqual([]);
    // The other customer's writes (read-all, read, consents, profile) did not touch A's rows.
    expect(await t.sql(`SELECT read_at FROM notification WHERE id = $1`, [a.notificationId])).toEqual(before);
    expect(before[0].read_at).toBeNull();
    const consents = await t.sql(`SELECT kind FROM portal_consent WHERE account_id = $1 ORDER BY id`, [a.account.accountId]);
    expect(consents.map((r) => r.kind)).toEqual(['KVKK_PRIVACY_NOTICE', 'EMAIL_NOTIFICATIONS']);
  });

  it("still reads B's own records (the walk's isolation is not a broken app)", async () => {
    const res = await t.request({ url: '/api/portal/subscriptions', token: b.account.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.map((s: { id: string }) => s.id)).toEqual([b.subscription.id]);
    expect((await t.request({ url: `/api/portal/invoices/${b.invoice.id}`, token: b.account.accessToken })).status).toBe(200);
  });

  it('refuses a new request at once when the account is deactivated or its generation bumped', async () => {
    // Last: A's own token dies with its generation, and stays dead while the account is inactive.
    const token = a.account.accessToken;
    expect((await t.request({ url: '/api/portal/me', token })).status).toBe(200);
    await t.sql(`UPDATE portal_account SET session_generation = session_generation + 1 WHERE id = $1`, [a.account.accountId]);
    expect((await t.request({ url: '/api/portal/me', token })).status).toBe(401);
    await t.sql(`UPDATE portal_account SET session_generation = 0, is_active = false WHERE id = $1`, [a.account.accountId]);
    expect((await t.request({ url: '/api/portal/me', token })).status).toBe(401);
  });
});
