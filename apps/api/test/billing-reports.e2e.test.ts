import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeAdmin,
  makeDunningInvoice,
  makeDunningPayment,
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

/**
 * Billing reports (issue 18), every figure computed by hand from these rows of tenant a:
 *   inv1  sub1 (NORMAL) January   10 m³  gross 120 000 (net 100 000, VAT 20 000) issued 1 Feb, due 15 Feb, paid in full 20 Feb
 *   inv2  sub2 (HIGH)   January    4 m³  gross  50 000 (net  41 667, VAT  8 333) issued 1 Feb, due 15 Feb, 20 000 paid 10 Mar
 *   inv3  sub1 (NORMAL) February  12 m³  gross 130 000 (net 108 333, VAT 21 667) issued 1 Mar, due 15 Mar, unpaid
 *   interest of 500 booked on customer 1 on 1 Mar.
 * Tenant b and a's child tenant have one invoice each, of amounts that would show.
 */
describe('billing reports', () => {
  let t: TestApp;
  let root: Tenant;
  let a: Tenant;
  let b: Tenant;
  let child: Tenant;
  let aToken: string;
  let bToken: string;
  let readerToken: string;
  let noBillingToken: string;
  let sub1: Subscription;
  let sub2: Subscription;
  let inv1: Invoice;
  let inv2: Invoice;

  const get = (url: string, token = readerToken) => t.request({ method: 'GET', url, token });

  beforeAll(async () => {
    t = await startTestApp('billing-reports');
    const u = await makeUtilities(t);
    ({ root, a, b } = u);
    [aToken, bToken] = [u.aAdmin.token, u.bAdmin.token];
    child = await makeTenant(t, { parent: a });
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { BILLING: 'r' } }));
    noBillingToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { METERS: 'crud' } }));
    sub1 = await makeSubscription(t, { tenant: a, group: 'NORMAL' });
    sub2 = await makeSubscription(t, { tenant: a, group: 'HIGH' });
    const january = { periodStart: '2026-01-01', periodEnd: '2026-02-01', issueDate: '2026-02-01', dueDate: '2026-02-15' };
    inv1 = await makeDunningInvoice(t, { subscription: sub1, grossKurus: 120_000, consumptionM3: 10, ...january });
    inv2 = await makeDunningInvoice(t, { subscription: sub2, grossKurus: 50_000, consumptionM3: 4, ...january });
    await makeDunningInvoice(t, {
      subscription: sub1,
      grossKurus: 130_000,
      consumptionM3: 12,
      periodStart: '2026-02-01',
      periodEnd: '2026-03-01',
      issueDate: '2026-03-01',
      dueDate: '2026-03-15',
    });
    await makeDunningPayment(t, { invoice: inv1, amountKurus: 120_000, at: new Date('2026-02-20T09:00:00Z') });
    await makeDunningPayment(t, { invoice: inv2, amountKurus: 20_000, at: new Date('2026-03-10T09:00:00Z') });
    await t.sql(
      `INSERT INTO ledger_entry (tenant_id, customer_id, subscription_id, kind, amount_kurus, invoice_id, description, booked_at)
       VALUES ($1, $2, $3, 'INTEREST', 500, $4, 'Gecikme faizi', '2026-03-01T10:00:00Z')`,
      [a.id, sub1.customerId, sub1.id, inv1.id],
    );
    for (const tenant of [b, child]) {
      const sub = await makeSubscription(t, { tenant });
      await makeDunningInvoice(t, { subscription: sub, grossKurus: 7_777, ...january });
    }
  });
  afterAll(async () => t?.close());

  it('billed vs collected per month', async () => {
    const res = await get(`/api/billing-reports/billed-collected?tenantId=${a.id}&from=2026-01&to=2026-03`);
    expect(res.status).toBe(200);
    // The child tenant is inside a's subtree: its 7 777 is billed in February too.
    expect(res.body.items).toEqual([
      { month: '2026-01', invoicedKurus: 0, creditedKurus: 0, interestKurus: 0, billedKurus: 0, collectedKurus: 0 },
      { month: '2026-02', invoicedKurus: 177_777, creditedKurus: 0, interestKurus: 0, billedKurus: 177_777, collectedKurus: 120_000 },
      { month: '2026-03', invoicedKurus: 130_000, creditedKurus: 0, interestKurus: 500, billedKurus: 130_500, collectedKurus: 20_000 },
    ]);
    expect(res.body.totals).toEqual({
      invoicedKurus: 307_777,
      creditedKurus: 0,
      interestKurus: 500,
      billedKurus: 308_277,
      collectedKurus: 140_000,
    });
    const own = await get(`/api/billing-reports/billed-collected?tenantId=${child.id}&from=2026-02&to=2026-02`);
    expect(own.body.totals.invoicedKurus).toBe(7_777);
  });

  it('aging of outstanding amounts as at a day', async () => {
    // 20 Apr: inv2 30 000 is 64 days past due (13 + 31 + 20) → 61–90; inv3 130 000 is 36 days (16 + 20) → 31–60; the child's 7 777 (due 15 Feb) → 61–90.
    const res = await get(`/api/billing-reports/aging?tenantId=${a.id}&asOf=2026-04-20`);
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({
      notDueKurus: 0,
      days0to30Kurus: 0,
      days31to60Kurus: 130_000,
      days61to90Kurus: 37_777,
      over90Kurus: 0,
      totalKurus: 167_777,
    });
    expect(res.body.total).toBe(3);
    expect(res.body.items[0]).toMatchObject({ customerId: sub1.customerId, invoices: 1, days31to60Kurus: 130_000, totalKurus: 130_000 });
    expect(res.body.items[1]).toMatchObject({ customerId: sub2.customerId, days61to90Kurus: 30_000, totalKurus: 30_000 });
    // 10 Feb: inv1 and inv2 not yet due, inv3 not yet issued.
    const early = await get(`/api/billing-reports/aging?tenantId=${a.id}&asOf=2026-02-10`);
    expect(early.body.totals).toMatchObject({ notDueKurus: 177_777, totalKurus: 177_777 });
    // 1 Mar: inv1 paid; inv2 14 days past due; inv3 issued that day, not yet due.
    const march = await get(`/api/billing-reports/aging?tenantId=${a.id}&asOf=2026-03-01`);
    expect(march.body.totals).toMatchObject({ notDueKurus: 130_000, days0to30Kurus: 57_777, totalKurus: 187_777 });
    // 31 May: inv2 105 days → over 90.
    const may = await get(`/api/billing-reports/aging?tenantId=${a.id}&asOf=2026-05-31`);
    expect(may.body.totals).toMatchObject({ days61to90Kurus: 130_000, over90Kurus: 37_777 });
    const page = await get(`/api/billing-reports/aging?tenantId=${a.id}&asOf=2026-04-20&page=2&pageSize=2`);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.totals.totalKurus).toBe(167_777);
  });

  it('consumption and revenue by subscription group per month', async () => {
    const res = await get(`/api/billing-reports/by-group?tenantId=${a.id}&from=2026-01&to=2026-02`);
    expect(res.status).toBe(200);
    const rows = res.body.items.map((r: Record<string, unknown>) => [
      r.month,
      r.groupCode,
      r.invoices,
      r.consumptionM3,
      r.netKurus,
      r.vatKurus,
      r.grossKurus,
    ]);
    // The child's invoice (NORMAL, 10 m³ by default, 7 777 = 6 481 + 1 296) joins January's NORMAL row.
    expect(rows).toEqual([
      ['2026-01', 'HIGH', 1, 4, 41_667, 8_333, 50_000],
      ['2026-01', 'NORMAL', 2, 20, 106_481, 21_296, 127_777],
      ['2026-02', 'NORMAL', 1, 12, 108_333, 21_667, 130_000],
    ]);
  });

  it('exports each report as CSV and XLSX', async () => {
    const csv = await get(`/api/billing-reports/billed-collected/export?tenantId=${a.id}&from=2026-02&to=2026-03&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('month,invoicedKurus,creditedKurus,interestKurus,billedKurus,collectedKurus');
    expect(lines[1]).toBe('2026-02,177777,0,0,177777,120000');
    const aging = await get(`/api/billing-reports/aging/export?tenantId=${a.id}&asOf=2026-04-20&format=csv`);
    expect((aging.body as string).trim().split('\r\n')).toHaveLength(4);
    const xlsx = await get(`/api/billing-reports/by-group/export?tenantId=${a.id}&from=2026-01&to=2026-02&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
  });

  it('refuses bad input', async () => {
    for (const q of [
      'from=2026-13&to=2026-14',
      'from=2026-03&to=2026-01',
      'from=2000-01&to=2010-01',
      'to=2026-01',
      'from=2026-01&to=2026-02&x=1',
    ]) {
      const res = await get(`/api/billing-reports/billed-collected?${q}`);
      expect(res.status, q).toBe(400);
    }
    expect((await get('/api/billing-reports/aging?asOf=2026-02-30')).status).toBe(400);
    expect((await get('/api/billing-reports/by-group?from=2026-01&to=2026-02&format=pdf')).status).toBe(400);
  });

  it('keeps tenants apart and asks for BILLING read', async () => {
    expect((await get('/api/billing-reports/aging', noBillingToken)).status).toBe(403);
    expect((await get(`/api/billing-reports/aging?tenantId=${a.id}`, bToken)).status).toBe(404);
    const theirs = await get('/api/billing-reports/billed-collected?from=2026-02&to=2026-03', bToken);
    expect(theirs.body.totals).toMatchObject({ invoicedKurus: 7_777, collectedKurus: 0 });
    const everything = await get('/api/billing-reports/billed-collected?from=2026-02&to=2026-03', aToken);
    expect(everything.body.totals.invoicedKurus).toBe(307_777);
  });

  it('nets a cancelled invoice against its credit note, and leaves both out of aging and the group report', async () => {
    const c = await makeTenant(t, { parent: root });
    const cToken = (await makeAdmin(t, c)).token;
    const sub = await makeSubscription(t, { tenant: c });
    const january = { periodStart: '2026-01-01', periodEnd: '2026-02-01', issueDate: '2026-02-01', dueDate: '2026-02-15' };
    const cancelled = await makeDunningInvoice(t, { subscription: sub, grossKurus: 60_000, ...january });
    await t.sql(
      `UPDATE invoice SET status = 'CANCELLED', cancelled_at = '2026-03-05T10:00:00Z', cancel_reason = 'wrong reading' WHERE id = $1`,
      [cancelled.id],
    );
    await t.sql(
      `INSERT INTO invoice (tenant_id, subscription_id, customer_id, kind, status, period_start, period_end, issue_date, due_date,
                            net_kurus, vat_kurus, gross_kurus, corrects_invoice_id)
       VALUES ($1, $2, $3, 'CREDIT_NOTE', 'ISSUED', '2026-01-01', '2026-02-01', '2026-03-05', '2026-03-05', -50000, -10000, -60000, $4)`,
      [c.id, sub.id, sub.customerId, cancelled.id],
    );
    await makeDunningInvoice(t, { subscription: sub, grossKurus: 55_000, ...january, issueDate: '2026-03-05', dueDate: '2026-03-20' });
    const billed = await get('/api/billing-reports/billed-collected?from=2026-02&to=2026-03', cToken);
    expect(billed.body.items).toEqual([
      { month: '2026-02', invoicedKurus: 60_000, creditedKurus: 0, interestKurus: 0, billedKurus: 60_000, collectedKurus: 0 },
      { month: '2026-03', invoicedKurus: 55_000, creditedKurus: -60_000, interestKurus: 0, billedKurus: -5_000, collectedKurus: 0 },
    ]);
    expect(billed.body.totals.billedKurus).toBe(55_000);
    const aging = await get('/api/billing-reports/aging?asOf=2026-04-01', cToken);
    expect(aging.body.totals).toMatchObject({ days0to30Kurus: 55_000, totalKurus: 55_000 });
    const groups = await get('/api/billing-reports/by-group?from=2026-01&to=2026-01', cToken);
    expect(groups.body.items).toEqual([expect.objectContaining({ invoices: 1, grossKurus: 55_000 })]);
  });
});
