import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsService } from '../src/core/jobs/jobs.service';
import { JobName } from '../src/core/jobs/jobs.types';
import { DunningJobs } from '../src/modules/dunning/dunning.jobs';
import {
  makeAdmin,
  makeDunningInvoice,
  makeDunningPayment,
  makeDunningTariffVersion,
  makeSubscription,
  makeTenant,
  makeUser,
  makeUtilities,
  tokenFor,
  type Invoice,
  type Subscription,
  type Tenant,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

/**
 * Dunning (issue 18), driven day by day through POST /api/dunning/run's `date`: two customers' invoices
 * due 15 Jan 2026 in a tenant whose settings say reminders 3 and 10 days after the due date and the
 * disconnection list after 20. Invoice 1 (1 200,00 TL) is under a tariff of 3 %/month late-payment
 * interest; invoice 2 (500,00 TL) under none.
 */
describe('billing: dunning', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let aToken: string;
  let bToken: string;
  let readerToken: string;
  let noBillingToken: string;
  let sub1: Subscription;
  let sub2: Subscription;
  let inv1: Invoice;
  let inv2: Invoice;
  let order1: string;
  let order2: string;
  let version: string;

  const run = (date: string, token = aToken, tenantId = a.id) =>
    t.request({ method: 'POST', url: '/api/dunning/run', token, body: { tenantId, date } });
  const counts = async () =>
    (
      await t.sql<{ steps: number; orders: number; interest: number; audits: number }>(
        `SELECT (SELECT count(*)::int FROM dunning_step) AS steps, (SELECT count(*)::int FROM disconnection_order) AS orders,
                (SELECT count(*)::int FROM ledger_entry WHERE kind = 'INTEREST') AS interest,
                (SELECT count(*)::int FROM audit_log WHERE entity_type IN ('dunning_step', 'disconnection_order')) AS audits`,
      )
    )[0];
  const zero = {
    overdueInvoices: 2,
    remindersDue: 0,
    interestBooked: 0,
    interestKurus: 0,
    ordersOpened: 0,
    ordersCancelled: 0,
    reconnectionsOpened: 0,
  };
  const subscriptionStatusFor = async (token: string, id: string) =>
    (await t.request({ method: 'GET', url: `/api/subscriptions/${id}`, token })).body.billingStatus as string;
  const subscriptionStatus = (id: string) => subscriptionStatusFor(aToken, id);

  beforeAll(async () => {
    t = await startTestApp('dunning');
    const u = await makeUtilities(t);
    ({ a, b } = u);
    [aToken, bToken] = [u.aAdmin.token, u.bAdmin.token];
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { BILLING: 'r', SUBSCRIPTIONS: 'r' } }));
    noBillingToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { METERS: 'crud' } }));
    await t.sql(`INSERT INTO billing_settings (tenant_id, reminder_days, disconnection_after_days) VALUES ($1, '{3,10}', 20)`, [a.id]);
    version = await makeDunningTariffVersion(t, { tenant: a, latePaymentInterestBp: 300 });
    sub1 = await makeSubscription(t, { tenant: a });
    sub2 = await makeSubscription(t, { tenant: a });
    const dates = { periodStart: '2025-12-01', periodEnd: '2026-01-01', issueDate: '2026-01-01', dueDate: '2026-01-15' };
    inv1 = await makeDunningInvoice(t, { subscription: sub1, grossKurus: 120_000, tariffVersionId: version, ...dates });
    inv2 = await makeDunningInvoice(t, { subscription: sub2, grossKurus: 50_000, ...dates });
  });
  afterAll(async () => t?.close());

  it('does nothing on the due date', async () => {
    const res = await run('2026-01-15');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenantId: a.id, date: '2026-01-15', ...zero, overdueInvoices: 0 });
    expect(await counts()).toMatchObject({ steps: 0, orders: 0 });
  });

  it('records reminder 1 three days after the due date, as due, once however often the day runs', async () => {
    expect((await run('2026-01-17')).body).toMatchObject({ remindersDue: 0 });
    const res = await run('2026-01-18');
    expect(res.body).toMatchObject({ overdueInvoices: 2, remindersDue: 2, interestBooked: 0, ordersOpened: 0 });
    const before = await counts();
    expect(before).toMatchObject({ steps: 2, audits: 2 });
    expect((await run('2026-01-18')).body).toEqual({ tenantId: a.id, date: '2026-01-18', ...zero });
    expect(await counts()).toEqual(before);
    const steps = await t.request({ method: 'GET', url: `/api/dunning/steps?invoiceId=${inv1.id}`, token: readerToken });
    expect(steps.status).toBe(200);
    expect(steps.body.items).toEqual([
      expect.objectContaining({
        kind: 'REMINDER',
        ordinal: 1,
        dueOn: '2026-01-18',
        daysOverdue: 3,
        outstandingKurus: 120_000,
        notificationStatus: 'DUE',
      }),
    ]);
  });

  it('records reminder 2 on day 10 and shows the invoices as overdue with their last step', async () => {
    expect((await run('2026-01-25')).body).toMatchObject({ remindersDue: 2 });
    const res = await t.request({ method: 'GET', url: `/api/dunning/overdue?tenantId=${a.id}`, token: readerToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.total).toBe(2);
    const row = res.body.items.find((i: { invoiceId: string }) => i.invoiceId === inv1.id);
    expect(row).toMatchObject({
      number: inv1.number,
      subscriptionId: sub1.id,
      dueDate: '2026-01-15',
      grossKurus: 120_000,
      outstandingKurus: 120_000,
      lastStep: { kind: 'REMINDER', ordinal: 2, dueOn: '2026-01-25' },
    });
    expect(row.daysOverdue).toBeGreaterThan(300); // today's, not the run's: the list is about now
    expect(await subscriptionStatus(sub1.id)).toBe('OVERDUE');
  });

  it('books January interest on the first run of February, once: 120 000 × 3 % × 16/30 = 1 920 kuruş', async () => {
    expect((await run('2026-01-31')).body).toMatchObject({ interestBooked: 0 });
    expect((await run('2026-02-01')).body).toMatchObject({ interestBooked: 1, interestKurus: 1920, ordersOpened: 0 });
    expect((await run('2026-02-01')).body).toMatchObject({ interestBooked: 0, interestKurus: 0 });
    expect((await run('2026-02-03')).body).toMatchObject({ interestBooked: 0, ordersOpened: 0 });
    const entries = await t.sql<{ amount: string; invoice_id: string; description: string }>(
      `SELECT amount_kurus::text AS amount, invoice_id, description FROM ledger_entry WHERE kind = 'INTEREST'`,
    );
    expect(entries).toEqual([
      { amount: '1920', invoice_id: inv1.id, description: `Gecikme faizi, fatura ${inv1.number} (16.01.2026 – 31.01.2026)` },
    ]);
    const steps = (await t.request({ method: 'GET', url: `/api/dunning/steps?invoiceId=${inv1.id}`, token: readerToken })).body.items;
    expect(steps.find((s: { kind: string }) => s.kind === 'INTEREST')).toMatchObject({
      ordinal: 1,
      interestFrom: '2026-01-16',
      dueOn: '2026-01-31',
      ratePercent: 3,
      amountKurus: 1920,
    });
  });

  it('puts both subscriptions on the disconnection list 20 days after the due date, once', async () => {
    const res = await run('2026-02-04');
    expect(res.body).toMatchObject({ ordersOpened: 2 });
    expect((await run('2026-02-04')).body).toMatchObject({ ordersOpened: 0 });
    const list = await t.request({ method: 'GET', url: '/api/dunning/disconnections', token: readerToken });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    const o1 = list.body.items.find((o: { subscriptionId: string }) => o.subscriptionId === sub1.id);
    const o2 = list.body.items.find((o: { subscriptionId: string }) => o.subscriptionId === sub2.id);
    expect(o1).toMatchObject({
      status: 'OPEN',
      overdueKurus: 120_000,
      overdueInvoices: 1,
      oldestDueDate: '2026-01-15',
      openedOn: '2026-02-04',
    });
    expect(o2).toMatchObject({ status: 'OPEN', overdueKurus: 50_000 });
    [order1, order2] = [o1.id, o2.id];
    expect(await subscriptionStatus(sub1.id)).toBe('DISCONNECTION_PENDING');
    const steps = (await t.request({ method: 'GET', url: `/api/dunning/steps?invoiceId=${inv2.id}`, token: readerToken })).body.items;
    expect(steps.map((s: { kind: string }) => s.kind)).toEqual(['REMINDER', 'REMINDER', 'DISCONNECTION']);
    expect(steps[2]).toMatchObject({ dueOn: '2026-02-04', daysOverdue: 20, disconnectionOrderId: order2 });
    const csv = await t.request({ method: 'GET', url: '/api/dunning/disconnections/export?format=csv', token: readerToken });
    expect(csv.status).toBe(200);
    const text = csv.body as string;
    expect(text.split('\r\n')[0]).toContain('subscriptionNo');
    expect(text).toContain(sub1.subscriptionNo);
  });

  it('takes the field confirmation of a disconnection from BILLING update only, in the order’s tenant', async () => {
    expect(
      (await t.request({ method: 'POST', url: `/api/dunning/disconnections/${order1}/execute`, token: readerToken, body: {} })).status,
    ).toBe(403);
    expect(
      (await t.request({ method: 'POST', url: `/api/dunning/disconnections/${order1}/execute`, token: bToken, body: {} })).status,
    ).toBe(404);
    const bad = await t.request({
      method: 'POST',
      url: `/api/dunning/disconnections/${order1}/execute`,
      token: aToken,
      body: { note: 'x'.repeat(501) },
    });
    expect(bad.status).toBe(400);
    const res = await t.request({
      method: 'POST',
      url: `/api/dunning/disconnections/${order1}/execute`,
      token: aToken,
      body: { note: 'seal 42' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'DONE', executionNote: 'seal 42' });
    expect(res.body.executedAt).toBeTruthy();
    const again = await t.request({ method: 'POST', url: `/api/dunning/disconnections/${order1}/execute`, token: aToken, body: {} });
    expect(again.status).toBe(409);
    expect(
      (await t.request({ method: 'POST', url: `/api/dunning/disconnections/${order1}/reconnect`, token: aToken, body: {} })).status,
    ).toBe(409);
    expect(await subscriptionStatus(sub1.id)).toBe('DISCONNECTED');
  });

  it('keeps the order while something is overdue, then cancels the unexecuted one and asks to reconnect the executed one', async () => {
    await makeDunningPayment(t, { invoice: inv2, amountKurus: 20_000, at: new Date('2026-02-05T09:00:00Z') });
    expect((await run('2026-02-06')).body).toMatchObject({ ordersCancelled: 0, reconnectionsOpened: 0 });
    await makeDunningPayment(t, { invoice: inv2, amountKurus: 30_000, at: new Date('2026-02-07T09:00:00Z') });
    await makeDunningPayment(t, { invoice: inv1, amountKurus: 120_000, at: new Date('2026-02-10T09:00:00Z') });
    // Invoice 1's last interest: 1–9 Feb, 9 days × 120 000 × 3 % / 30 = 1 080 kuruş (the 10th, paid, owes nothing).
    const res = await run('2026-02-12');
    expect(res.body).toMatchObject({
      overdueInvoices: 0,
      interestBooked: 1,
      interestKurus: 1080,
      ordersCancelled: 1,
      reconnectionsOpened: 1,
    });
    const before = await counts();
    expect((await run('2026-02-12')).body).toMatchObject({ interestBooked: 0, ordersCancelled: 0, reconnectionsOpened: 0 });
    expect((await run('2026-03-01')).body).toMatchObject({ interestBooked: 0, remindersDue: 0, ordersOpened: 0 });
    expect(await counts()).toEqual(before);
    const orders = await t.sql<{ id: string; status: string }>(`SELECT id, status::text FROM disconnection_order ORDER BY opened_at`);
    expect(Object.fromEntries(orders.map((o) => [o.id, o.status]))).toEqual({ [order1]: 'RECONNECT_OPEN', [order2]: 'CANCELLED' });
    expect(await subscriptionStatus(sub1.id)).toBe('RECONNECTION_PENDING');
    expect(await subscriptionStatus(sub2.id)).toBe('OK');
    const reconnected = await t.request({
      method: 'POST',
      url: `/api/dunning/disconnections/${order1}/reconnect`,
      token: aToken,
      body: {},
    });
    expect(reconnected.status).toBe(200);
    expect(reconnected.body).toMatchObject({ status: 'RECONNECTED' });
    expect(await subscriptionStatus(sub1.id)).toBe('OK');
    const all = await t.request({ method: 'GET', url: '/api/dunning/disconnections?status=RECONNECTED,CANCELLED', token: readerToken });
    expect(all.body.total).toBe(2);
    const live = await t.request({ method: 'GET', url: '/api/dunning/disconnections', token: readerToken });
    expect(live.body.total).toBe(0);
    // Every step and order change is in the audit log.
    const after = await counts();
    expect(after.audits).toBe(after.steps + 2 /* orders opened */ + 2 /* settled */ + 2 /* field confirmations */);
  });

  it('refuses bad input and changes nothing', async () => {
    const before = await counts();
    const future = await run('2099-01-01');
    expect(future.status).toBe(400);
    expect((await run('2026-02-30')).status).toBe(400);
    expect((await t.request({ method: 'POST', url: '/api/dunning/run', token: aToken, body: { tenantId: 'nope' } })).status).toBe(400);
    expect((await t.request({ method: 'POST', url: '/api/dunning/run', token: aToken, body: { tenantId: a.id, extra: 1 } })).status).toBe(
      400,
    );
    expect((await t.request({ method: 'GET', url: '/api/dunning/steps', token: aToken })).status).toBe(400);
    expect((await t.request({ method: 'GET', url: '/api/dunning/disconnections?status=GONE', token: aToken })).status).toBe(400);
    expect((await t.request({ method: 'POST', url: '/api/dunning/disconnections/nope/execute', token: aToken, body: {} })).status).toBe(
      400,
    );
    expect(await counts()).toEqual(before);
  });

  it('keeps tenants apart and asks for BILLING rights', async () => {
    expect((await run('2026-02-12', bToken)).status).toBe(404);
    expect((await run('2026-02-12', readerToken)).status).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/dunning/overdue', token: noBillingToken })).status).toBe(403);
    expect((await t.request({ method: 'GET', url: `/api/dunning/steps?invoiceId=${inv1.id}`, token: bToken })).status).toBe(404);
    const bList = await t.request({ method: 'GET', url: '/api/dunning/disconnections?status=RECONNECTED,CANCELLED', token: bToken });
    expect(bList.body.total).toBe(0);
    const bOverdue = await t.request({ method: 'GET', url: `/api/dunning/overdue?tenantId=${a.id}`, token: bToken });
    expect(bOverdue.status).toBe(404);
    // b's own run sees none of a's invoices.
    expect((await run('2026-02-12', bToken, b.id)).body).toMatchObject({ overdueInvoices: 0, remindersDue: 0 });
  });

  it('runs each tenant’s day from the worker’s hourly schedule, once per local day, without an actor', async () => {
    const worker = await startTestWorker(t.config);
    try {
      const sub = await makeSubscription(t, { tenant: b });
      const inv = await makeDunningInvoice(t, { subscription: sub, grossKurus: 10_000, dueDate: '2026-01-15', issueDate: '2026-01-01' });
      const aBefore = await t.sql(`SELECT count(*)::int AS n FROM dunning_step WHERE tenant_id = $1`, [a.id]);
      const dunning = worker.get(DunningJobs);
      expect(await dunning.schedule(new Date('2026-01-17T21:30:00Z'))).toEqual([]); // 00:30 in Istanbul: not yet
      const due = await dunning.schedule(new Date('2026-01-17T22:30:00Z')); // 01:30 on 18 Jan
      expect(due).toEqual(expect.arrayContaining([a.id, b.id]));
      const jobs = worker.get(JobsService);
      const id = `tenant-dunning-${b.id}-2026-01-18`;
      let state = '';
      for (let i = 0; i < 100 && state !== 'completed' && state !== 'failed'; i++) {
        state = (await (await jobs.find(JobName.TenantDunning, id))?.getState()) ?? '';
        if (state !== 'completed') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(state).toBe('completed');
      // b has no billing settings: the defaults (reminders 3 and 10 days after) apply.
      const steps = await t.sql<{ kind: string; ordinal: number; due_on: string; created_by_id: string | null }>(
        `SELECT kind::text, ordinal, due_on::text, created_by_id FROM dunning_step WHERE invoice_id = $1`,
        [inv.id],
      );
      expect(steps).toEqual([{ kind: 'REMINDER', ordinal: 1, due_on: '2026-01-18', created_by_id: null }]);
      // a's day of 18 Jan, run after its later days, adds nothing.
      const aJob = await jobs.find(JobName.TenantDunning, `tenant-dunning-${a.id}-2026-01-18`);
      for (let i = 0; i < 100 && !['completed', 'failed'].includes(await aJob!.getState()); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await t.sql(`SELECT count(*)::int AS n FROM dunning_step WHERE tenant_id = $1`, [a.id])).toEqual(aBefore);
    } finally {
      await worker.close();
    }
  });

  it('refuses to disconnect a customer who has paid since the order opened; the next run cancels the order', async () => {
    const sub = await makeSubscription(t, { tenant: b });
    const inv = await makeDunningInvoice(t, { subscription: sub, grossKurus: 30_000, dueDate: '2026-01-15', issueDate: '2026-01-01' });
    // b has no settings: the list after 30 days, on 14 Feb.
    expect((await run('2026-02-13', bToken, b.id)).body).toMatchObject({ ordersOpened: 0 });
    expect((await run('2026-02-14', bToken, b.id)).body).toMatchObject({ ordersOpened: 2 }); // this one and the worker test's
    const [order] = await t.sql<{ id: string }>(`SELECT id FROM disconnection_order WHERE subscription_id = $1`, [sub.id]);
    await makeDunningPayment(t, { invoice: inv, amountKurus: 30_000, at: new Date('2026-02-16T08:00:00Z') });
    const refused = await t.request({ method: 'POST', url: `/api/dunning/disconnections/${order.id}/execute`, token: bToken, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/paid/);
    expect((await t.sql(`SELECT status::text FROM disconnection_order WHERE id = $1`, [order.id]))[0].status).toBe('OPEN');
    expect((await run('2026-02-16', bToken, b.id)).body).toMatchObject({ ordersCancelled: 1, reconnectionsOpened: 0 });
    expect((await t.sql(`SELECT status::text FROM disconnection_order WHERE id = $1`, [order.id]))[0].status).toBe('CANCELLED');
    expect(await subscriptionStatusFor(bToken, sub.id)).toBe('OK');
  });

  it('runs a child tenant’s day on its ancestor’s settings and tariff, which its own operator cannot read', async () => {
    const child = await makeTenant(t, { parent: a });
    const childToken = (await makeAdmin(t, child)).token;
    const sub = await makeSubscription(t, { tenant: child });
    const inv = await makeDunningInvoice(t, {
      subscription: sub,
      grossKurus: 120_000,
      tariffVersionId: version,
      dueDate: '2026-01-15',
      issueDate: '2026-01-01',
    });
    // a's settings (disconnection after 20 days) and a's 3 %/month: 16 days of January = 1 920 kuruş.
    const res = await run('2026-02-04', childToken, child.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ overdueInvoices: 1, remindersDue: 2, interestBooked: 1, interestKurus: 1920, ordersOpened: 1 });
    const steps = await t.request({ method: 'GET', url: `/api/dunning/steps?invoiceId=${inv.id}`, token: childToken });
    expect(steps.body.items.map((s: { kind: string }) => s.kind)).toEqual(['REMINDER', 'REMINDER', 'INTEREST', 'DISCONNECTION']);
  });
});
