import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingRunJobs } from '../src/modules/invoicing/billing-runs.jobs';
import { connectLive } from './support/live';
import {
  attachMeter,
  makeAdmin,
  makeCustomer,
  makeMeter,
  makePayment,
  makeSubscription,
  makeTenant,
  makeUser,
  makeUtilities,
  tokenFor,
  type Meter,
  type Subscription,
  type Tenant,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';

/**
 * Billing runs and invoices (issue 18, slice 2): October 2026 in Europe/Istanbul (31 days, a whole
 * month), rollups written per day so every total is computed by hand below.
 *
 * Tariffs of utility A (from 2020): INDIVIDUAL — fixed 20.00 TL/month (VAT 10 %), 0–10 m³ at 10.00 TL,
 * above at 20.00 TL (VAT 1 %), minimum 50.00 TL/month. ORGANIZATIONAL — the same with 10.00 TL until
 * 11 October and 12.00 TL for the first block from then on.
 */
describe('billing: runs and invoices', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let a: Tenant;
  let b: Tenant;
  let child: Tenant;
  let aToken: string;
  let aAdminId: string;
  let bToken: string;
  let childToken: string;
  let readerToken: string;
  let noBillingToken: string;
  const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul', year: 'numeric' }).format(new Date());
  const local = (day: string) => new Date(`${day}T00:00:00+03:00`);
  const subs: Record<string, Subscription> = {};

  /** One rollup a day of `meter` for `subscription` over [from, to) with `m3` each (and `estimated` of it). */
  const days = async (meter: Meter, subscription: Subscription, from: string, to: string, m3: number, estimated = 0) => {
    await t.sql(
      `INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, subscription_id, consumption_m3, last_index_m3, reading_count, estimated_m3)
       SELECT $1, d::date, $2, $3, $6, 0, 24, $7 FROM generate_series($4::date, $5::date - 1, interval '1 day') d
       ON CONFLICT (meter_id, day) DO UPDATE SET consumption_m3 = EXCLUDED.consumption_m3, estimated_m3 = EXCLUDED.estimated_m3`,
      [meter.id, subscription.tenantId, subscription.id, from, to, m3.toFixed(3), estimated.toFixed(3)],
    );
  };
  const installed = async (tenant: Tenant, o: { type?: 'INDIVIDUAL' | 'ORGANIZATIONAL'; from?: string } = {}) => {
    const customer = await makeCustomer(t, { tenant, type: o.type });
    const subscription = await makeSubscription(t, { tenant, customer, type: o.type });
    const meter = await makeMeter(t, { tenant });
    await attachMeter(t, { subscription, meter, startedAt: local(o.from ?? '2026-06-01') });
    return { subscription, meter };
  };
  const tiers = (first: number) => [
    { fromM3: 0, toM3: 10, unitPriceKurus: first },
    { fromM3: 10, toM3: null, unitPriceKurus: 2000 },
  ];
  const version = (o: Record<string, unknown> = {}) => ({
    effectiveFrom: '2020-01-01',
    fixedChargeKurus: 2000,
    fixedVatRate: 10,
    waterVatRate: 1,
    tiers: tiers(1000),
    minimumChargeKurus: 5000,
    ...o,
  });
  const run = (token: string, tenantId: string, period: string) =>
    t.request({ method: 'POST', url: '/api/billing-runs', token, body: { tenantId, period } });
  const settled = (token: string, id: string, statuses = ['DRAFT', 'FAILED']) =>
    until(async () => {
      const res = await t.request({ url: `/api/billing-runs/${id}`, token });
      return statuses.includes(res.body.status) ? res.body : null;
    }, 30_000);
  const invoiceOf = async (subscription: Subscription, period = '2026-10', token = aToken) => {
    const list = await t.request({ url: `/api/invoices?subscriptionId=${subscription.id}&period=${period}&kind=INVOICE`, token });
    const live = list.body.items.filter((i: { status: string }) => i.status !== 'CANCELLED');
    expect(live).toHaveLength(1);
    return (await t.request({ url: `/api/invoices/${live[0].id}`, token })).body;
  };
  const lines = (invoice: { lines: { component: string; quantityM3: string | null; netKurus: number; vatKurus: number }[] }) =>
    invoice.lines.map((l) => [l.component, l.quantityM3, l.netKurus, l.vatKurus]);
  const counts = async () =>
    (
      await t.sql(
        `SELECT (SELECT count(*)::int FROM billing_run) AS runs, (SELECT count(*)::int FROM invoice) AS invoices,
                (SELECT count(*)::int FROM ledger_entry) AS ledger, (SELECT count(*)::int FROM billing_settings) AS settings`,
      )
    )[0];

  let octoberRun: string;

  beforeAll(async () => {
    t = await startTestApp('invoicing', { listen: true });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    const u = await makeUtilities(t);
    ({ a, b } = u);
    [aToken, bToken] = [u.aAdmin.token, u.bAdmin.token];
    aAdminId = u.aAdmin.user.id;
    child = await makeTenant(t, { parent: a });
    childToken = (await makeAdmin(t, child)).token;
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { BILLING: 'r' } }));
    noBillingToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { METERS: 'crud' } }));

    const individual = await t.request({
      method: 'POST',
      url: '/api/tariffs',
      token: aToken,
      body: { tenantId: a.id, code: 'RES', name: 'Residential', subscriptionType: 'INDIVIDUAL', version: version() },
    });
    expect(individual.status).toBe(201);
    const organizational = await t.request({
      method: 'POST',
      url: '/api/tariffs',
      token: aToken,
      body: {
        tenantId: a.id,
        code: 'ORG',
        name: 'Organisations',
        subscriptionType: 'ORGANIZATIONAL',
        version: version({ effectiveTo: '2026-10-11' }),
      },
    });
    expect(organizational.status).toBe(201);
    const second = await t.request({
      method: 'POST',
      url: `/api/tariffs/${organizational.body.id}/versions`,
      token: aToken,
      body: version({ effectiveFrom: '2026-10-11', tiers: tiers(1200) }),
    });
    expect(second.status).toBe(201);

    // S1: 0.4 m³ a day all month.
    const s1 = await installed(a);
    await days(s1.meter, s1.subscription, '2026-10-01', '2026-11-01', 0.4, 0.1);
    // S2: a meter change on 16 October: the old meter's days 1–15 at 0.2, the new one's 16–31 at 0.5.
    const s2 = await installed(a);
    await t.sql(`UPDATE subscription_meter SET ended_at = $2 WHERE subscription_id = $1`, [s2.subscription.id, local('2026-10-16')]);
    const newMeter = await makeMeter(t, { tenant: a });
    await attachMeter(t, { subscription: s2.subscription, meter: newMeter, startedAt: local('2026-10-16') });
    await days(s2.meter, s2.subscription, '2026-10-01', '2026-10-16', 0.2);
    await days(newMeter, s2.subscription, '2026-10-16', '2026-11-01', 0.5);
    // S3: opened on 17 October, 0.4 m³ a day.
    const s3 = await installed(a, { from: '2026-10-17' });
    await days(s3.meter, s3.subscription, '2026-10-17', '2026-11-01', 0.4);
    // S4: no readings in October; 18 days of September at 0.5 m³.
    const s4 = await installed(a);
    await days(s4.meter, s4.subscription, '2026-09-01', '2026-09-19', 0.5);
    // S5: an organisation across the tariff change, 0.3 m³ a day.
    const s5 = await installed(a, { type: 'ORGANIZATIONAL' });
    await days(s5.meter, s5.subscription, '2026-10-01', '2026-11-01', 0.3);
    // S6: the child's subscription without readings (the child bills MINIMUM, with A's inherited tariff).
    const s6 = await installed(child);
    await days(s6.meter, s6.subscription, '2026-09-01', '2026-09-19', 0.5);
    // S8: the child's subscription closed on 21 October (its meter removed, none after), 0.4 m³ a day until then.
    const s8 = await installed(child);
    await t.sql(`UPDATE subscription_meter SET ended_at = $2 WHERE subscription_id = $1`, [s8.subscription.id, local('2026-10-21')]);
    await days(s8.meter, s8.subscription, '2026-10-01', '2026-10-21', 0.4);
    // S7: utility B has no tariff at all.
    const s7 = await installed(b);
    Object.assign(subs, { s1: s1.subscription, s2: s2.subscription, s3: s3.subscription, s4: s4.subscription });
    Object.assign(subs, { s5: s5.subscription, s6: s6.subscription, s7: s7.subscription, s8: s8.subscription });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  describe('billing settings', () => {
    it('answers the defaults, then the own row, and a child inherits its parent’s row', async () => {
      const before = await t.request({ url: `/api/tenants/${a.id}/billing-settings`, token: readerToken });
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ source: 'DEFAULT', noReadingPolicy: 'ESTIMATE', paymentTermDays: 15, invoiceLanguage: 'tr' });
      const body = {
        noReadingPolicy: 'ESTIMATE',
        paymentTermDays: 20,
        scheduledRunDay: null,
        reminderDays: [10, 3],
        disconnectionAfterDays: 45,
        invoiceLanguage: 'tr',
      };
      const put = await t.request({ method: 'PUT', url: `/api/tenants/${a.id}/billing-settings`, token: aToken, body });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ source: 'OWN', sourceTenantId: a.id, paymentTermDays: 20, reminderDays: [3, 10] });
      const inherited = await t.request({ url: `/api/tenants/${child.id}/billing-settings`, token: childToken });
      expect(inherited.body).toMatchObject({ source: 'ANCESTOR', sourceTenantId: a.id, paymentTermDays: 20 });
      const own = await t.request({
        method: 'PUT',
        url: `/api/tenants/${child.id}/billing-settings`,
        token: childToken,
        body: { ...body, noReadingPolicy: 'MINIMUM' },
      });
      expect(own.body).toMatchObject({ source: 'OWN', noReadingPolicy: 'MINIMUM' });
      const audit = await t.sql(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'billing_settings'`);
      expect(audit[0].n).toBe(2);
    });

    it('refuses bad values, other tenants and missing rights, changing nothing', async () => {
      const before = await counts();
      const body = {
        noReadingPolicy: 'NEVER',
        paymentTermDays: 400,
        scheduledRunDay: 31,
        reminderDays: [],
        disconnectionAfterDays: 1,
        invoiceLanguage: 'de',
      };
      const bad = await t.request({ method: 'PUT', url: `/api/tenants/${a.id}/billing-settings`, token: aToken, body });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { path: string[] }) => d.path[0]).sort()).toEqual([
        'invoiceLanguage',
        'noReadingPolicy',
        'paymentTermDays',
        'scheduledRunDay',
      ]);
      expect((await t.request({ url: `/api/tenants/${a.id}/billing-settings`, token: bToken })).status).toBe(404);
      expect((await t.request({ url: `/api/tenants/${a.id}/billing-settings`, token: noBillingToken })).status).toBe(403);
      const good = {
        noReadingPolicy: 'MINIMUM',
        paymentTermDays: 1,
        scheduledRunDay: 1,
        reminderDays: [],
        disconnectionAfterDays: 1,
        invoiceLanguage: 'en',
      };
      expect(
        (await t.request({ method: 'PUT', url: `/api/tenants/${a.id}/billing-settings`, token: readerToken, body: good })).status,
      ).toBe(403);
      expect((await t.request({ method: 'PUT', url: `/api/tenants/${a.id}/billing-settings`, token: bToken, body: good })).status).toBe(
        404,
      );
      expect(await counts()).toEqual(before);
    });
  });

  describe('a run of October', () => {
    it('computes one draft per served subscription with the lines and totals worked by hand, live', async () => {
      const live = await connectLive(t.url, aToken);
      const res = await run(aToken, a.id, '2026-10');
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ tenantId: a.id, period: '2026-10', periodStart: '2026-10-01', periodEnd: '2026-11-01' });
      octoberRun = res.body.id;
      const done = await settled(aToken, octoberRun);
      expect(done).toMatchObject({ status: 'DRAFT', subscriptionsTotal: 5, subscriptionsDone: 5, invoiceCount: 5, problems: [] });
      await live.waitFor((e) => e.name === 'billing-run.progress' && e.payload.runId === octoberRun && e.payload.status === 'DRAFT');
      live.socket.close();
      // The user who started it is told it is ready for review.
      await until(
        async () =>
          (
            await t.sql(
              `SELECT 1 FROM notification WHERE user_id = $1 AND event_type = 'billing.run.finished' AND payload->>'runId' = $2`,
              [aAdminId, octoberRun],
            )
          ).length,
        30_000,
      );

      // S1: 12.4 m³ — FIXED 2000 + 200; 10 m³ × 10.00 = 10000 + 100; 2.4 m³ × 20.00 = 4800 + 48 → 16800 + 348 = 17148
      const s1 = await invoiceOf(subs.s1);
      expect(lines(s1)).toEqual([
        ['FIXED', null, 2000, 200],
        ['WATER', '10.000', 10_000, 100],
        ['WATER', '2.400', 4800, 48],
      ]);
      expect(s1).toMatchObject({ status: 'DRAFT', number: null, consumptionM3: '12.400', estimatedM3: '3.100', grossKurus: 17_148 });
      expect(s1.quality).toEqual({ estimatedM3: '3.100', estimatedSharePercent: 25, fullyEstimated: false });

      // S2, meter change: 15 × 0.2 + 16 × 0.5 = 11 m³ from both meters → 2200 + 10100 + 2020 = 14320
      const s2 = await invoiceOf(subs.s2);
      expect(lines(s2)).toEqual([
        ['FIXED', null, 2000, 200],
        ['WATER', '10.000', 10_000, 100],
        ['WATER', '1.000', 2000, 20],
      ]);
      expect(s2.grossKurus).toBe(14_320);

      // S3, opened on 17 October: 15 days over 30 — FIXED 1000 + 100; blocks 0–5 m³; 6 m³: 5000 + 50, 2000 + 20 → 8170
      const s3 = await invoiceOf(subs.s3);
      expect(lines(s3)).toEqual([
        ['FIXED', null, 1000, 100],
        ['WATER', '5.000', 5000, 50],
        ['WATER', '1.000', 2000, 20],
      ]);
      expect(s3.grossKurus).toBe(8170);

      // S4, no readings, ESTIMATE: 9 m³ over 18 days = 0.5 a day × 31 = 15.5 m³ → 2200 + 10100 + 5.5 × 2000 = 11000 + 110 → 23410
      const s4 = await invoiceOf(subs.s4);
      expect(lines(s4)).toEqual([
        ['FIXED', null, 2000, 200],
        ['WATER', '10.000', 10_000, 100],
        ['WATER', '5.500', 11_000, 110],
      ]);
      expect(s4).toMatchObject({ consumptionM3: '15.500', estimatedM3: '15.500', grossKurus: 23_410 });
      expect(s4.quality).toMatchObject({ estimatedSharePercent: 100, fullyEstimated: true });

      // S5, tariff change on 11 October: 10 + 21 days of 31; 9.3 m³ → 3.000 and 6.300 m³.
      // v1: FIXED 2000 × 10/31 = 645.16 → 645, VAT 64.5 → 65; 3 m³ × 10.00 = 3000 + 30
      // v2: FIXED 2000 × 21/31 = 1354.84 → 1355, VAT 135.5 → 136; 6.3 m³ × 12.00 = 7560 + 75.6 → 76
      // net 645 + 3000 + 1355 + 7560 = 12560, VAT 65 + 30 + 136 + 76 = 307, gross 12867
      const s5 = await invoiceOf(subs.s5);
      expect(lines(s5)).toEqual([
        ['FIXED', null, 645, 65],
        ['WATER', '3.000', 3000, 30],
        ['FIXED', null, 1355, 136],
        ['WATER', '6.300', 7560, 76],
      ]);
      expect([s5.netKurus, s5.vatKurus, s5.grossKurus]).toEqual([12_560, 307, 12_867]);
      expect(s5.lines.map((l: { segmentStart: string }) => l.segmentStart)).toEqual([
        '2026-10-01',
        '2026-10-01',
        '2026-10-11',
        '2026-10-11',
      ]);

      const run1 = (await t.request({ url: `/api/billing-runs/${octoberRun}`, token: readerToken })).body;
      expect(run1.grossKurus).toBe(17_148 + 14_320 + 8170 + 23_410 + 12_867);
    });

    it('bills a subscription without readings at the minimum where the tenant says MINIMUM, and one closed mid-month by its days', async () => {
      const res = await run(childToken, child.id, '2026-10');
      const done = await settled(childToken, res.body.id);
      expect(done).toMatchObject({ status: 'DRAFT', invoiceCount: 2 });
      // The child's own settings say MINIMUM: FIXED 2000 + 200; MINIMUM 5000 − 2000 = 3000 + 30 → 5230
      const s6 = await invoiceOf(subs.s6, '2026-10', childToken);
      expect(lines(s6)).toEqual([
        ['FIXED', null, 2000, 200],
        ['MINIMUM', null, 3000, 30],
      ]);
      expect(s6).toMatchObject({ consumptionM3: '0.000', grossKurus: 5230 });

      // S8, closed on 21 October: 20 days over 30 — FIXED 2000 × 20/30 = 1333.33 → 1333, VAT 133.3 → 133; blocks
      // 0–6.667 m³ and above; 8 m³: 6.667 × 10.00 = 6667 + 66.67 → 67, 1.333 × 20.00 = 2666 + 26.66 → 27
      // minimum 5000 × 20/30 = 3333 < 10666 → net 10666, VAT 227, gross 10893
      const s8 = await invoiceOf(subs.s8, '2026-10', childToken);
      expect(lines(s8)).toEqual([
        ['FIXED', null, 1333, 133],
        ['WATER', '6.667', 6667, 67],
        ['WATER', '1.333', 2666, 27],
      ]);
      expect([s8.netKurus, s8.vatKurus, s8.grossKurus]).toEqual([10_666, 227, 10_893]);
      expect(s8.lines[0]).toMatchObject({ segmentStart: '2026-10-01', segmentEnd: '2026-10-21' });
    });

    it('lists a subscription without a tariff among the problems, without failing the run', async () => {
      const res = await run(bToken, b.id, '2026-10');
      const done = await settled(bToken, res.body.id);
      expect(done).toMatchObject({ status: 'DRAFT', subscriptionsTotal: 1, invoiceCount: 0 });
      expect(done.problems).toEqual([
        { subscriptionId: subs.s7.id, subscriptionNo: subs.s7.subscriptionNo, reason: expect.stringContaining('no tariff') },
      ]);
    });

    it('runs a DRAFT period again in place: drafts recomputed from current data, never duplicated', async () => {
      const before = (await invoiceOf(subs.s1)).id;
      await t.sql(`UPDATE meter_daily_consumption SET consumption_m3 = 0.5 WHERE subscription_id = $1 AND day = '2026-10-31'`, [
        subs.s1.id,
      ]);
      const again = await run(aToken, a.id, '2026-10');
      expect(again.status).toBe(202);
      expect(again.body.id).toBe(octoberRun);
      await settled(aToken, octoberRun);
      const s1 = await invoiceOf(subs.s1);
      expect(s1.id).not.toBe(before);
      expect(s1.consumptionM3).toBe('12.500'); // 2.5 m³ in tier 2: 5000 + 50 → 2200 + 10100 + 5050 = 17350
      expect(s1.grossKurus).toBe(17_350);
      const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM invoice WHERE billing_run_id = $1`, [octoberRun]);
      expect(n).toBe(5);
      expect((await t.sql(`SELECT count(*)::int AS n FROM billing_run WHERE tenant_id = $1`, [a.id]))[0].n).toBe(1);
    });

    it('issues the run: gapless numbers in subscription order, dates, snapshot and INVOICE ledger entries', async () => {
      // S2's customer paid 50.00 TL in advance: issuing settles it against the new invoice.
      await makePayment(t, { subscription: subs.s2, amountKurus: 5000 });
      const res = await t.request({ method: 'POST', url: `/api/billing-runs/${octoberRun}/issue`, token: aToken });
      expect(res.status).toBe(202);
      const done = await settled(aToken, octoberRun, ['ISSUED']);
      expect(done).toMatchObject({ status: 'ISSUED', issuedCount: 5 });
      const issued = await t.sql(
        `SELECT i.number, i.issue_date::text, i.due_date::text, i.gross_kurus::text AS gross, i.snapshot, l.amount_kurus::text AS ledger, l.description
           FROM invoice i JOIN subscription s ON s.id = i.subscription_id LEFT JOIN ledger_entry l ON l.invoice_id = i.id
          WHERE i.billing_run_id = $1 ORDER BY s.subscription_no`,
        [octoberRun],
      );
      expect(issued.map((r) => r.number)).toEqual([1, 2, 3, 4, 5].map((k) => `${year}-00000${k}`));
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date());
      const due = new Date(Date.parse(`${today}T00:00:00Z`) + 20 * 86_400_000).toISOString().slice(0, 10);
      for (const r of issued) {
        expect([r.issue_date, r.due_date]).toEqual([today, due]);
        expect(r.ledger).toBe(r.gross);
        expect(r.description).toBe(`Fatura ${r.number}`);
        expect(r.snapshot.tenant.name).toBe(a.name);
        expect(r.snapshot.subscription.subscriptionNo).toMatch(/^SUB-/);
      }
      const s2 = await invoiceOf(subs.s2);
      const [allocated] = await t.sql(`SELECT sum(amount_kurus)::int AS n FROM payment_allocation WHERE invoice_id = $1`, [s2.id]);
      expect(allocated.n).toBe(5000);
      // Each issued invoice's PDF is queued and rendered by the worker.
      await until(async () => (await t.sql(`SELECT pdf_key FROM invoice WHERE id = $1`, [s2.id]))[0].pdf_key, 30_000);
      // An issued period is not billed again, nor issued twice; nothing changes.
      const before = await counts();
      expect((await run(aToken, a.id, '2026-10')).status).toBe(409);
      expect((await t.request({ method: 'POST', url: `/api/billing-runs/${octoberRun}/issue`, token: aToken })).status).toBe(409);
      const s1 = await invoiceOf(subs.s1);
      expect((await t.request({ method: 'POST', url: `/api/invoices/${s1.id}/issue`, token: aToken })).status).toBe(409);
      expect(await counts()).toEqual(before);
    });

    it('carries a lower rollup of an invoiced period as a negative CORRECTION next month', async () => {
      // S1's October goes down by 2 m³ (days 1–5 corrected to 0): billed 12.5, now 10.5.
      await t.sql(`UPDATE meter_daily_consumption SET consumption_m3 = 0 WHERE subscription_id = $1 AND day < '2026-10-06'`, [subs.s1.id]);
      const meter = (await t.sql(`SELECT meter_id FROM subscription_meter WHERE subscription_id = $1`, [subs.s1.id]))[0].meter_id;
      await days({ id: meter } as Meter, subs.s1, '2026-11-01', '2026-12-01', 0.4);
      const res = await run(aToken, a.id, '2026-11');
      await settled(aToken, res.body.id);
      const s1 = await invoiceOf(subs.s1, '2026-11');
      // November 12 m³: 2200 + 10100 + 4040; correction −2 m³ at the marginal 20.00 TL: −4000 − 40 → net 12000, VAT 300, gross 12300
      expect(lines(s1)).toEqual([
        ['FIXED', null, 2000, 200],
        ['WATER', '10.000', 10_000, 100],
        ['WATER', '2.000', 4000, 40],
        ['CORRECTION', '-2.000', -4000, -40],
      ]);
      expect([s1.netKurus, s1.vatKurus, s1.grossKurus]).toEqual([12_000, 300, 12_300]);
    });
  });

  describe('cancellation', () => {
    it('cancels an issued invoice with an issued credit note and re-issues the period from current data', async () => {
      const original = await invoiceOf(subs.s3);
      // S3's October is found higher now: 0.5 m³ a day → 7.5 m³: 1100 + 5050 + 2.5 × 2000 = 5000 + 50 → 11200
      await t.sql(`UPDATE meter_daily_consumption SET consumption_m3 = 0.5 WHERE subscription_id = $1`, [subs.s3.id]);
      const res = await t.request({
        method: 'POST',
        url: `/api/invoices/${original.id}/cancel`,
        token: aToken,
        body: { reason: 'Okuma düzeltildi', reissue: true },
      });
      expect(res.status).toBe(200);
      expect(res.body.invoice).toMatchObject({ status: 'CANCELLED', cancelReason: 'Okuma düzeltildi', number: original.number });
      expect(res.body.creditNote).toMatchObject({
        kind: 'CREDIT_NOTE',
        status: 'ISSUED',
        number: `CN-${year}-000001`,
        correctsInvoiceId: original.id,
        grossKurus: -8170,
        consumptionM3: '-6.000',
      });
      const note = (await t.request({ url: `/api/invoices/${res.body.creditNote.id}`, token: aToken })).body;
      expect(lines(note)).toEqual([
        ['FIXED', null, -1000, -100],
        ['WATER', '-5.000', -5000, -50],
        ['WATER', '-1.000', -2000, -20],
      ]);
      expect(res.body.reissue).toMatchObject({
        status: 'DRAFT',
        correctsInvoiceId: original.id,
        periodStart: '2026-10-01',
        grossKurus: 11_200,
      });
      const ledger = await t.sql(
        `SELECT kind::text, amount_kurus::text AS amount FROM ledger_entry WHERE subscription_id = $1 ORDER BY booked_at`,
        [subs.s3.id],
      );
      expect(ledger).toEqual([
        { kind: 'INVOICE', amount: '8170' },
        { kind: 'CREDIT_NOTE', amount: '-8170' },
      ]);

      // Two issue calls at once: one number, one refusal.
      const both = await Promise.all([
        t.request({ method: 'POST', url: `/api/invoices/${res.body.reissue.id}/issue`, token: aToken }),
        t.request({ method: 'POST', url: `/api/invoices/${res.body.reissue.id}/issue`, token: aToken }),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      const issued = both.find((r) => r.status === 200)!.body;
      expect(issued).toMatchObject({ status: 'ISSUED', number: `${year}-000006`, grossKurus: 11_200 });
      const [{ n, balance }] = await t.sql(
        `SELECT count(*)::int AS n, sum(amount_kurus)::text AS balance FROM ledger_entry WHERE subscription_id = $1`,
        [subs.s3.id],
      );
      expect([n, balance]).toEqual([3, '11200']);
    });

    it('refuses to cancel a draft, a cancelled invoice or a credit note, and bad reasons (409/400, nothing changed)', async () => {
      const draft = await invoiceOf(subs.s1, '2026-11');
      const cancelled = (await t.request({ url: `/api/invoices?subscriptionId=${subs.s3.id}&status=CANCELLED`, token: aToken })).body
        .items[0];
      const note = (await t.request({ url: `/api/invoices?subscriptionId=${subs.s3.id}&kind=CREDIT_NOTE`, token: aToken })).body.items[0];
      const issued = await invoiceOf(subs.s2);
      const before = await counts();
      const cancel = (id: string, body: unknown = { reason: 'x' }) =>
        t.request({ method: 'POST', url: `/api/invoices/${id}/cancel`, token: aToken, body });
      expect((await cancel(draft.id)).status).toBe(409);
      expect((await cancel(cancelled.id)).status).toBe(409);
      expect((await cancel(note.id)).status).toBe(409);
      expect((await cancel(issued.id, { reason: 'x'.repeat(501) })).status).toBe(400);
      expect((await cancel(issued.id, { reason: 'bad\u0000reason' })).status).toBe(400);
      expect((await cancel(issued.id, { reason: '  ' })).status).toBe(400);
      expect((await cancel(issued.id, { reason: 'x', extra: 1 })).status).toBe(400);
      expect(await counts()).toEqual(before);
      expect((await invoiceOf(subs.s2)).status).toBe('ISSUED');
    });
  });

  describe('lists, bad input, rights and isolation', () => {
    it('lists runs and invoices with filters and pages', async () => {
      const runs = await t.request({ url: `/api/billing-runs?tenantId=${a.id}`, token: readerToken });
      expect(runs.status).toBe(200);
      // A's subtree: A's November and October, the child's October.
      const seen = runs.body.items.map((r: { period: string; tenantId: string }) => `${r.period} ${r.tenantId === a.id ? 'A' : 'child'}`);
      expect(seen[0]).toBe('2026-11 A');
      expect(seen.slice(1).sort()).toEqual(['2026-10 A', '2026-10 child']);
      const issued = await t.request({ url: `/api/billing-runs?status=ISSUED&period=2026-10`, token: aToken });
      expect(issued.body.items.map((r: { id: string }) => r.id)).toEqual([octoberRun]);
      const byNumber = await t.request({ url: `/api/invoices?number=${year}-000001`, token: aToken });
      expect(byNumber.body.items).toHaveLength(1);
      const prefix = await t.request({ url: `/api/invoices?number=${year}-00000&pageSize=2&page=2`, token: aToken });
      expect(prefix.body).toMatchObject({ total: 6, page: 2, pageSize: 2 });
      expect(prefix.body.items).toHaveLength(2);
      const ofRun = await t.request({ url: `/api/invoices?runId=${octoberRun}&status=ISSUED`, token: aToken });
      expect(ofRun.body.total).toBe(4);
      const ofCustomer = await t.request({ url: `/api/invoices?customerId=${subs.s3.customerId}`, token: aToken });
      expect(ofCustomer.body.total).toBe(4); // the cancelled invoice, its credit note, the re-issue, November's draft
      // B sees none of A's.
      expect((await t.request({ url: `/api/invoices?tenantId=${a.id}`, token: bToken })).status).toBe(404);
      expect((await t.request({ url: `/api/invoices`, token: bToken })).body.total).toBe(0);
      expect((await t.request({ url: `/api/billing-runs`, token: noBillingToken })).status).toBe(403);
    });

    it('refuses bad periods and bad input with 400, nothing changed', async () => {
      const before = await counts();
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date());
      const nextYear = `${Number(today.slice(0, 4)) + 1}-01`;
      for (const period of ['2026-13', '26-10', '2026-1', today.slice(0, 7), nextYear, 'x'.repeat(5000), '2026-10\u0000']) {
        const res = await run(aToken, a.id, period);
        expect(res.status, period.slice(0, 20)).toBe(400);
        expect(res.body.details[0].path.at(-1)).toBe('period');
      }
      expect((await run(aToken, 'not-a-uuid', '2026-10')).status).toBe(400);
      expect((await t.request({ url: `/api/invoices?status=PAID`, token: aToken })).status).toBe(400);
      expect((await t.request({ url: `/api/invoices?number=${'9'.repeat(100)}`, token: aToken })).status).toBe(400);
      expect((await t.request({ url: `/api/billing-runs/not-a-uuid`, token: aToken })).status).toBe(400);
      expect(await counts()).toEqual(before);
    });

    it('answers 403 without the right and 404 for another tenant’s runs and invoices', async () => {
      const before = await counts();
      const invoice = await invoiceOf(subs.s1, '2026-11');
      const novemberRun = invoice.billingRunId;
      expect((await run(readerToken, a.id, '2026-09')).status).toBe(403);
      expect((await t.request({ method: 'POST', url: `/api/billing-runs/${novemberRun}/issue`, token: readerToken })).status).toBe(403);
      expect((await t.request({ method: 'POST', url: `/api/invoices/${invoice.id}/issue`, token: readerToken })).status).toBe(403);
      expect((await t.request({ url: `/api/invoices/${invoice.id}`, token: readerToken })).status).toBe(200);
      // Without BILLING anywhere the guard answers before any object is looked at.
      expect((await run(noBillingToken, a.id, '2026-09')).status).toBe(403);
      expect((await t.request({ url: `/api/invoices/${invoice.id}`, token: noBillingToken })).status).toBe(403);
      for (const req of [
        { url: `/api/billing-runs/${novemberRun}` },
        { url: `/api/invoices/${invoice.id}` },
        { method: 'POST' as const, url: `/api/billing-runs/${novemberRun}/issue` },
        { method: 'POST' as const, url: `/api/invoices/${invoice.id}/issue` },
        { method: 'POST' as const, url: `/api/invoices/${(await invoiceOf(subs.s2)).id}/cancel`, body: { reason: 'x' } },
      ])
        expect((await t.request({ ...req, token: bToken })).status, req.url).toBe(404);
      expect((await run(bToken, a.id, '2026-09')).status).toBe(404);
      // The child's admin sees the child only, not its parent's runs.
      expect((await t.request({ url: `/api/billing-runs/${novemberRun}`, token: childToken })).status).toBe(404);
      expect(await counts()).toEqual(before);
    });
  });

  describe('concurrent issue', () => {
    it('two issue calls of one run at once number every draft once, without gaps', async () => {
      const november = (await invoiceOf(subs.s1, '2026-11')).billingRunId;
      const both = await Promise.all([
        t.request({ method: 'POST', url: `/api/billing-runs/${november}/issue`, token: aToken }),
        t.request({ method: 'POST', url: `/api/billing-runs/${november}/issue`, token: aToken }),
      ]);
      // The second finds the run ISSUING and resumes it: both are accepted, neither issues twice.
      expect(both.map((r) => r.status)).toEqual([202, 202]);
      const done = await settled(aToken, november, ['ISSUED']);
      expect(done.issuedCount).toBe(done.invoiceCount);
      const numbers = await t.sql<{ seq: number }>(
        `SELECT number_seq AS seq FROM invoice WHERE tenant_id = $1 AND kind = 'INVOICE' AND status <> 'DRAFT' ORDER BY number_seq`,
        [a.id],
      );
      expect(numbers.map((n) => n.seq)).toEqual(numbers.map((_, i) => i + 1));
      const [{ entries }] = await t.sql(
        `SELECT count(*)::int AS entries FROM ledger_entry l JOIN invoice i ON i.id = l.invoice_id WHERE i.billing_run_id = $1`,
        [november],
      );
      expect(entries).toBe(done.invoiceCount);
    });
  });

  describe('resuming', () => {
    it('computes a run left QUEUED without its job (the process died before enqueueing) when its period is posted again', async () => {
      const lone = await makeTenant(t, { parent: a });
      const { token } = await makeAdmin(t, lone);
      const [{ id }] = await t.sql(
        `INSERT INTO billing_run (tenant_id, period_start, period_end) VALUES ($1, '2026-09-01', '2026-10-01') RETURNING id`,
        [lone.id],
      );
      const res = await run(token, lone.id, '2026-09');
      expect(res.status).toBe(202);
      expect(res.body.id).toBe(id);
      expect(await settled(token, id)).toMatchObject({ status: 'DRAFT', subscriptionsTotal: 0 });
      // Running the DRAFT period again is the next generation: a new job, not the finished one's id.
      expect((await run(token, lone.id, '2026-09')).status).toBe(202);
      expect((await t.sql(`SELECT queue_generation FROM billing_run WHERE id = $1`, [id]))[0].queue_generation).toBe(2);
      expect(await settled(token, id)).toMatchObject({ status: 'DRAFT' });
    });

    it('issues the rest of a run left ISSUING by a process that died mid-way', async () => {
      const first = await invoiceOf(subs.s6, '2026-10', childToken);
      const runId = first.billingRunId;
      // The first draft was issued, then the process died: the run is left ISSUING with one draft to go.
      expect((await t.request({ method: 'POST', url: `/api/invoices/${first.id}/issue`, token: childToken })).status).toBe(200);
      await t.sql(`UPDATE billing_run SET status = 'ISSUING' WHERE id = $1`, [runId]);
      const res = await t.request({ method: 'POST', url: `/api/billing-runs/${runId}/issue`, token: childToken });
      expect(res.status).toBe(202);
      const done = await settled(childToken, runId, ['ISSUED']);
      expect(done).toMatchObject({ invoiceCount: 2, issuedCount: 2 });
      const numbers = await t.sql(`SELECT number FROM invoice WHERE billing_run_id = $1 ORDER BY number`, [runId]);
      expect(numbers.map((r) => r.number)).toEqual([`${year}-000001`, `${year}-000002`]);
    });
  });

  describe('scheduled runs', () => {
    it('starts the previous month’s run of tenants whose run day it is, once', async () => {
      const other = await makeTenant(t, { parent: b });
      await t.sql(`INSERT INTO billing_settings (tenant_id, scheduled_run_day) VALUES ($1, 5)`, [other.id]);
      const jobs = worker.get(BillingRunJobs);
      const now = new Date('2026-12-05T09:00:00Z'); // the 5th in Istanbul
      const started = await jobs.schedule(now);
      expect(started).toHaveLength(1);
      expect(await jobs.schedule(now)).toEqual([]);
      expect(await jobs.schedule(new Date('2026-12-06T09:00:00Z'))).toEqual([]);
      const [row] = await t.sql(`SELECT tenant_id, period_start::text FROM billing_run WHERE id = $1`, [started[0]]);
      expect(row).toEqual({ tenant_id: other.id, period_start: '2026-11-01' });
      await until(
        async () => (await t.sql(`SELECT status::text FROM billing_run WHERE id = $1`, [started[0]]))[0].status === 'DRAFT',
        30_000,
      );
    });
  });
});
