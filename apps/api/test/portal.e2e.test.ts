import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeAdmin,
  makeAlarm,
  makeCustomer,
  makeDevice,
  makeInvoice,
  makeMeter,
  makePayment,
  makeReading,
  makeSubscription,
  makeTenant,
  rollUpDays,
  type Customer,
  type Device,
  type Invoice,
  type Meter,
  type Subscription,
  type Tenant,
} from './support/factories';
import { makePortalAccount, unzip, type PortalAccount } from './support/portal';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The customer portal's views (issue 19) against the real database: customer A of a utility in
 * Europe/Istanbul (UTC+3) with a subscription whose meter was changed on 2 November 2026, readings across
 * the October/November boundary, estimates, invoices, a payment; customer B of the same utility whose
 * records must never show up in A's answers (and the meter A gave back, now serving B).
 */
describe('portal views (issue 19)', () => {
  let t: TestApp;
  let documents: string;
  let tenant: Tenant;
  let a: { customer: Customer; account: PortalAccount; sub: Subscription };
  let b: { customer: Customer; account: PortalAccount; sub: Subscription; moved: Subscription };
  let m1: Meter;
  let m2: Meter;
  let d1: Device;
  let d2: Device;
  let inv1: Invoice;
  let inv4: Invoice;
  let draft: Invoice;
  let invB: Invoice;
  let alarms: { leak: string; battery: string; cleared: string; afterMove: string; ofB: string };

  const get = (url: string, token = a.account.accessToken) => t.request({ url, token });
  const at = (iso: string) => new Date(iso);
  const period = (o: { sub: Subscription; meter: Meter; from: string; to?: string }) =>
    t.kysely
      .insertInto('subscription_meter')
      .values({
        tenant_id: o.sub.tenantId,
        subscription_id: o.sub.id,
        meter_id: o.meter.id,
        started_at: at(o.from),
        ended_at: o.to ? at(o.to) : null,
      })
      .execute();
  const day = (meter: Meter, sub: Subscription, d: string, m3: number) =>
    t.sql(
      `INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, subscription_id, consumption_m3, last_index_m3, reading_count)
       VALUES ($1, $2, $3, $4, $5, 0, 1)`,
      [meter.id, d, sub.tenantId, sub.id, m3],
    );

  beforeAll(async () => {
    documents = await mkdtemp(join(tmpdir(), 'water-portal-'));
    t = await startTestApp('portal_views', { env: { DOCUMENTS_DIR: documents } });
    tenant = await makeTenant(t, { timeZone: 'Europe/Istanbul' });
    const aCustomer = await makeCustomer(t, { tenant, address: true, phone: '+905321112233', email: 'ayse@example.com' });
    const bCustomer = await makeCustomer(t, { tenant, address: true });
    a = {
      customer: aCustomer,
      account: await makePortalAccount(t, { customerId: aCustomer.id, tenantId: tenant.id }),
      sub: await makeSubscription(t, { tenant, customer: aCustomer, address: aCustomer.addressId ?? undefined }),
    };
    b = {
      customer: bCustomer,
      account: await makePortalAccount(t, { customerId: bCustomer.id, tenantId: tenant.id }),
      sub: await makeSubscription(t, { tenant, customer: bCustomer, group: 'HIGH' }),
      moved: await makeSubscription(t, { tenant, customer: bCustomer, group: 'HIGH' }),
    };

    // A's meter M1 from 2025-08-01 to 2026-11-02 12:00 local, then M2; M1 then serves B from 10 November.
    m1 = await makeMeter(t, { tenant, installedAt: null });
    m2 = await makeMeter(t, { tenant, installedAt: null });
    const m3b = await makeMeter(t, { tenant, installedAt: null });
    await period({ sub: a.sub, meter: m1, from: '2025-08-01T00:00:00+03:00', to: '2026-11-02T12:00:00+03:00' });
    await period({ sub: a.sub, meter: m2, from: '2026-11-02T12:00:00+03:00' });
    await period({ sub: b.moved, meter: m1, from: '2026-11-10T00:00:00+03:00' });
    await period({ sub: b.sub, meter: m3b, from: '2026-01-01T00:00:00+03:00' });
    d1 = await makeDevice(t, { tenant, meter: m1 });
    d2 = await makeDevice(t, { tenant, meter: m2 });
    const d3 = await makeDevice(t, { tenant, meter: m3b });

    // Local days (UTC+3): 10-30 0.5 | 10-31 0.5 + 1.25 | 11-01 0.75 | 11-02 0.4 (M1) + 0.1 (M2) | 11-03 0.8.
    await makeReading(t, { device: d1, time: at('2026-10-30T09:00:00Z'), indexM3: 100 });
    await makeReading(t, { device: d1, time: at('2026-10-30T20:00:00Z'), indexM3: 100.5 });
    await makeReading(t, { device: d1, time: at('2026-10-30T22:00:00Z'), indexM3: 101 });
    await makeReading(t, { device: d1, time: at('2026-10-31T20:30:00Z'), indexM3: 102.25 });
    await makeReading(t, { device: d1, time: at('2026-10-31T21:30:00Z'), indexM3: 103 });
    await makeReading(t, { device: d1, time: at('2026-11-02T08:00:00Z'), indexM3: 103.4 });
    await makeReading(t, { device: d2, time: at('2026-11-02T10:00:00Z'), indexM3: 0.1, consumptionM3: 0.1 });
    await makeReading(t, { device: d2, time: at('2026-11-03T10:00:00Z'), indexM3: 0.9 });
    // M1 at B's after the move, and B's own meter: never A's.
    await makeReading(t, { device: d1, time: at('2026-11-12T10:00:00Z'), indexM3: 110, consumptionM3: 6.6 });
    await makeReading(t, { device: d3, time: at('2026-11-01T10:00:00Z'), indexM3: 500, consumptionM3: 100 });
    await rollUpDays(t);
    // Estimates: the worker's estimated share on M1's 31 October, and the quality rollup's count on M2's 3 November.
    await t.sql(
      `UPDATE reading SET quality = 'ESTIMATED', quality_rule = 'interpolation' WHERE device_id = $1 AND time = '2026-10-31T20:30:00Z'`,
      [d1.id],
    );
    await t.sql(`UPDATE meter_daily_consumption SET estimated_m3 = 1.25 WHERE meter_id = $1 AND day = '2026-10-31'`, [m1.id]);
    await t.sql(
      `INSERT INTO meter_daily_quality (meter_id, day, tenant_id, valid, suspect, estimated, edited) VALUES ($1, '2026-11-03', $2, 0, 0, 1, 0)`,
      [m2.id, tenant.id],
    );
    await t.sql(
      `UPDATE reading SET quality = 'ESTIMATED', quality_rule = 'interpolation' WHERE device_id = $1 AND time = '2026-11-03T10:00:00Z'`,
      [d2.id],
    );
    // Comparison days: previous periods and a year earlier.
    await day(m1, a.sub, '2026-10-27', 2);
    await day(m1, a.sub, '2026-09-15', 3);
    await day(m1, a.sub, '2025-10-20', 5.5);
    await day(m1, a.sub, '2025-11-01', 1.111);
    await day(m1, a.sub, '2025-12-01', 6);
    // Four more subscriptions of A's group (NORMAL) with 1, 2, 3 and 4 m³ on 1 November: the group has five.
    for (let i = 1; i <= 4; i++) {
      const s = await makeSubscription(t, { tenant });
      const m = await makeMeter(t, { tenant, installedAt: null });
      await period({ sub: s, meter: m, from: '2026-01-01T00:00:00+03:00' });
      await day(m, s, '2026-11-01', i);
    }

    alarms = {
      leak: (await makeAlarm(t, { device: d2, type: 'LEAK', subscription: a.sub, startedAt: at('2026-11-04T10:00:00Z') })).id,
      battery: (await makeAlarm(t, { device: d1, type: 'LOW_BATTERY', startedAt: at('2026-10-31T10:00:00Z') })).id,
      cleared: (
        await makeAlarm(t, {
          device: d2,
          type: 'TAMPER',
          subscription: a.sub,
          startedAt: at('2026-11-03T10:00:00Z'),
          clearedAt: at('2026-11-03T11:00:00Z'),
        })
      ).id,
      afterMove: (await makeAlarm(t, { device: d1, type: 'REVERSE_FLOW', startedAt: at('2026-11-12T10:00:00Z') })).id,
      ofB: (await makeAlarm(t, { device: d3, type: 'LEAK', subscription: b.sub })).id,
    };

    inv1 = await makeInvoice(t, {
      subscription: a.sub,
      grossKurus: 12_000,
      periodStart: '2026-10-01',
      periodEnd: '2026-11-01',
      dueDate: '2026-11-20',
    });
    inv4 = await makeInvoice(t, {
      subscription: a.sub,
      grossKurus: 3_000,
      periodStart: '2026-11-01',
      periodEnd: '2026-12-01',
      dueDate: '2099-01-15',
    });
    draft = await makeInvoice(t, { subscription: a.sub, issued: false, periodStart: '2026-12-01', periodEnd: '2027-01-01' });
    invB = await makeInvoice(t, { subscription: b.sub, grossKurus: 99_900 });
    await makePayment(t, { subscription: a.sub, amountKurus: 5_000, allocations: [{ invoice: inv1, amountKurus: 5_000 }] });
    await makePayment(t, { subscription: b.sub, amountKurus: 77_700 });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (documents) await rm(documents, { recursive: true, force: true });
  });

  describe('profile', () => {
    it("answers the account, the customer's record and the utility", async () => {
      const res = await get('/api/portal/me');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        account: { email: a.account.email, language: 'tr', lastLoginAt: null },
        customer: { type: 'INDIVIDUAL', phone: '+905321112233', email: 'ayse@example.com' },
        tenant: { name: tenant.name, timeZone: 'Europe/Istanbul', hasLogo: false },
      });
    });

    it('changes the language and the phone, and refuses bad values without changing anything', async () => {
      const bad = [
        { phone: '0532 111' },
        { language: 'de' },
        { phone: '+905321112233\u0000' },
        { email: 'x@example.com' },
        { language: 'en', phone: 'abc' },
      ];
      for (const body of bad) {
        const res = await t.request({ method: 'PATCH', url: '/api/portal/me', token: a.account.accessToken, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      expect((await get('/api/portal/me')).body.account.language).toBe('tr');
      const res = await t.request({
        method: 'PATCH',
        url: '/api/portal/me',
        token: a.account.accessToken,
        body: { language: 'en', phone: '+905559998877' },
      });
      expect(res.status).toBe(200);
      expect(res.body.account.language).toBe('en');
      expect(res.body.customer.phone).toBe('+905559998877');
      const [audit] = await t.sql(
        `SELECT action, actor_id, before, after FROM audit_log WHERE entity_type = 'customer' AND entity_id = $1`,
        [a.customer.id],
      );
      expect(audit).toMatchObject({ action: 'update', actor_id: null, before: { phone: '+905321112233' } });
      // B's record is untouched.
      const [bRow] = await t.sql(`SELECT phone FROM customer WHERE id = $1`, [b.customer.id]);
      expect(bRow.phone).toBeNull();
      await t.request({
        method: 'PATCH',
        url: '/api/portal/me',
        token: a.account.accessToken,
        body: { language: 'tr', phone: '+905321112233' },
      });
    });

    it("serves the utility's logo, 404 when it has none", async () => {
      expect((await get('/api/portal/tenant-logo')).status).toBe(404);
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      await t.sql(`INSERT INTO tenant_logo (tenant_id, content_type, image) VALUES ($1, 'image/png', $2)`, [tenant.id, png]);
      const res = await t.app.inject({ url: '/api/portal/tenant-logo', headers: { authorization: `Bearer ${a.account.accessToken}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.rawPayload.equals(png)).toBe(true);
      expect((await get('/api/portal/me')).body.tenant.hasLogo).toBe(true);
      await t.sql(`DELETE FROM tenant_logo WHERE tenant_id = $1`, [tenant.id]);
    });
  });

  describe('subscriptions', () => {
    it('lists only my subscriptions, with the current meter, its last reading and open alarms', async () => {
      const res = await get('/api/portal/subscriptions');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({
        id: a.sub.id,
        subscriptionNo: a.sub.subscriptionNo,
        type: 'INDIVIDUAL',
        isActive: true,
        // The group in both languages; the portal shows the one of the customer's language.
        groupName: 'Normal Tüketim',
        groupNameEn: 'Normal Consumption',
        meter: { id: m2.id, serialNo: m2.serialNo, lastReading: { indexM3: 0.9, readAt: '2026-11-03T10:00:00.000Z', estimated: true } },
        openAlarmCount: 2,
      });
      expect(res.body[0].address).toMatch(/Çankaya\/Ankara/);
      const bs = await get('/api/portal/subscriptions', b.account.accessToken);
      expect(bs.body.map((s: { id: string }) => s.id).sort()).toEqual([b.sub.id, b.moved.id].sort());
    });
  });

  describe('consumption', () => {
    const url = (q: string, id = a.sub.id) => `/api/portal/subscriptions/${id}/consumption?${q}`;

    it('by local day across the month boundary and the meter change, estimated days marked, with comparisons', async () => {
      const res = await get(url('granularity=day&from=2026-10-30&to=2026-11-03'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        granularity: 'day',
        from: '2026-10-30',
        to: '2026-11-03',
        unit: 'm3',
        points: [
          { period: '2026-10-30', consumptionM3: 0.5, estimated: false },
          { period: '2026-10-31', consumptionM3: 1.75, estimated: true },
          { period: '2026-11-01', consumptionM3: 0.75, estimated: false },
          { period: '2026-11-02', consumptionM3: 0.5, estimated: false },
          { period: '2026-11-03', consumptionM3: 0.8, estimated: true },
        ],
        totalM3: 4.3,
        comparisons: {
          // 2026-10-25..29: the 2 m³ of the 27th.
          previousPeriodM3: 2,
          // 2025-10-30..2025-11-03: the 1.111 m³ of 1 November 2025.
          sameMonthLastYearM3: 1.111,
          // (A's 4.3 + 1 + 2 + 3 + 4) / 5 subscriptions of the group.
          groupAverageM3: 2.86,
        },
      });
    });

    it('by local month, whole months, with the previous months and the same months a year earlier', async () => {
      const res = await get(url('granularity=month&from=2026-10-15&to=2026-11-03'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        granularity: 'month',
        from: '2026-10-01',
        to: '2026-11-30',
        points: [
          // 0.5 + 1.75 + 2 (27 October)
          { period: '2026-10', consumptionM3: 4.25, estimated: true },
          // 0.75 + 0.5 + 0.8; M1's 6.6 m³ of 12 November are B's (the meter served B then).
          { period: '2026-11', consumptionM3: 2.05, estimated: true },
        ],
        totalM3: 6.3,
        comparisons: { previousPeriodM3: 3, sameMonthLastYearM3: 6.611, groupAverageM3: 3.26 },
      });
    });

    it('defaults to the last 30 local days, or the last 12 months', async () => {
      const days = await get(url(''));
      expect(days.status).toBe(200);
      expect(days.body.points).toHaveLength(30);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date());
      expect(days.body.to).toBe(today);
      const months = await get(url('granularity=month'));
      expect(months.body.points).toHaveLength(12);
      expect(months.body.points[11].period).toBe(today.slice(0, 7));
    });

    it("hides the group's average when the group is too small to hide anyone", async () => {
      const res = await get(url('from=2026-11-01&to=2026-11-30', b.sub.id), b.account.accessToken);
      expect(res.status).toBe(200);
      expect(res.body.totalM3).toBe(100);
      expect(res.body.comparisons.groupAverageM3).toBeNull();
    });

    it('refuses bad input with 400', async () => {
      for (const q of [
        'from=2026-02-30',
        'from=2026-1-01',
        'to=tomorrow',
        'granularity=week',
        'from=2026-11-05&to=2026-11-01',
        'from=2025-01-01&to=2026-02-05',
        'granularity=month&from=2023-01-01&to=2026-01-31',
        'from=2026-11-01&extra=1',
        'from=2026-11-01%00',
      ]) {
        const res = await get(url(q));
        expect(res.status, q).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: expect.any(String), message: expect.any(String) });
      }
      expect((await get('/api/portal/subscriptions/not-a-uuid/consumption')).status).toBe(400);
    });

    it("answers 404 for another customer's subscription and for an unknown one", async () => {
      const other = await get(url('', b.sub.id));
      const unknown = await get(url('', '00000000-0000-4000-8000-000000000000'));
      expect(other.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(other.body.message.replace(b.sub.id, 'X')).toBe(unknown.body.message.replace('00000000-0000-4000-8000-000000000000', 'X'));
    });
  });

  describe('alarms', () => {
    it("lists my subscriptions' open alarms, or all, with the advice key", async () => {
      const open = await get('/api/portal/alarms');
      expect(open.status).toBe(200);
      expect(open.body.map((x: { id: string }) => x.id)).toEqual([alarms.leak, alarms.battery]);
      expect(open.body[0]).toMatchObject({
        type: 'LEAK',
        status: 'open',
        adviceKey: 'LEAK',
        subscriptionNo: a.sub.subscriptionNo,
        meterSerialNo: m2.serialNo,
        clearedAt: null,
      });
      // The meter's alarm after it went to B, and B's own, are not mine.
      const all = await get('/api/portal/alarms?status=all');
      expect(all.body.map((x: { id: string }) => x.id)).toEqual([alarms.leak, alarms.cleared, alarms.battery]);
      expect(all.body[1]).toMatchObject({ status: 'cleared', clearedAt: '2026-11-03T11:00:00.000Z' });
      const theirs = await get('/api/portal/alarms?status=all', b.account.accessToken);
      expect(theirs.body.map((x: { id: string }) => x.id).sort()).toEqual([alarms.afterMove, alarms.ofB].sort());
      expect((await get('/api/portal/alarms?status=closed')).status).toBe(400);
    });
  });

  describe('invoices and balance', () => {
    it('lists issued invoices only, with what is still open', async () => {
      const res = await get('/api/portal/invoices');
      expect(res.status).toBe(200);
      const ids = res.body.map((x: { id: string }) => x.id);
      expect(ids.sort()).toEqual([inv1.id, inv4.id].sort());
      expect(ids).not.toContain(draft.id);
      expect(res.body.find((x: { id: string }) => x.id === inv1.id)).toMatchObject({
        number: inv1.number,
        kind: 'INVOICE',
        status: 'ISSUED',
        totalKurus: '12000',
        openKurus: '7000',
        dueDate: '2026-11-20',
        periodStart: '2026-10-01',
        subscriptionNo: a.sub.subscriptionNo,
        hasPdf: true,
      });
    });

    it('shows an invoice with its lines; a draft or another customer’s invoice is 404', async () => {
      const res = await get(`/api/portal/invoices/${inv1.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: inv1.id, netKurus: '10000', vatKurus: '2000', consumptionM3: 10, currency: 'TRY' });
      expect(res.body.lines).toEqual([expect.objectContaining({ ordinal: 1, component: 'FIXED', grossKurus: '12000', vatRateBp: 2000 })]);
      expect((await get(`/api/portal/invoices/${draft.id}`)).status).toBe(404);
      expect((await get(`/api/portal/invoices/${invB.id}`)).status).toBe(404);
      expect((await get(`/api/portal/invoices/${draft.id}/pdf`)).status).toBe(404);
      expect((await get(`/api/portal/invoices/${invB.id}/pdf`)).status).toBe(404);
      expect((await get('/api/portal/invoices/1%20OR%201=1')).status).toBe(400);
    });

    it('downloads the PDF, rendering and storing it on the first request', async () => {
      const pdf = await t.app.inject({
        url: `/api/portal/invoices/${inv1.id}/pdf`,
        headers: { authorization: `Bearer ${a.account.accessToken}` },
      });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toBe(`attachment; filename="${inv1.number}.pdf"`);
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const [row] = await t.sql(`SELECT pdf_key FROM invoice WHERE id = $1`, [inv1.id]);
      expect(row.pdf_key).toBeTruthy();
    });

    it('answers the balance, what is overdue, the next due date and the ledger newest first', async () => {
      const res = await get('/api/portal/balance');
      expect(res.status).toBe(200);
      // 12,000 + 3,000 invoiced − 5,000 paid; inv1's 7,000 left is past due (20 November 2026), inv4 is due 2099-01-15.
      expect(res.body).toMatchObject({ balanceKurus: '10000', overdueKurus: '7000', nextDueDate: '2099-01-15' });
      expect(res.body.entries).toHaveLength(3);
      expect(res.body.entries[0]).toMatchObject({ kind: 'PAYMENT', amountKurus: '-5000', balanceKurus: '10000' });
      expect(res.body.entries.map((e: { kind: string }) => e.kind).sort()).toEqual(['INVOICE', 'INVOICE', 'PAYMENT']);
      const theirs = await get('/api/portal/balance', b.account.accessToken);
      expect(theirs.body).toMatchObject({ balanceKurus: String(99_900 - 77_700) });
    });
  });

  describe('KVKK', () => {
    it('records consents append-only and answers the current state per kind with its history', async () => {
      const post = (body: unknown, token = a.account.accessToken) =>
        t.request({ method: 'POST', url: '/api/portal/consents', token, body });
      expect((await post({ kind: 'EMAIL_NOTIFICATIONS', version: '2026-01', granted: true })).status).toBe(201);
      const withdrawn = await post({ kind: 'EMAIL_NOTIFICATIONS', version: '2026-01', granted: false });
      expect(withdrawn.status).toBe(201);
      expect(withdrawn.body).toMatchObject({ kind: 'EMAIL_NOTIFICATIONS', version: '2026-01', granted: false });
      expect((await post({ kind: 'KVKK_PRIVACY_NOTICE', version: 'v1.0', granted: true })).status).toBe(201);
      for (const body of [
        { kind: 'ANYTHING', version: '1', granted: true },
        { kind: 'KVKK_PRIVACY_NOTICE', version: '', granted: true },
        { kind: 'KVKK_PRIVACY_NOTICE', version: '1\u0000', granted: true },
        { kind: 'KVKK_PRIVACY_NOTICE', version: 'x'.repeat(21), granted: true },
        { kind: 'KVKK_PRIVACY_NOTICE', version: '1', granted: 'yes' },
        { kind: 'KVKK_PRIVACY_NOTICE', version: '1', granted: true, accountId: b.account.accountId },
      ])
        expect((await post(body)).status, JSON.stringify(body)).toBe(400);
      const res = await get('/api/portal/consents');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
      const email = res.body.find((c: { kind: string }) => c.kind === 'EMAIL_NOTIFICATIONS');
      expect(email).toMatchObject({ granted: false, version: '2026-01' });
      expect(email.history.map((h: { granted: boolean }) => h.granted)).toEqual([false, true]);
      expect((await get('/api/portal/consents', b.account.accessToken)).body).toEqual([]);
      // Append-only in the database too.
      await expect(t.sql(`UPDATE portal_consent SET granted = true WHERE account_id = $1`, [a.account.accountId])).rejects.toThrow();
    });

    it('exports my data as JSON: my readings within my meter periods, nothing of B', async () => {
      await t.sql(
        `INSERT INTO notification (tenant_id, portal_account_id, event_type, severity, title, body) VALUES ($1, $2, 'invoice.issued', 'INFO', 'Mine', 'x'),
                ($1, $3, 'invoice.issued', 'INFO', 'Theirs', 'y')`,
        [tenant.id, a.account.accountId, b.account.accountId],
      );
      const res = await t.app.inject({
        url: '/api/portal/export?format=json',
        headers: { authorization: `Bearer ${a.account.accessToken}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"$/);
      const data = JSON.parse(res.body);
      expect(data.readingsTruncated).toBe(false);
      expect(data).toMatchObject({ readingsCap: 50_000, truncatedTables: [], limits: { readings: 50_000 } });
      expect(data.readings).toHaveLength(8);
      expect(data.readings.map((r: { meterSerialNo: string }) => r.meterSerialNo).sort()).toEqual(
        [...Array(6).fill(m1.serialNo), m2.serialNo, m2.serialNo].sort(),
      );
      expect(data.readings.some((r: { time: string }) => r.time.startsWith('2026-11-12'))).toBe(false);
      expect(data.subscriptions.map((s: { subscriptionNo: string }) => s.subscriptionNo)).toEqual([a.sub.subscriptionNo]);
      expect(data.meters).toHaveLength(2);
      expect(data.invoices.map((i: { id: string }) => i.id).sort()).toEqual([inv1.id, inv4.id].sort());
      expect(data.payments).toHaveLength(1);
      expect(data.notifications.map((n: { title: string }) => n.title)).toEqual(['Mine']);
      expect(data.consents.length).toBeGreaterThanOrEqual(3);
      expect(data.profile.customer.phone).toBe('+905321112233');
      const text = res.body;
      for (const foreign of [b.sub.subscriptionNo, b.moved.subscriptionNo, invB.id, b.account.email, 'Theirs'])
        expect(text).not.toContain(foreign);
    });

    it('exports my data as a ZIP of CSV files', async () => {
      const res = await t.app.inject({
        url: '/api/portal/export?format=csv',
        headers: { authorization: `Bearer ${a.account.accessToken}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      const files = unzip(res.rawPayload);
      expect(Object.keys(files).sort()).toEqual(
        [
          'alarms.csv',
          'consents.csv',
          'dailyConsumption.csv',
          'export.csv',
          'invoices.csv',
          'meters.csv',
          'notifications.csv',
          'payments.csv',
          'profile.csv',
          'readings.csv',
          'subscriptions.csv',
        ].sort(),
      );
      const readings = files['readings.csv']
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(readings[0]).toBe('time,subscriptionNo,meterSerialNo,indexM3,consumptionM3,quality,source');
      expect(readings).toHaveLength(9);
      const all = Object.values(files)
        .map((f) => f.toString('utf8'))
        .join('\n');
      for (const foreign of [b.sub.subscriptionNo, b.moved.subscriptionNo, invB.id, 'Theirs']) expect(all).not.toContain(foreign);
      expect((await get('/api/portal/export?format=xml')).status).toBe(400);
    });
  });

  it('limits data exports per account (429 with Retry-After), not per customer of the tenant', async () => {
    const token = b.account.accessToken;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await t.app.inject({ url: '/api/portal/export', headers: { authorization: `Bearer ${token}` } })).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    const refused = await get('/api/portal/export', token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // A's own allowance is untouched.
    expect(
      (await t.app.inject({ url: '/api/portal/export', headers: { authorization: `Bearer ${a.account.accessToken}` } })).statusCode,
    ).toBe(200);
  });

  it('limits consent records per account (the table is append-only)', async () => {
    const post = () =>
      t.request({
        method: 'POST',
        url: '/api/portal/consents',
        token: b.account.accessToken,
        body: { kind: 'SMS_NOTIFICATIONS', version: '1', granted: true },
      });
    for (let i = 0; i < 30; i++) expect((await post()).status).toBe(201);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM portal_consent WHERE account_id = $1`, [b.account.accountId]);
    expect(n).toBe(30);
  });

  it('lists a cancelled invoice as cancelled with nothing open, and serves its watermarked PDF', async () => {
    const cancelled = await makeInvoice(t, { subscription: a.sub, grossKurus: 2_500, periodStart: '2026-08-01', periodEnd: '2026-09-01' });
    await t.sql(`UPDATE invoice SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = 'wrong reading' WHERE id = $1`, [
      cancelled.id,
    ]);
    const list = await get('/api/portal/invoices');
    expect(list.body.find((x: { id: string }) => x.id === cancelled.id)).toMatchObject({
      status: 'CANCELLED',
      openKurus: '0',
      totalKurus: '2500',
    });
    const pdf = await t.app.inject({
      url: `/api/portal/invoices/${cancelled.id}/pdf`,
      headers: { authorization: `Bearer ${a.account.accessToken}` },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="${cancelled.number}-cancelled.pdf"`);
  });

  it("does not show a meter's last reading from before it came to my subscription", async () => {
    const meter = await makeMeter(t, { tenant, installedAt: null });
    const device = await makeDevice(t, { tenant, meter });
    await makeReading(t, { device, time: at('2026-10-01T10:00:00Z'), indexM3: 42 });
    const sub = await makeSubscription(t, { tenant, customer: a.customer });
    await period({ sub, meter, from: '2026-11-20T00:00:00+03:00' });
    const res = await get('/api/portal/subscriptions');
    const mine = res.body.find((s: { id: string }) => s.id === sub.id);
    expect(mine.meter).toMatchObject({ id: meter.id, lastReading: null });
    await makeReading(t, { device, time: at('2026-11-21T10:00:00Z'), indexM3: 43 });
    const after = (await get('/api/portal/subscriptions')).body.find((s: { id: string }) => s.id === sub.id);
    expect(after.meter.lastReading).toEqual({ indexM3: 43, readAt: '2026-11-21T10:00:00.000Z', estimated: false });
  });

  it('refuses an operator token on every portal view', async () => {
    const { token } = await makeAdmin(t, tenant);
    for (const url of ['/api/portal/me', '/api/portal/subscriptions', '/api/portal/invoices', '/api/portal/export']) {
      expect((await t.request({ url, token })).status, url).toBe(401);
    }
  });
});
