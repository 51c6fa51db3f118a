/**
 * B9-STATEMENT — a customer's account statement (issue 18) with 10 years of monthly invoices, through
 * the built API as the root super admin: GET /api/customers/:id/statement (all ten years: 240 entries,
 * the open items), the same for the last year (opening balance from nine years of entries) and
 * GET /api/customers/:id/balance, sequential requests, p95. Target ≤ 50 ms. Baseline in the same run:
 * the statement's two ledger queries straight on the database.
 * Data: the brief's seed (1 reading day), then in SQL one customer of the first tenant with
 * BENCH_STATEMENT_YEARS × 12 issued invoices and their INVOICE entries, a payment a month allocated to
 * the invoice (the last three unpaid), and BENCH_STATEMENT_NOISE ledger entries of the seed's other
 * customers so the indexes have something to skip. Sizes: BENCH_SAMPLES (200).
 */
import { PORT_BASE, createBenchDb, ensureApiBuild, env, log, Report, sample, startApi, stats, waterDb } from './lib/common';

export async function b9statement() {
  const report = new Report('B9-STATEMENT');
  const years = env('BENCH_STATEMENT_YEARS', 10);
  const noise = env('BENCH_STATEMENT_NOISE', 200_000);
  const n = env('BENCH_SAMPLES', 200);
  ensureApiBuild();
  const db = await createBenchDb('b9s');
  const pool = waterDb.createPool(db.url, { max: 2 });
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    await waterDb.seed(pool, { readingDays: 1, readingsPerDay: 1 });
    const [sub] = (
      await pool.query<{ id: string; tenant_id: string; customer_id: string }>(
        `SELECT s.id, s.tenant_id, s.customer_id FROM subscription s ORDER BY s.subscription_no LIMIT 1`,
      )
    ).rows;
    const months = years * 12;
    const first = new Date(Date.UTC(new Date().getUTCFullYear() - years, new Date().getUTCMonth(), 1));
    // Issued invoices one a month (the numbering trigger gives their numbers), each with its INVOICE entry
    // booked on its issue day; a payment on the 10th of the next month, allocated to it, but for the last three.
    await pool.query(
      `WITH m AS (SELECT k, ($2::date + (k || ' months')::interval)::date AS start FROM generate_series(0, $3::int - 1) k),
            inv AS (
              INSERT INTO invoice (tenant_id, subscription_id, customer_id, status, period_start, period_end, issue_date, due_date,
                                   net_kurus, vat_kurus, gross_kurus, issued_at)
              SELECT $1::uuid, $4::uuid, $5::uuid, 'ISSUED', start, (start + interval '1 month')::date, (start + interval '1 month')::date,
                     (start + interval '1 month 15 days')::date, 10000 + k, 2000, 12000 + k, start + interval '1 month'
                FROM m ORDER BY k
              RETURNING id, number, gross_kurus, issue_date)
       INSERT INTO ledger_entry (tenant_id, customer_id, subscription_id, kind, amount_kurus, invoice_id, description, booked_at)
       SELECT $1::uuid, $5::uuid, $4::uuid, 'INVOICE', gross_kurus, id, 'Fatura ' || number, issue_date + interval '8 hours' FROM inv`,
      [sub.tenant_id, first.toISOString().slice(0, 10), months, sub.id, sub.customer_id],
    );
    await pool.query(
      `WITH i AS (SELECT id, gross_kurus, issue_date FROM invoice WHERE customer_id = $1::uuid ORDER BY issue_date OFFSET 0 LIMIT $2::int - 3),
            p AS (
              INSERT INTO payment (tenant_id, customer_id, subscription_id, method, amount_kurus, received_at, receipt_no, external_id)
              SELECT $3::uuid, $1::uuid, $4::uuid, 'CASH_DESK', gross_kurus, issue_date + interval '10 days', 'B9S-' || id, 'receipt:B9S-' || id FROM i
              RETURNING id, amount_kurus, received_at, receipt_no),
            a AS (
              INSERT INTO payment_allocation (tenant_id, payment_id, invoice_id, amount_kurus)
              SELECT $3::uuid, p.id, substr(p.receipt_no, 5)::uuid, p.amount_kurus FROM p RETURNING payment_id)
       INSERT INTO ledger_entry (tenant_id, customer_id, subscription_id, kind, amount_kurus, payment_id, description, booked_at)
       SELECT $3::uuid, $1::uuid, $4::uuid, 'PAYMENT', -amount_kurus, id, 'Vezne tahsilatı, makbuz ' || receipt_no, received_at FROM p`,
      [sub.customer_id, months, sub.tenant_id, sub.id],
    );
    await pool.query(
      `INSERT INTO ledger_entry (tenant_id, customer_id, kind, amount_kurus, description, booked_at)
       SELECT c.tenant_id, c.id, 'ADJUSTMENT', 100 + k % 900, 'bench', now() - (k % 3650) * interval '1 day'
         FROM generate_series(1, $1::int) k
         JOIN LATERAL (SELECT id, tenant_id FROM customer WHERE id <> $2::uuid ORDER BY id OFFSET k % 50 LIMIT 1) c ON true`,
      [noise, sub.customer_id],
    );
    await pool.query('ANALYZE ledger_entry; ANALYZE invoice; ANALYZE payment; ANALYZE payment_allocation');
    const entries = Number(
      (await pool.query(`SELECT count(*) AS n FROM ledger_entry WHERE customer_id = $1`, [sub.customer_id])).rows[0].n,
    );
    log(`B9-STATEMENT: customer ${sub.customer_id} with ${months} invoices, ${entries} entries; ${noise} other entries`);
    report.extra.entries = entries;

    const lastYear = new Date(Date.now() - 365 * 86400_000).toISOString().slice(0, 10);
    const rawStatement = async () => {
      await pool.query(`SELECT coalesce(sum(amount_kurus), 0) FROM ledger_entry WHERE customer_id = $1 AND booked_at < $2`, [
        sub.customer_id,
        lastYear,
      ]);
      await pool.query(
        `SELECT e.*, i.number FROM ledger_entry e LEFT JOIN invoice i ON i.id = e.invoice_id WHERE e.customer_id = $1 ORDER BY e.booked_at, e.id`,
        [sub.customer_id],
      );
    };
    const raw = stats(await sample(rawStatement, n, 5));
    api = await startApi(db.url, PORT_BASE + 93, `bench:b9s:${process.pid}`);
    const body = JSON.parse(await api.get(`/api/customers/${sub.customer_id}/statement`)) as {
      entries: unknown[];
      openInvoices: unknown[];
    };
    if (body.entries.length !== entries || body.openInvoices.length !== 3)
      throw new Error(`statement has ${body.entries.length} entries, ${body.openInvoices.length} open items`);
    const targets: [string, string][] = [
      ['statement 10 years', `/api/customers/${sub.customer_id}/statement`],
      ['statement last year', `/api/customers/${sub.customer_id}/statement?from=${lastYear}`],
      ['balance', `/api/customers/${sub.customer_id}/balance`],
    ];
    for (const [name, url] of targets) {
      const s = stats(await sample(() => api!.get(url), n, 10));
      report.extra[name] = s;
      report.add({
        metric: `${name} API p95`,
        value: s.p95,
        unit: 'ms',
        baseline: { name: 'the two ledger queries on the database p95', value: raw.p95 },
        target: '≤ 50 ms',
        met: s.p95 <= 50,
        note: `p50 ${s.p50} ms, ${entries} entries`,
      });
    }
  } finally {
    await api?.stop();
    await pool.end();
    await db.drop();
  }
  report.write();
  return report;
}

if (require.main === module)
  b9statement().catch((e) => {
    console.error(e);
    process.exit(1);
  });
