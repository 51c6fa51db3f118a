import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeCustomer,
  makeInvoice,
  makeSubscription,
  makeUser,
  makeUtilities,
  tokenFor,
  type Invoice,
  type Subscription,
  type Tenant,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { multipart } from './support/multipart';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures/bank', name));

/** Bank-statement import (issue 18): CAMT.053 and a Turkish bank's CSV, automatic matching, the operator's assign/ignore. */
describe('billing: bank statements', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let aToken: string;
  let bToken: string;
  let readerToken: string;
  let one: Invoice;
  let two: Invoice;
  let subOne: Subscription;
  let subTwo: Subscription;
  let payerOfOne: Subscription;
  let camt: Buffer;
  let csv: Buffer;

  const upload = (token: string, name: string, content: Buffer, tenant: Tenant = a) => {
    const { body, headers } = multipart(name, content);
    return t.request({ method: 'POST', url: `/api/bank-statements?tenantId=${tenant.id}`, token, body, headers });
  };
  const counts = async () =>
    (
      await t.sql<{ statements: number; lines: number; payments: number; allocations: number; entries: number }>(
        `SELECT (SELECT count(*)::int FROM bank_statement) AS statements, (SELECT count(*)::int FROM bank_statement_line) AS lines,
                (SELECT count(*)::int FROM payment) AS payments, (SELECT count(*)::int FROM payment_allocation) AS allocations,
                (SELECT count(*)::int FROM ledger_entry) AS entries`,
      )
    )[0];
  const outstanding = async (invoiceId: string) =>
    Number(
      (
        await t.sql<{ o: string }>(
          `SELECT (i.gross_kurus - coalesce(sum(a.amount_kurus), 0))::text AS o
             FROM invoice i LEFT JOIN payment_allocation a ON a.invoice_id = i.id WHERE i.id = $1 GROUP BY i.id`,
          [invoiceId],
        )
      )[0].o,
    );
  const withNumbers = (bytes: Buffer) =>
    Buffer.from(
      bytes
        .toString('latin1')
        .replaceAll('__INVOICE_ONE__', one.number!)
        .replaceAll('__INVOICE_TWO__', two.number!)
        .replaceAll('__SUB_ONE__', subOne.subscriptionNo)
        .replaceAll('__SUB_TWO__', subTwo.subscriptionNo),
      'latin1',
    );

  beforeAll(async () => {
    t = await startTestApp('payments-bank');
    const u = await makeUtilities(t);
    ({ a, b } = u);
    [aToken, bToken] = [u.aAdmin.token, u.bAdmin.token];
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { BILLING: 'r' } }));
    payerOfOne = await makeSubscription(t, { tenant: a });
    one = await makeInvoice(t, { subscription: payerOfOne, grossKurus: 12_000 });
    two = await makeInvoice(t, { subscription: await makeSubscription(t, { tenant: a }), grossKurus: 200_000 });
    subOne = await makeSubscription(t, { tenant: a });
    subTwo = await makeSubscription(t, { tenant: a });
    camt = withNumbers(fixture('camt053-ziraat.xml'));
    csv = withNumbers(fixture('csv-isbank.csv'));
  });
  afterAll(async () => t?.close());

  let camtId: string;

  it('imports a CAMT.053 statement: matched by invoice and by subscription number, ambiguous, unmatched, debit recorded', async () => {
    const res = await upload(aToken, 'ekstre-20261120.xml', camt);
    expect(res.status).toBe(201);
    camtId = res.body.id;
    expect(res.body).toMatchObject({
      format: 'CAMT053',
      tenantId: a.id,
      lineCount: 5,
      waitingCount: 2,
      account: 'TR330006100519786457841326',
    });
    const lines = res.body.lines as { status: string; amountKurus: number; candidates: { id: string }[]; paymentId: string | null }[];
    expect(lines.map((l) => [l.status, l.amountKurus])).toEqual([
      ['MATCHED', 12_000],
      ['MATCHED', 25_050],
      ['AMBIGUOUS', 30_000],
      ['UNMATCHED', 7_525],
      ['DEBIT', 120_000],
    ]);
    expect(lines[2].candidates.map((c) => c.id).sort()).toEqual([one.id, two.id].sort());
    expect(await outstanding(one.id)).toBe(0);
    const payment = await t.request({ url: `/api/payments/${lines[0].paymentId}`, token: aToken });
    expect(payment.body).toMatchObject({
      method: 'BANK_TRANSFER',
      customerId: payerOfOne.customerId,
      externalId: 'bank:ZRT-STMT-20261120-TR330006100519786457841326:20261120-000101',
      receivedAt: '2026-11-20T12:00:00.000Z',
    });
    const bySub = await t.request({ url: `/api/payments/${lines[1].paymentId}`, token: aToken });
    expect(bySub.body).toMatchObject({ customerId: subOne.customerId, subscriptionId: subOne.id, unallocatedKurus: 25_050 });
  });

  it('refuses the same file again with 409 and books nothing twice from an overlapping one', async () => {
    const before = await counts();
    expect((await upload(aToken, 'again.xml', camt)).status).toBe(409);
    expect(await counts()).toEqual(before);
    // The same entries in another file (a re-export: different bytes): matched entries are DUPLICATE, no new payment.
    const again = await upload(aToken, 'reexport.xml', Buffer.concat([camt, Buffer.from('\n')]));
    expect(again.status).toBe(201);
    expect(again.body.lines.map((l: { status: string }) => l.status)).toEqual([
      'DUPLICATE',
      'DUPLICATE',
      'AMBIGUOUS',
      'UNMATCHED',
      'DEBIT',
    ]);
    expect((await counts()).payments).toBe(before.payments);
  });

  it('imports a Turkish bank CSV (Windows-1254, ;, decimal comma)', async () => {
    const res = await upload(aToken, 'hesap-hareketleri.csv', csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ format: 'CSV', lineCount: 4, fromDate: '2026-11-20', toDate: '2026-11-21' });
    expect(res.body.lines.map((l: { status: string; amountKurus: number }) => [l.status, l.amountKurus])).toEqual([
      ['MATCHED', 123_450],
      ['MATCHED', 9_990],
      ['DEBIT', 1_500],
      ['UNMATCHED', 50_000],
    ]);
    expect(res.body.lines[0].reference).toContain('ÇİĞDEM ŞAHİN');
    expect(await outstanding(two.id)).toBe(200_000 - 123_450);
  });

  it('lets an operator assign an ambiguous line to an invoice and an unmatched one to a customer, or ignore one', async () => {
    const statement = (await t.request({ url: `/api/bank-statements/${camtId}`, token: readerToken })).body;
    const [ambiguous, unmatched] = [statement.lines[2], statement.lines[3]];
    const url = (lineId: string, action: string) => `/api/bank-statements/${camtId}/lines/${lineId}/${action}`;

    const assigned = await t.request({ method: 'POST', url: url(ambiguous.id, 'assign'), token: aToken, body: { invoiceId: two.id } });
    expect(assigned.status).toBe(200);
    const line = assigned.body.lines[2];
    expect(line).toMatchObject({ status: 'ASSIGNED' });
    expect(line.paymentId).toBeTruthy();
    expect(assigned.body.waitingCount).toBe(1);
    expect(await outstanding(two.id)).toBe(200_000 - 123_450 - 30_000);
    // Booked lines are final.
    const before = await counts();
    expect((await t.request({ method: 'POST', url: url(ambiguous.id, 'assign'), token: aToken, body: { invoiceId: two.id } })).status).toBe(
      409,
    );
    expect((await t.request({ method: 'POST', url: url(ambiguous.id, 'ignore'), token: aToken, body: {} })).status).toBe(409);
    expect(
      (
        await t.request({
          method: 'POST',
          url: url(statement.lines[4].id, 'assign'),
          token: aToken,
          body: { customerId: subOne.customerId },
        })
      ).status,
    ).toBe(409);
    expect(await counts()).toEqual(before);
    // A cancelled invoice named explicitly, another tenant's customer, a reader: refused, nothing written.
    const cancelled = await makeInvoice(t, { subscription: subTwo, periodStart: '2026-09-01', periodEnd: '2026-10-01', grossKurus: 100 });
    await t.sql(`UPDATE invoice SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = 'x' WHERE id = $1`, [cancelled.id]);
    const beforeRefusals = await counts();
    expect(
      (await t.request({ method: 'POST', url: url(unmatched.id, 'assign'), token: aToken, body: { invoiceId: cancelled.id } })).status,
    ).toBe(409);
    const bCustomer = await makeCustomer(t, { tenant: b });
    expect(
      (await t.request({ method: 'POST', url: url(unmatched.id, 'assign'), token: aToken, body: { customerId: bCustomer.id } })).status,
    ).toBe(404);
    expect(
      (
        await t.request({
          method: 'POST',
          url: url(unmatched.id, 'assign'),
          token: aToken,
          body: { customerId: bCustomer.id, invoiceId: two.id },
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.request({ method: 'POST', url: url(unmatched.id, 'assign'), token: readerToken, body: { customerId: subOne.customerId } }))
        .status,
    ).toBe(403);
    expect(
      (await t.request({ method: 'POST', url: url(unmatched.id, 'assign'), token: bToken, body: { customerId: bCustomer.id } })).status,
    ).toBe(404);
    expect(await counts()).toEqual(beforeRefusals);

    const toCustomer = await t.request({
      method: 'POST',
      url: url(unmatched.id, 'assign'),
      token: aToken,
      body: { customerId: subTwo.customerId },
    });
    expect(toCustomer.status).toBe(200);
    expect(toCustomer.body.lines[3]).toMatchObject({ status: 'ASSIGNED' });
    expect(toCustomer.body.waitingCount).toBe(0);

    const csvStatement = (await t.request({ url: '/api/bank-statements', token: readerToken })).body.items.find(
      (s: { format: string }) => s.format === 'CSV',
    );
    const csvLines = (await t.request({ url: `/api/bank-statements/${csvStatement.id}`, token: aToken })).body.lines;
    const ignored = await t.request({
      method: 'POST',
      url: `/api/bank-statements/${csvStatement.id}/lines/${csvLines[3].id}/ignore`,
      token: aToken,
      body: { reason: 'iade edildi' },
    });
    expect(ignored.status).toBe(200);
    expect(ignored.body.lines[3].status).toBe('IGNORED');
    const audit = await t.sql(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'bank_statement_line'`);
    expect(audit[0].n).toBe(3);
  });

  it('answers 400 for malformed XML, another currency or missing columns, with per-line messages and nothing written', async () => {
    const before = await counts();
    const broken = await upload(aToken, 'broken.xml', Buffer.from('<Document><BkToCstmrStmt><Stmt><Id>X</Id></BkToCstmrStmt></Document>'));
    expect(broken.body).toMatchObject({ statusCode: 400 });
    expect(broken.body.details[0].path[0]).toBe('file');
    const usd = await upload(aToken, 'usd.xml', Buffer.from(camt.toString('utf8').replaceAll('Ccy="TRY"', 'Ccy="USD"')));
    expect(usd.body).toMatchObject({ statusCode: 400 });
    expect(usd.body.details).toContainEqual({ path: ['lines', 1, 'Ccy'], message: 'currency USD: only TRY is taken' });
    expect(usd.body.details).toHaveLength(5);
    const noColumns = await upload(aToken, 'x.csv', Buffer.from('Tarih;Bakiye\n20.11.2026;5,00\n'));
    expect(noColumns.status).toBe(400);
    expect(noColumns.body.details.map((d: { path: string[] }) => d.path[1])).toEqual(['Açıklama', 'Tutar']);
    const badRow = await upload(aToken, 'y.csv', Buffer.from(`Tarih;Açıklama;Tutar\n20.11.2026;${one.number};12,00\n32.11.2026;Y;5,00\n`));
    expect(badRow.status).toBe(400);
    expect(badRow.body.details).toEqual([{ path: ['lines', 3, 'Tarih'], message: 'a date DD.MM.YYYY' }]);
    expect((await upload(aToken, 'empty.csv', Buffer.alloc(0))).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('keeps statements to their tenant and to BILLING rights', async () => {
    const before = await counts();
    expect((await upload(readerToken, 'r.xml', Buffer.from(camt.toString('utf8').replace('ZRT20261120-0001', 'R')))).status).toBe(403);
    expect((await upload(bToken, 'b.xml', camt, a)).status).toBe(404);
    expect((await t.request({ url: `/api/bank-statements/${camtId}`, token: bToken })).status).toBe(404);
    expect((await t.request({ url: '/api/bank-statements', token: bToken })).body.total).toBe(0);
    expect(await counts()).toEqual(before);
    // In tenant B the same file is new, and A's invoice numbers mean nothing there.
    const inB = await upload(bToken, 'b.xml', camt, b);
    expect(inB.status).toBe(201);
    expect(inB.body.lines.map((l: { status: string }) => l.status)).toEqual(['UNMATCHED', 'UNMATCHED', 'UNMATCHED', 'UNMATCHED', 'DEBIT']);
  });
});
