/**
 * B9 — a billing run (issue 18) for BENCH_BILLING_SUBSCRIPTIONS (100,000) subscriptions of one tenant,
 * end to end through the built API and worker: POST /api/billing-runs for last month, then the run's
 * status polled until DRAFT (every draft with its line items stored). Target ≤ 60 s.
 * Data: the brief's seed (ASKİ and its example tariffs), then in SQL: one customer, subscription and
 * meter per subscription with its meter history (5 % opened on the 16th), a daily rollup for every day
 * of the month (a tenth partly estimated) except for 2 % without readings (billed by the estimate rule).
 * A quick check: BENCH_BILLING_SUBSCRIPTIONS=5000.
 */
import { PORT_BASE, apiEnv, createBenchDb, ensureApiBuild, env, log, now, Report, sleep, startApi, startNode, waterDb } from './lib/common';

/** The month before the current one in Europe/Istanbul, as YYYY-MM, with its first day and the first day after it. */
function lastMonth(): { period: string; start: string; end: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date());
  const [y, m] = today.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
  return { period: start.slice(0, 7), start, end: `${today.slice(0, 7)}-01` };
}

export async function b9() {
  const report = new Report('B9');
  const count = env('BENCH_BILLING_SUBSCRIPTIONS', 100_000);
  ensureApiBuild();
  const db = await createBenchDb('b9');
  const pool = waterDb.createPool(db.url, { max: 4 });
  const prefix = `bench:b9:${process.pid}`;
  const port = PORT_BASE + 90;
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let worker: Awaited<ReturnType<typeof startNode>> | undefined;
  try {
    await waterDb.seed(pool, { readingDays: 1 });
    const { period, start, end } = lastMonth();
    const [tenant] = (
      await pool.query<{ id: string; name: string }>(
        `SELECT t.id, t.name FROM tenant t WHERE EXISTS (SELECT 1 FROM tariff x WHERE x.tenant_id = t.id AND x.subscription_type = 'INDIVIDUAL')
          ORDER BY t.name LIMIT 1`,
      )
    ).rows;
    const t0 = now();
    const c = await pool.connect();
    try {
      // Bulk rows as the owner, triggers and foreign-key checks off for the load (the rows are consistent by construction).
      await c.query(`SET session_replication_role = replica`);
      await c.query(
        `CREATE TABLE bench_billing AS
         SELECT k, gen_random_uuid() AS customer_id, gen_random_uuid() AS subscription_id, gen_random_uuid() AS meter_id
           FROM generate_series(1, $1::int) k`,
        [count],
      );
      await c.query(
        `INSERT INTO customer (id, tenant_id, customer_type, name, surname)
         SELECT customer_id, $1, 'INDIVIDUAL', 'Abone', 'B9-' || k FROM bench_billing`,
        [tenant.id],
      );
      await c.query(
        `INSERT INTO subscription (id, tenant_id, customer_id, subscription_no, subscription_type, group_id)
         SELECT b.subscription_id, $1, b.customer_id, 'B9-' || lpad(k::text, 7, '0'), 'INDIVIDUAL', g.id
           FROM bench_billing b, (SELECT id FROM subscription_group WHERE code = 'NORMAL' LIMIT 1) g`,
        [tenant.id],
      );
      await c.query(
        `INSERT INTO meter (id, tenant_id, meter_profile_id, brand_id, serial_no, initial_index_m3, installed_at, status, communication_module, has_valve, valve_state)
         SELECT b.meter_id, m.tenant_id, m.meter_profile_id, m.brand_id, 'B9-' || k, 0, m.installed_at, 'ACTIVE', m.communication_module, m.has_valve, m.valve_state
           FROM bench_billing b, (SELECT * FROM meter WHERE tenant_id = $1 LIMIT 1) m`,
        [tenant.id],
      );
      await c.query(
        `INSERT INTO subscription_meter (tenant_id, subscription_id, meter_id, started_at)
         SELECT $1, subscription_id, meter_id,
                CASE WHEN k % 20 = 0 THEN ($2::date + 15)::timestamp ELSE ($2::date - 60)::timestamp END AT TIME ZONE 'Europe/Istanbul'
           FROM bench_billing`,
        [tenant.id, start],
      );
      await c.query(
        `INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, subscription_id, consumption_m3, last_index_m3, reading_count, estimated_m3)
         SELECT b.meter_id, d::date, $1, b.subscription_id, 0.2 + (b.k % 7) * 0.05, 0, 24, CASE WHEN b.k % 10 = 0 THEN 0.1 ELSE 0 END
           FROM bench_billing b CROSS JOIN generate_series($2::date, $3::date - 1, interval '1 day') d
          WHERE b.k % 50 <> 0 AND (b.k % 20 <> 0 OR d >= $2::date + 15)`,
        [tenant.id, start, end],
      );
      await c.query(`SET session_replication_role = DEFAULT`);
      await c.query(`ANALYZE customer; ANALYZE subscription; ANALYZE subscription_meter; ANALYZE meter_daily_consumption`);
    } finally {
      c.release();
    }
    log(`B9 data: ${count} subscriptions of ${tenant.name} with ${period}'s daily rollups in ${((now() - t0) / 1000).toFixed(1)} s`);

    api = await startApi(db.url, port, prefix);
    worker = await startNode('dist/worker.js', apiEnv(db.url, port + 1, prefix));
    const t1 = now();
    const res = await fetch(`${api.base}/api/billing-runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: tenant.id, period }),
    });
    if (res.status !== 202) throw new Error(`run: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    let run: { status: string; subscriptionsDone: number; invoiceCount: number; problems: unknown[]; error: string | null };
    for (;;) {
      run = JSON.parse(await api.get(`/api/billing-runs/${id}`)) as typeof run;
      if (run.status === 'DRAFT' || run.status === 'FAILED') break;
      if (worker.proc.exitCode !== null) throw new Error(`worker exited ${worker.proc.exitCode}: ${worker.stderr()}`);
      if (now() - t1 > 600_000) throw new Error(`run not done in 600 s: ${JSON.stringify(run)}`);
      await sleep(200);
    }
    const seconds = (now() - t1) / 1000;
    if (run.status !== 'DRAFT') throw new Error(`run ${run.status}: ${run.error}`);
    const [stored] = (
      await pool.query<{ invoices: number; lines: number }>(
        `SELECT count(DISTINCT i.id)::int AS invoices, count(l.id)::int AS lines
           FROM invoice i LEFT JOIN invoice_line l ON l.invoice_id = i.id WHERE i.billing_run_id = $1`,
        [id],
      )
    ).rows;
    log(`B9 run: ${seconds.toFixed(1)} s, ${stored.invoices} drafts, ${stored.lines} lines, ${run.problems.length} problems`);
    // The seed's own subscriptions of the tenant are billed too.
    if (stored.invoices < count) throw new Error(`expected at least ${count} drafts, found ${stored.invoices}`);
    report.add({
      metric: `billing run of ${run.subscriptionsDone} subscriptions, POST to DRAFT (${stored.invoices} drafts, ${stored.lines} lines)`,
      value: seconds,
      unit: 's',
      target: '≤ 60 s',
      met: seconds <= 60,
    });
    report.add({ metric: 'drafts stored per second', value: stored.invoices / seconds, unit: 'invoices/s' });
    report.write();
  } finally {
    await worker?.stop();
    await api?.stop();
    await pool.end();
    await db.drop();
  }
  return report;
}
