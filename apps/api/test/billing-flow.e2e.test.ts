import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHourlyReadings, makeInstallation, makeUtilities, rollUpDays, type Subscription, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';
import { multipart } from './support/multipart';

const ZONE = 'Europe/Istanbul';
const localDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(d);
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The billing chain of issue 18 end to end, on readings rather than hand-written rollups: hourly readings of
 * last month → daily rollups → a billing run → issue (numbers, ledger) → a bank statement pays one invoice
 * → the account statement → dunning puts the other subscription on the disconnection list → a cash-desk
 * payment settles it and the next dunning run cancels the order.
 *
 * Tariff: fixed 20.00 TL a month (VAT 10 %), every m³ at 10.00 TL (VAT 1 %). Readings: 0.02 m³/h scaled
 * ×1.6 from 06:00 to 22:59 and ×0.4 otherwise (factories.makeHourlyReadings), so a whole day is
 * 17 × 0.032 + 7 × 0.008 = 0.600 m³; the month's first reading (00:00 on the 1st) opens the index, so the
 * 1st counts 0.592 m³. Settings: payment term 10 days, a reminder 3 days after the due date, the
 * disconnection list 20 days after it.
 */
describe('billing: reading to dunning', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let a: Tenant;
  let token: string;
  let one: Subscription;
  let two: Subscription;
  let period: string;
  let days: number;
  const today = localDate(new Date());
  const invoices: Record<string, { id: string; number: string; grossKurus: number }> = {};

  const request = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => t.request({ method, url, token, body });
  const status = async (s: Subscription) => (await request('GET', `/api/subscriptions/${s.id}`)).body.billingStatus as string;
  const balance = async (s: Subscription) =>
    (await request('GET', `/api/customers/${s.customerId}/statement`)).body.closingBalanceKurus as number;

  beforeAll(async () => {
    t = await startTestApp('billing_flow', { listen: true });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    const u = await makeUtilities(t);
    a = u.a;
    token = u.aAdmin.token;

    // Last month in the tenant's zone, and its length in days.
    const [y, m] = today.split('-').map(Number) as [number, number];
    const start = m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
    const end = `${today.slice(0, 7)}-01`;
    period = start.slice(0, 7);
    days = (Date.parse(end) - Date.parse(start)) / 86_400_000;

    const settings = await request('PUT', `/api/tenants/${a.id}/billing-settings`, {
      noReadingPolicy: 'MINIMUM',
      paymentTermDays: 10,
      scheduledRunDay: null,
      reminderDays: [3],
      disconnectionAfterDays: 20,
      invoiceLanguage: 'tr',
    });
    expect(settings.status).toBe(200);
    const tariff = await request('POST', '/api/tariffs', {
      tenantId: a.id,
      code: 'RES',
      name: 'Konut',
      subscriptionType: 'INDIVIDUAL',
      version: {
        effectiveFrom: '2020-01-01',
        fixedChargeKurus: 2000,
        fixedVatRate: 10,
        waterVatRate: 1,
        tiers: [{ fromM3: 0, toM3: null, unitPriceKurus: 1000 }],
      },
    });
    expect(tariff.status).toBe(201);

    for (const key of ['one', 'two'] as const) {
      const installed = await makeInstallation(t, { tenant: a });
      // Served since before the month, so the month is whole.
      await t.sql(`UPDATE subscription_meter SET started_at = $2 WHERE subscription_id = $1`, [
        installed.subscription.id,
        new Date(`${addDays(start, -10)}T00:00:00+03:00`),
      ]);
      await makeHourlyReadings(t, { device: installed.device, hours: days * 24 + 1, end: new Date(`${end}T00:00:00+03:00`) });
      if (key === 'one') one = installed.subscription;
      else two = installed.subscription;
    }
    await rollUpDays(t);
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('bills last month from the readings and issues gapless numbers with their ledger entries', async () => {
    const started = await request('POST', '/api/billing-runs', { tenantId: a.id, period });
    expect(started.status).toBe(202);
    const runId = started.body.id as string;
    const settled = (statuses: string[]) =>
      until(async () => {
        const res = await request('GET', `/api/billing-runs/${runId}`);
        return statuses.includes(res.body.status) ? res.body : null;
      }, 30_000);
    expect(await settled(['DRAFT', 'FAILED'])).toMatchObject({ status: 'DRAFT', invoiceCount: 2, problems: [] });

    // (days − 1) × 0.600 + 0.592 m³ → FIXED 2000 + 200; WATER m³ × 1000 kuruş + 1 % VAT (half-up).
    const m3 = (days - 1) * 0.6 + 0.592;
    const waterNet = Math.round(m3 * 1000);
    const gross = 2000 + 200 + waterNet + Math.round(waterNet / 100);
    expect((await request('POST', `/api/billing-runs/${runId}/issue`)).status).toBe(202);
    expect(await settled(['ISSUED'])).toMatchObject({ issuedCount: 2 });

    const year = today.slice(0, 4);
    for (const [key, s] of [
      ['one', one],
      ['two', two],
    ] as const) {
      const list = await request('GET', `/api/invoices?subscriptionId=${s.id}&period=${period}`);
      expect(list.body.items).toHaveLength(1);
      const invoice = (await request('GET', `/api/invoices/${list.body.items[0].id}`)).body;
      expect(invoice).toMatchObject({
        status: 'ISSUED',
        consumptionM3: m3.toFixed(3),
        grossKurus: gross,
        issueDate: today,
        dueDate: addDays(today, 10),
      });
      expect(invoice.number).toMatch(new RegExp(`^${year}-00000[12]$`));
      invoices[key] = { id: invoice.id, number: invoice.number, grossKurus: invoice.grossKurus };
      expect(await balance(s)).toBe(gross);
    }
    expect(new Set([invoices.one!.number, invoices.two!.number]).size).toBe(2);
  });

  it('books a bank statement line naming an invoice number against that invoice', async () => {
    const amount = (invoices.one!.grossKurus / 100).toFixed(2).replace('.', ',');
    const booked = addDays(today, -1).split('-').reverse().join('.');
    const csv = Buffer.from(
      `Tarih;Açıklama;Tutar;Bakiye;Dekont No\n${booked};HAVALE FATURA ${invoices.one!.number} ÖDEMESİ;${amount};10.000,00;9001\n`,
      'utf8',
    );
    const { body, headers } = multipart('ekstre.csv', csv, 'text/csv');
    const res = await t.request({ method: 'POST', url: `/api/bank-statements?tenantId=${a.id}`, token, body, headers });
    expect(res.status).toBe(201);
    expect(res.body.lines.map((l: { status: string }) => l.status)).toEqual(['MATCHED']);
    expect(await balance(one)).toBe(0);
    expect(await balance(two)).toBe(invoices.two!.grossKurus);
  });

  it('puts the unpaid subscription on the disconnection list and takes it off once paid at the cash desk', async () => {
    // Time passes: the invoices were issued 35 days ago and fell due 25 days ago. Issued invoices are
    // immutable, so the test moves their dates with the guard trigger off (the owner's privilege).
    await t.sql(`ALTER TABLE invoice DISABLE TRIGGER invoice_guard`);
    await t.sql(`UPDATE invoice SET issue_date = $1, due_date = $2 WHERE tenant_id = $3`, [addDays(today, -35), addDays(today, -25), a.id]);
    await t.sql(`ALTER TABLE invoice ENABLE TRIGGER invoice_guard`);

    const first = await request('POST', '/api/dunning/run', { tenantId: a.id, date: today });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ overdueInvoices: 1, remindersDue: 1, ordersOpened: 1 });
    expect(await status(one)).toBe('OK');
    expect(await status(two)).toBe('DISCONNECTION_PENDING');
    const orders = (await request('GET', '/api/dunning/disconnections')).body.items as { subscriptionId: string; status: string }[];
    expect(orders.map((o) => [o.subscriptionId, o.status])).toEqual([[two.id, 'OPEN']]);

    const paid = await request('POST', '/api/payments', {
      subscriptionId: two.id,
      amountKurus: invoices.two!.grossKurus,
      receivedAt: new Date().toISOString(),
      receiptNo: 'VZN-0001',
      method: 'CASH_DESK',
      invoiceId: invoices.two!.id,
    });
    expect(paid.status).toBe(201);
    expect(await balance(two)).toBe(0);
    const second = await request('POST', '/api/dunning/run', { tenantId: a.id, date: today });
    expect(second.body).toMatchObject({ overdueInvoices: 0, ordersCancelled: 1 });
    expect(await status(two)).toBe('OK');
  });
});
