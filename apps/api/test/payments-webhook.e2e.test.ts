import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeSignatureHeader } from '../src/modules/payments/stripe-signature';
import { makeInvoice, makeSubscription, makeUser, makeUtilities, tokenFor, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/** The payment provider's webhook (issue 18): Stripe's signature scheme, idempotency by event id, the secret API. */
describe('billing: payment provider webhook', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let aToken: string;
  let bToken: string;
  let readerToken: string;
  const secret = `whsec_${randomUUID().replaceAll('-', '')}`;

  const deliver = (tenantId: string, event: unknown, o: { secrets?: string[]; timestamp?: number; header?: string } = {}) => {
    const raw = JSON.stringify(event);
    return t.app.inject({
      method: 'POST',
      url: `/api/payment-webhooks/stripe/${tenantId}`,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': o.header ?? stripeSignatureHeader(raw, o.secrets ?? [secret], o.timestamp),
      },
      payload: raw,
    });
  };
  const succeeded = (id: string, amount: number, metadata: Record<string, string>, currency = 'try') => ({
    id: `evt_${id}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    created: 1_795_000_000,
    livemode: false,
    data: {
      object: { id: `pi_${id}`, object: 'payment_intent', amount, amount_received: amount, currency, created: 1_795_000_000, metadata },
    },
  });
  const counts = async () =>
    (
      await t.sql<{ events: number; payments: number; entries: number }>(
        `SELECT (SELECT count(*)::int FROM payment_provider_event) AS events, (SELECT count(*)::int FROM payment) AS payments,
                (SELECT count(*)::int FROM ledger_entry) AS entries`,
      )
    )[0];
  const setProvider = (token: string, tenant: Tenant, body: Record<string, unknown>) =>
    t.request({ method: 'PUT', url: `/api/tenants/${tenant.id}/payment-provider`, token, body });

  beforeAll(async () => {
    t = await startTestApp('payments-webhook');
    const u = await makeUtilities(t);
    ({ a, b } = u);
    [aToken, bToken] = [u.aAdmin.token, u.bAdmin.token];
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { BILLING: 'r' } }));
  });
  afterAll(async () => t?.close());

  it('keeps the signing secret write-only and encrypted, under BILLING update of a visible tenant', async () => {
    expect((await setProvider(aToken, a, {})).status).toBe(400);
    expect((await setProvider(readerToken, a, { signingSecret: secret })).status).toBe(403);
    expect((await setProvider(bToken, a, { signingSecret: secret })).status).toBe(404);
    expect((await t.request({ url: `/api/tenants/${a.id}/payment-provider`, token: bToken })).status).toBe(404);
    const res = await setProvider(aToken, a, { signingSecret: secret });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenantId: a.id,
      provider: 'stripe',
      enabled: true,
      webhookPath: `/api/payment-webhooks/stripe/${a.id}`,
    });
    expect(JSON.stringify(res.body)).not.toContain(secret);
    const read = await t.request({ url: `/api/tenants/${a.id}/payment-provider`, token: readerToken });
    expect(read.body.secretFingerprint).toBe(res.body.secretFingerprint);
    const [row] = await t.sql(`SELECT secret_ciphertext FROM payment_provider_settings WHERE tenant_id = $1`, [a.id]);
    expect(row.secret_ciphertext).not.toContain(secret.slice(6));
    const audit = await t.sql(`SELECT after FROM audit_log WHERE entity_type = 'payment_provider_settings'`);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('books payment_intent.succeeded to the invoice named in its metadata, once per event id', async () => {
    const sub = await makeSubscription(t, { tenant: a });
    const invoice = await makeInvoice(t, { subscription: sub, grossKurus: 15_000 });
    const event = succeeded('inv1', 15_000, { invoice_number: invoice.number! });
    const res = await deliver(a.id, event);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: false, outcome: 'APPLIED' });
    const [payment] = await t.sql(
      `SELECT p.method, p.amount_kurus::int AS amount, p.customer_id, p.external_id, (SELECT sum(amount_kurus)::int FROM payment_allocation WHERE payment_id = p.id AND invoice_id = $1) AS allocated
         FROM payment p WHERE p.external_id = 'stripe:pi_inv1'`,
      [invoice.id],
    );
    expect(payment).toMatchObject({ method: 'PROVIDER', amount: 15_000, customer_id: sub.customerId, allocated: 15_000 });

    // Stripe retries: the same event again is a 200 with nothing new.
    const before = await counts();
    const again = await deliver(a.id, event);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true, outcome: 'APPLIED' });
    expect(await counts()).toEqual(before);
  });

  it('books by subscription number, records unmatched and foreign-currency events without booking them', async () => {
    const sub = await makeSubscription(t, { tenant: a });
    expect((await deliver(a.id, succeeded('sub1', 7_500, { subscription_no: sub.subscriptionNo }))).json().outcome).toBe('APPLIED');
    const bal = await t.request({ url: `/api/customers/${sub.customerId}/balance`, token: aToken });
    expect(bal.body).toMatchObject({ balanceKurus: -7_500, creditKurus: 7_500 });
    const before = await counts();
    expect((await deliver(a.id, succeeded('none', 100, { invoice_number: '1999-000001' }))).json().outcome).toBe('UNMATCHED');
    expect((await deliver(a.id, succeeded('eur', 100, { subscription_no: sub.subscriptionNo }, 'eur'))).json().outcome).toBe('IGNORED');
    expect((await deliver(a.id, { id: 'evt_other', type: 'customer.created', data: { object: {} } })).json().outcome).toBe('IGNORED');
    expect(await counts()).toEqual({ ...before, events: before.events + 3 });
    const unmatched = await t.request({ url: `/api/tenants/${a.id}/payment-provider/events?outcome=UNMATCHED`, token: readerToken });
    expect(unmatched.status).toBe(200);
    expect(unmatched.body.items).toEqual([
      expect.objectContaining({ eventId: 'evt_none', type: 'payment_intent.succeeded', outcome: 'UNMATCHED', paymentId: null }),
    ]);
    expect((await t.request({ url: `/api/tenants/${a.id}/payment-provider/events`, token: bToken })).status).toBe(404);
  });

  it('books charge.refunded as a refund of what is new (amount_refunded is cumulative)', async () => {
    const sub = await makeSubscription(t, { tenant: a });
    await deliver(a.id, succeeded('ref', 10_000, { subscription_no: sub.subscriptionNo }));
    const refunded = (id: string, cumulative: number) => ({
      id,
      type: 'charge.refunded',
      data: { object: { id: 'ch_ref', object: 'charge', payment_intent: 'pi_ref', amount_refunded: cumulative, currency: 'try' } },
    });
    expect((await deliver(a.id, refunded('evt_r1', 3_000))).json().outcome).toBe('APPLIED');
    expect((await deliver(a.id, refunded('evt_r2', 5_000))).json().outcome).toBe('APPLIED');
    expect((await deliver(a.id, refunded('evt_r2b', 5_000))).json().outcome).toBe('IGNORED');
    const refunds = await t.sql(
      `SELECT r.amount_kurus::int AS amount FROM payment r JOIN payment p ON p.id = r.refund_of_id WHERE p.external_id = 'stripe:pi_ref' ORDER BY r.created_at`,
    );
    expect(refunds.map((r) => r.amount)).toEqual([3_000, 2_000]);
    const bal = await t.request({ url: `/api/customers/${sub.customerId}/balance`, token: aToken });
    expect(bal.body).toMatchObject({ balanceKurus: -5_000, creditKurus: 5_000 });
  });

  it('refuses a bad, old, missing or another tenant’s signature and an unknown tenant alike, storing nothing', async () => {
    const sub = await makeSubscription(t, { tenant: a });
    const event = succeeded('bad', 1_000, { subscription_no: sub.subscriptionNo });
    const before = await counts();
    const refusals = [
      await deliver(a.id, event, { secrets: ['whsec_wrong_wrong_wrong'] }),
      await deliver(a.id, event, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      await deliver(a.id, event, { header: 'garbage' }),
      await deliver(randomUUID(), event),
      await deliver(b.id, event),
    ];
    for (const res of refusals) {
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe('webhook signature verification failed');
    }
    // A body changed after signing.
    const raw = JSON.stringify(event);
    const tampered = await t.app.inject({
      method: 'POST',
      url: `/api/payment-webhooks/stripe/${a.id}`,
      headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignatureHeader(raw, [secret]) },
      payload: raw.replace('1000', '9000'),
    });
    expect(tampered.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('accepts the previous secret for a day after a rotation, and any of several v1 signatures', async () => {
    const next = `whsec_${randomUUID().replaceAll('-', '')}`;
    const res = await setProvider(aToken, a, { signingSecret: next });
    expect(res.body.previousSecretValidUntil).not.toBeNull();
    const sub = await makeSubscription(t, { tenant: a });
    expect((await deliver(a.id, succeeded('old', 100, { subscription_no: sub.subscriptionNo }), { secrets: [secret] })).statusCode).toBe(
      200,
    );
    expect((await deliver(a.id, succeeded('new', 100, { subscription_no: sub.subscriptionNo }), { secrets: [next] })).statusCode).toBe(200);
    expect(
      (await deliver(a.id, succeeded('both', 100, { subscription_no: sub.subscriptionNo }), { secrets: ['whsec_nope_nope_nope', next] }))
        .statusCode,
    ).toBe(200);
    // Switched off: refused like an unknown tenant.
    await setProvider(aToken, a, { enabled: false });
    expect((await deliver(a.id, succeeded('off', 100, { subscription_no: sub.subscriptionNo }), { secrets: [next] })).statusCode).toBe(400);
  });
});
