import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@water/db';
import { withTenantScope } from '../src/core/database/tenant-scope';
import { PaymentsService } from '../src/modules/payments/payments.service';
import {
  makeInvoice,
  makePayment,
  makeSubscription,
  makeUser,
  makeUtilities,
  tokenFor,
  type Subscription,
  type Tenant,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/** Payments, open items and the customer ledger (issue 18): cash desk, refunds, settleOpenItems, statement. */
describe('billing: payments and ledger', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let aToken: string;
  let bToken: string;
  let readerToken: string;
  let noBillingToken: string;
  let receipt = 0;

  const pay = (token: string, body: Record<string, unknown>) =>
    t.request({
      method: 'POST',
      url: '/api/payments',
      token,
      body: { method: 'CASH_DESK', receivedAt: '2026-11-20T09:00:00+03:00', receiptNo: `R-${++receipt}`, ...body },
    });
  const outstanding = async (invoiceId: string) =>
    Number(
      (
        await t.sql<{ o: string }>(
          `SELECT (CASE WHEN i.status = 'ISSUED' THEN i.gross_kurus ELSE 0 END - coalesce(sum(a.amount_kurus), 0))::text AS o
             FROM invoice i LEFT JOIN payment_allocation a ON a.invoice_id = i.id WHERE i.id = $1 GROUP BY i.id`,
          [invoiceId],
        )
      )[0].o,
    );
  const balance = (token: string, customerId: string) => t.request({ url: `/api/customers/${customerId}/balance`, token });
  const counts = async () =>
    (
      await t.sql<{ payments: number; allocations: number; entries: number }>(
        `SELECT (SELECT count(*)::int FROM payment) AS payments, (SELECT count(*)::int FROM payment_allocation) AS allocations,
                (SELECT count(*)::int FROM ledger_entry) AS entries`,
      )
    )[0];
  const cancel = async (invoiceId: string) => {
    await t.sql(`UPDATE invoice SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = 'test' WHERE id = $1`, [invoiceId]);
    const [inv] = await t.sql<{ tenant_id: string; customer_id: string; subscription_id: string; gross_kurus: string; number: string }>(
      `SELECT tenant_id, customer_id, subscription_id, gross_kurus::text, number FROM invoice WHERE id = $1`,
      [invoiceId],
    );
    await t.sql(
      `INSERT INTO ledger_entry (tenant_id, customer_id, subscription_id, kind, amount_kurus, invoice_id, description)
       VALUES ($1, $2, $3, 'CREDIT_NOTE', -$4::bigint, $5, 'İptal ' || $6)`,
      [inv.tenant_id, inv.customer_id, inv.subscription_id, inv.gross_kurus, invoiceId, inv.number],
    );
  };
  const settle = (customerId: string) => withTenantScope('*', () => t.app.get(PaymentsService).settleOpenItems(customerId));

  beforeAll(async () => {
    t = await startTestApp('payments');
    const u = await makeUtilities(t);
    ({ a, b } = u);
    [aToken, bToken] = [u.aAdmin.token, u.bAdmin.token];
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { BILLING: 'r' } }));
    noBillingToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { CUSTOMERS: 'crud' } }));
  });
  afterAll(async () => t?.close());

  describe('settleOpenItems', () => {
    it('allocates credit FIFO by due date, is idempotent, and reverses what sat on a cancelled invoice', async () => {
      const sub = await makeSubscription(t, { tenant: a });
      const later = await makeInvoice(t, {
        subscription: sub,
        periodStart: '2026-09-01',
        periodEnd: '2026-10-01',
        dueDate: '2026-10-20',
        grossKurus: 4_000,
      });
      const earlier = await makeInvoice(t, {
        subscription: sub,
        periodStart: '2026-08-01',
        periodEnd: '2026-09-01',
        dueDate: '2026-09-20',
        grossKurus: 3_000,
      });
      // 5,000 without a target: the earlier due date first (3,000), then 2,000 of the later one.
      const res = await pay(aToken, { customerId: sub.customerId, amountKurus: 5_000 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        kind: 'PAYMENT',
        method: 'CASH_DESK',
        amountKurus: 5_000,
        allocatedKurus: 5_000,
        unallocatedKurus: 0,
      });
      expect(await outstanding(earlier.id)).toBe(0);
      expect(await outstanding(later.id)).toBe(2_000);
      const before = await counts();
      expect(await settle(sub.customerId)).toEqual({ reversedKurus: 0n, allocatedKurus: 0n });
      expect(await counts()).toEqual(before);

      // The paid invoice is cancelled (credit note): its 3,000 come back as credit and go to the next open item.
      await cancel(earlier.id);
      expect(await settle(sub.customerId)).toEqual({ reversedKurus: 3_000n, allocatedKurus: 2_000n });
      expect(await outstanding(earlier.id)).toBe(0);
      expect(await outstanding(later.id)).toBe(0);
      expect((await balance(aToken, sub.customerId)).body).toEqual({
        customerId: sub.customerId,
        balanceKurus: -1_000,
        creditKurus: 1_000,
        openKurus: 0,
        overdueKurus: 0,
      });
      expect(await settle(sub.customerId)).toEqual({ reversedKurus: 0n, allocatedKurus: 0n });
    });
    it('serialises concurrent payments of one customer: an invoice is never allocated more than its gross', async () => {
      const sub = await makeSubscription(t, { tenant: a });
      const invoice = await makeInvoice(t, { subscription: sub, grossKurus: 10_000 });
      const results = await Promise.all([1, 2, 3].map(() => pay(aToken, { customerId: sub.customerId, amountKurus: 8_000 })));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
      expect(await outstanding(invoice.id)).toBe(0);
      expect((await balance(aToken, sub.customerId)).body).toMatchObject({ balanceKurus: -14_000, creditKurus: 14_000, openKurus: 0 });
    });
  });

  describe('cash desk', () => {
    let sub: Subscription;
    let first: Awaited<ReturnType<typeof makeInvoice>>;

    beforeAll(async () => {
      sub = await makeSubscription(t, { tenant: a });
      first = await makeInvoice(t, {
        subscription: sub,
        periodStart: '2026-10-01',
        periodEnd: '2026-11-01',
        dueDate: '2026-11-15',
        grossKurus: 12_000,
      });
    });

    it('partial payment → overpayment → credit carried to the next invoice', async () => {
      const partial = await pay(aToken, { subscriptionId: sub.id, amountKurus: 5_000, invoiceId: first.id, receiptNo: 'V-100' });
      expect(partial.status).toBe(201);
      expect(partial.body).toMatchObject({ customerId: sub.customerId, subscriptionId: sub.id, receiptNo: 'V-100' });
      expect(partial.body.allocations).toEqual([{ invoiceId: first.id, invoiceNumber: first.number, amountKurus: 5_000 }]);
      expect(await outstanding(first.id)).toBe(7_000);

      const over = await pay(aToken, { customerId: sub.customerId, amountKurus: 10_000, receiptNo: 'V-101' });
      expect(over.body).toMatchObject({ allocatedKurus: 7_000, unallocatedKurus: 3_000 });
      expect(await outstanding(first.id)).toBe(0);
      expect((await balance(aToken, sub.customerId)).body).toMatchObject({ balanceKurus: -3_000, creditKurus: 3_000, openKurus: 0 });

      // The invoicing code issues the next invoice and calls settleOpenItems: the credit pays part of it.
      const next = await makeInvoice(t, {
        subscription: sub,
        periodStart: '2026-11-01',
        periodEnd: '2026-12-01',
        dueDate: '2026-12-15',
        grossKurus: 12_000,
      });
      expect(await settle(sub.customerId)).toEqual({ reversedKurus: 0n, allocatedKurus: 3_000n });
      expect(await outstanding(next.id)).toBe(9_000);
      expect((await balance(aToken, sub.customerId)).body).toMatchObject({ balanceKurus: 9_000, creditKurus: 0, openKurus: 9_000 });

      const detail = await t.request({ url: `/api/payments/${over.body.id}`, token: readerToken });
      expect(detail.status).toBe(200);
      expect(detail.body.allocations).toHaveLength(2);
      const list = await t.request({ url: `/api/payments?customerId=${sub.customerId}&order=asc`, token: readerToken });
      expect(list.body).toMatchObject({ total: 2 });
      expect(list.body.items.map((p: { receiptNo: string }) => p.receiptNo)).toEqual(['V-100', 'V-101']);
      const searched = await t.request({ url: `/api/payments?search=v-101`, token: readerToken });
      expect(searched.body.items.map((p: { id: string }) => p.id)).toEqual([over.body.id]);
      const audit = await t.sql(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'payment' AND entity_id = $1`, [
        over.body.id,
      ]);
      expect(audit[0].n).toBe(1);
    });

    it('replays a receipt: the same entry answers 200 with the payment booked before, another 409; nothing new', async () => {
      const before = await counts();
      const again = await pay(aToken, { customerId: sub.customerId, amountKurus: 10_000, receiptNo: 'V-101' });
      expect(again.status).toBe(200);
      expect(again.body.receiptNo).toBe('V-101');
      const clash = await pay(aToken, { customerId: sub.customerId, amountKurus: 9_999, receiptNo: 'V-101' });
      expect(clash.status).toBe(409);
      expect(await counts()).toEqual(before);
    });

    it('refunds part of a payment, taking back its allocation as needed (REFUND ledger entry)', async () => {
      const s = await makeSubscription(t, { tenant: a });
      const inv = await makeInvoice(t, { subscription: s, grossKurus: 12_000 });
      const p = await pay(aToken, { customerId: s.customerId, amountKurus: 20_000 });
      expect(p.body).toMatchObject({ allocatedKurus: 12_000, unallocatedKurus: 8_000 });
      const refund = await t.request({
        method: 'POST',
        url: `/api/payments/${p.body.id}/refund`,
        token: aToken,
        body: { amountKurus: 10_000, reason: 'fazla ödeme' },
      });
      expect(refund.status).toBe(201);
      expect(refund.body).toMatchObject({ kind: 'REFUND', refundOfId: p.body.id, amountKurus: 10_000, note: 'fazla ödeme' });
      expect(await outstanding(inv.id)).toBe(2_000);
      const after = (await t.request({ url: `/api/payments/${p.body.id}`, token: aToken })).body;
      expect(after).toMatchObject({ refundedKurus: 10_000, allocatedKurus: 10_000, unallocatedKurus: 0 });
      const entries = await t.sql(
        `SELECT kind, amount_kurus::int AS amount FROM ledger_entry WHERE customer_id = $1 ORDER BY booked_at, kind`,
        [s.customerId],
      );
      expect(entries.map((e) => [e.kind, e.amount]).sort()).toEqual([
        ['INVOICE', 12_000],
        ['PAYMENT', -20_000],
        ['REFUND', 10_000],
      ]);
      expect((await balance(aToken, s.customerId)).body).toMatchObject({ balanceKurus: 2_000, creditKurus: 0, openKurus: 2_000 });

      // More than is left to refund, or a refund of a refund: refused, nothing written.
      const before = await counts();
      const tooMuch = await t.request({
        method: 'POST',
        url: `/api/payments/${p.body.id}/refund`,
        token: aToken,
        body: { amountKurus: 10_001, reason: 'x' },
      });
      expect(tooMuch.status).toBe(400);
      const ofRefund = await t.request({
        method: 'POST',
        url: `/api/payments/${refund.body.id}/refund`,
        token: aToken,
        body: { amountKurus: 1, reason: 'x' },
      });
      expect(ofRefund.status).toBe(409);
      expect(ofRefund.body.code).toBe('refundOfRefund');
      expect(await counts()).toEqual(before);
    });

    it('refuses to pay a cancelled (or draft) invoice named explicitly, and bad input, with nothing written', async () => {
      const s = await makeSubscription(t, { tenant: a });
      const cancelled = await makeInvoice(t, { subscription: s, grossKurus: 5_000 });
      await cancel(cancelled.id);
      const draft = await makeInvoice(t, { subscription: s, periodStart: '2026-11-01', periodEnd: '2026-12-01', issued: false });
      const other = await makeInvoice(t, { subscription: await makeSubscription(t, { tenant: a }), grossKurus: 5_000 });
      const before = await counts();
      const ofCancelled = await pay(aToken, { customerId: s.customerId, amountKurus: 5_000, invoiceId: cancelled.id });
      expect([ofCancelled.status, ofCancelled.body.code]).toEqual([409, 'invoiceCancelled']);
      const ofDraft = await pay(aToken, { customerId: s.customerId, amountKurus: 5_000, invoiceId: draft.id });
      expect([ofDraft.status, ofDraft.body.code]).toEqual([409, 'invoiceDraft']);
      expect((await pay(aToken, { customerId: s.customerId, amountKurus: 5_000, invoiceId: other.id })).status).toBe(400);
      expect((await pay(aToken, { customerId: s.customerId, amountKurus: 0 })).status).toBe(400);
      expect((await pay(aToken, { customerId: s.customerId, amountKurus: 1.5 })).status).toBe(400);
      expect((await pay(aToken, { customerId: s.customerId, subscriptionId: s.id, amountKurus: 100 })).status).toBe(400);
      expect((await pay(aToken, { customerId: s.customerId, amountKurus: 100, method: 'BANK_TRANSFER' })).status).toBe(400);
      expect((await pay(aToken, { customerId: s.customerId, amountKurus: 100, receivedAt: '2099-01-01T00:00:00Z' })).status).toBe(400);
      expect(await counts()).toEqual(before);
    });
  });

  describe('makePayment factory', () => {
    it('writes a payment with its ledger entry and allocations that settleOpenItems then respects', async () => {
      const sub = await makeSubscription(t, { tenant: a });
      const invoice = await makeInvoice(t, { subscription: sub, grossKurus: 6_000 });
      await makePayment(t, { subscription: sub, amountKurus: 5_000, allocations: [{ invoice, amountKurus: 2_000 }] });
      expect(await settle(sub.customerId)).toEqual({ reversedKurus: 0n, allocatedKurus: 3_000n });
      expect(await outstanding(invoice.id)).toBe(1_000);
    });
  });

  describe('statement', () => {
    it('shows the opening balance, entries with a running balance, the closing balance and open invoices; exports CSV and XLSX', async () => {
      const s = await makeSubscription(t, { tenant: a });
      const jan = await makeInvoice(t, {
        subscription: s,
        periodStart: '2026-01-01',
        periodEnd: '2026-02-01',
        dueDate: '2026-02-15',
        grossKurus: 10_000,
      });
      const feb = await makeInvoice(t, {
        subscription: s,
        periodStart: '2026-02-01',
        periodEnd: '2026-03-01',
        dueDate: '2026-03-15',
        grossKurus: 11_000,
      });
      // Book the invoices on their issue days (the factory books them now).
      await t.sql(`ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only`);
      await t.sql(`UPDATE ledger_entry SET booked_at = '2026-02-01T08:00:00Z' WHERE invoice_id = $1`, [jan.id]);
      await t.sql(`UPDATE ledger_entry SET booked_at = '2026-03-01T08:00:00Z' WHERE invoice_id = $1`, [feb.id]);
      await t.sql(`ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only`);
      await pay(aToken, { customerId: s.customerId, amountKurus: 10_000, receivedAt: '2026-02-10T10:00:00+03:00' });
      await pay(aToken, { customerId: s.customerId, amountKurus: 4_000, receivedAt: '2026-03-10T10:00:00+03:00' });

      const res = await t.request({ url: `/api/customers/${s.customerId}/statement?from=2026-03-01&to=2026-03-31`, token: readerToken });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        openingBalanceKurus: 0,
        closingBalanceKurus: 7_000,
        totalDebitKurus: 11_000,
        totalCreditKurus: 4_000,
      });
      expect(res.body.entries.map((e: Record<string, unknown>) => [e.kind, e.debitKurus, e.creditKurus, e.balanceKurus])).toEqual([
        ['INVOICE', 11_000, 0, 11_000],
        ['PAYMENT', 0, 4_000, 7_000],
      ]);
      expect(res.body.entries[0].invoiceNumber).toBe(feb.number);
      expect(res.body.openInvoices).toEqual([
        {
          invoiceId: feb.id,
          number: feb.number,
          issueDate: '2026-03-01',
          dueDate: '2026-03-15',
          grossKurus: 11_000,
          outstandingKurus: 7_000,
          overdue: true,
        },
      ]);
      const all = await t.request({ url: `/api/customers/${s.customerId}/statement`, token: readerToken });
      expect(all.body.entries).toHaveLength(4);
      const feb10 = await t.request({ url: `/api/customers/${s.customerId}/statement?from=2026-02-10&to=2026-02-10`, token: readerToken });
      expect(feb10.body).toMatchObject({ openingBalanceKurus: 10_000, closingBalanceKurus: 0 });

      const csv = await t.app.inject({
        url: `/api/customers/${s.customerId}/statement/export?format=csv&from=2026-03-01`,
        headers: { authorization: `Bearer ${readerToken}` },
      });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('booked_at,kind,description,invoice_number,debit_kurus,credit_kurus,balance_kurus');
      expect(lines[1]).toContain('OPENING');
      expect(lines.at(-1)).toContain('CLOSING');
      expect(lines.at(-1)).toMatch(/,7000$/);
      const xlsx = await t.app.inject({
        url: `/api/customers/${s.customerId}/statement/export?format=xlsx`,
        headers: { authorization: `Bearer ${readerToken}` },
      });
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');

      expect(
        (await t.request({ url: `/api/customers/${s.customerId}/statement?from=2026-04-01&to=2026-03-01`, token: readerToken })).status,
      ).toBe(400);
    });
  });

  describe('rights, isolation and immutability', () => {
    it('answers 403 without BILLING rights and 404 for another tenant’s objects', async () => {
      const s = await makeSubscription(t, { tenant: a });
      const inv = await makeInvoice(t, { subscription: s, grossKurus: 1_000 });
      const p = await pay(aToken, { customerId: s.customerId, amountKurus: 500 });
      const before = await counts();
      expect((await t.request({ url: '/api/payments', token: noBillingToken })).status).toBe(403);
      expect((await pay(noBillingToken, { customerId: s.customerId, amountKurus: 500 })).status).toBe(403);
      expect((await pay(readerToken, { customerId: s.customerId, amountKurus: 500 })).status).toBe(403);
      expect(
        (
          await t.request({
            method: 'POST',
            url: `/api/payments/${p.body.id}/refund`,
            token: readerToken,
            body: { amountKurus: 1, reason: 'x' },
          })
        ).status,
      ).toBe(403);
      // Tenant B sees none of A's customers, invoices or payments.
      expect((await pay(bToken, { customerId: s.customerId, amountKurus: 500 })).status).toBe(404);
      expect((await pay(bToken, { subscriptionId: s.id, amountKurus: 500 })).status).toBe(404);
      const bSub = await makeSubscription(t, { tenant: b });
      expect((await pay(bToken, { customerId: bSub.customerId, amountKurus: 500, invoiceId: inv.id })).status).toBe(404);
      expect((await t.request({ url: `/api/payments/${p.body.id}`, token: bToken })).status).toBe(404);
      expect(
        (
          await t.request({
            method: 'POST',
            url: `/api/payments/${p.body.id}/refund`,
            token: bToken,
            body: { amountKurus: 1, reason: 'x' },
          })
        ).status,
      ).toBe(404);
      expect((await t.request({ url: `/api/customers/${s.customerId}/statement`, token: bToken })).status).toBe(404);
      expect((await t.request({ url: `/api/customers/${s.customerId}/balance`, token: bToken })).status).toBe(404);
      expect((await t.request({ url: `/api/payments?customerId=${s.customerId}`, token: bToken })).status).toBe(404);
      expect(
        (await t.request({ url: '/api/payments', token: bToken })).body.items.every((x: { tenantId: string }) => x.tenantId === b.id),
      ).toBe(true);
      expect(await counts()).toEqual(before);
    });

    it('has no route to change or delete a payment, and the database refuses too', async () => {
      const s = await makeSubscription(t, { tenant: a });
      await makeInvoice(t, { subscription: s, grossKurus: 500 });
      const p = await pay(aToken, { customerId: s.customerId, amountKurus: 700 });
      expect(p.body.allocatedKurus).toBe(500);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/payments/${p.body.id}`, token: aToken, body: { amountKurus: 1 } })).status,
      ).toBe(404);
      expect((await t.request({ method: 'DELETE', url: `/api/payments/${p.body.id}`, token: aToken })).status).toBe(404);
      const pool = createPool(t.db.url, { max: 1 });
      const client = await pool.connect();
      const asApi = async (text: string) => {
        await client.query('BEGIN');
        try {
          await client.query(`SELECT set_config('role', 'water_api', true), set_config('water.scope', '*', true)`);
          await client.query(text, [p.body.id]);
        } finally {
          await client.query('ROLLBACK');
        }
      };
      const asOwner = async (text: string) => {
        await client.query('BEGIN');
        try {
          await client.query(text, [p.body.id]);
        } finally {
          await client.query('ROLLBACK');
        }
      };
      try {
        // The API's own role (water_api, as the API connects) is refused by the append-only triggers:
        // 23001, which the API answers 409.
        await expect(asApi(`UPDATE payment SET amount_kurus = 1 WHERE id = $1`)).rejects.toMatchObject({ code: '23001' });
        await expect(asApi(`DELETE FROM payment WHERE id = $1`)).rejects.toMatchObject({ code: '23001' });
        await expect(asApi(`DELETE FROM payment_allocation WHERE payment_id = $1`)).rejects.toMatchObject({ code: '23001' });
        await expect(asApi(`UPDATE ledger_entry SET amount_kurus = 1 WHERE payment_id = $1`)).rejects.toMatchObject({ code: '23001' });
        await expect(asOwner(`DELETE FROM ledger_entry WHERE payment_id = $1`)).rejects.toMatchObject({ code: '23001' });
      } finally {
        client.release();
        await pool.end();
      }
    });
  });
});
