/**
 * B10-PORTAL — the customer portal's consumption page (issue 19: p95 ≤ 100 ms at the 10.5M-reading data set).
 * The page (apps/web/app/pages/portal/subscriptions/[id].vue with components/portal/ConsumptionPanel.vue)
 * asks GET /api/portal/subscriptions, then GET /api/portal/subscriptions/:id/consumption by day (the panel's
 * default) and by month when the customer switches: each with the previous period, the same month last
 * year and the subscription group's average. Data: the shared data set of B2/B4/B5 (bench/lib/dataset.ts),
 * to which this bench gives every generated meter a customer, a subscription of the NORMAL group serving it
 * since before its first reading (the daily rollup attributed to it) and a portal account (SQL, once: a kept
 * data set is reused as it is). Customers sign in through the real portal login (POST /api/portal/auth/login)
 * and the requests run sequentially, each sample from the next customer in turn (BENCH_SAMPLES per request,
 * BENCH_B10_PORTAL_CUSTOMERS signed in, 60 by default), p50/p95/p99 with the load.
 */
import { ensureApiBuild, env, log, now, PORT_BASE, profiling, Report, startApi, stats, uptime, waterDb } from './lib/common';
import { largeDataset } from './lib/dataset';

const TARGET_MS = 100;

/** Idempotent: a data set kept from an earlier run already has its customers. */
async function giveMetersCustomers(url: string): Promise<number> {
  const pool = waterDb.createPool(url, { max: 1 });
  const c = await pool.connect();
  try {
    const [{ ready }] = (await c.query<{ ready: boolean }>(`SELECT to_regclass('bench_portal') IS NOT NULL AS ready`)).rows;
    if (ready) return Number((await c.query(`SELECT count(*) AS n FROM bench_portal`)).rows[0].n);
    const t0 = now();
    await c.query('BEGIN');
    // Bulk rows as the owner with triggers and foreign-key checks off (consistent by construction; the tenant
    // totals the rollup's triggers keep do not change when a row only gains its subscription).
    await c.query(`SET LOCAL session_replication_role = replica`);
    await c.query(
      `CREATE TABLE bench_portal AS
       SELECT f.k, f.meter_id, f.tenant_id, gen_random_uuid() AS customer_id, gen_random_uuid() AS subscription_id
         FROM bench_fleet f`,
    );
    await c.query(
      `INSERT INTO customer (id, tenant_id, customer_type, name, surname)
       SELECT customer_id, tenant_id, 'INDIVIDUAL', 'Abone', 'P-' || k FROM bench_portal`,
    );
    await c.query(
      `INSERT INTO subscription (id, tenant_id, customer_id, subscription_no, subscription_type, group_id)
       SELECT b.subscription_id, b.tenant_id, b.customer_id, 'P-' || lpad(k::text, 7, '0'), 'INDIVIDUAL', g.id
         FROM bench_portal b, (SELECT id FROM subscription_group WHERE code = 'NORMAL') g`,
    );
    await c.query(
      `INSERT INTO subscription_meter (tenant_id, subscription_id, meter_id, started_at)
       SELECT b.tenant_id, b.subscription_id, b.meter_id, (SELECT min(day) FROM meter_daily_consumption) - interval '1 day' FROM bench_portal b`,
    );
    await c.query(
      `UPDATE meter_daily_consumption dc SET subscription_id = b.subscription_id FROM bench_portal b WHERE dc.meter_id = b.meter_id`,
    );
    // The seed's operators' argon2 hash: every customer signs in with the seed password.
    await c.query(
      `INSERT INTO portal_account (tenant_id, customer_id, email, password_hash, language)
       SELECT b.tenant_id, b.customer_id, 'portal-' || k || '@example.test', u.password_hash, CASE WHEN k % 4 = 0 THEN 'en' ELSE 'tr' END
         FROM bench_portal b, (SELECT password_hash FROM app_user WHERE email = 'iot@una.net.tr') u`,
    );
    await c.query('COMMIT');
    await c.query(`VACUUM ANALYZE meter_daily_consumption`);
    await c.query(`ANALYZE customer; ANALYZE subscription; ANALYZE subscription_meter; ANALYZE portal_account`);
    const n = Number((await c.query(`SELECT count(*) AS n FROM bench_portal`)).rows[0].n);
    log(
      `B10-PORTAL data: ${n} customers with a subscription, its meter's days and a portal account in ${((now() - t0) / 1000).toFixed(1)} s`,
    );
    return n;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
    await pool.end();
  }
}

export async function b10portal() {
  const report = new Report('B10-PORTAL');
  const samples = env('BENCH_SAMPLES', 200);
  const signedIn = env('BENCH_B10_PORTAL_CUSTOMERS', 60);
  ensureApiBuild();
  const ds = await largeDataset();
  report.extra.readings = ds.readings;
  const customers = await giveMetersCustomers(ds.url);
  const api = await startApi(ds.url, PORT_BASE + 110, `bench:b10p:${process.pid}`, {}, profiling() ? 'api-b10-portal' : undefined);
  try {
    // Customers spread over the fleet (and so over its tenants): k = 1, 1 + step, …
    const step = Math.max(1, Math.floor(customers / signedIn));
    const sessions: { token: string; subscriptionId: string }[] = [];
    for (let k = 1; k <= customers && sessions.length < signedIn; k += step) {
      const res = await fetch(`${api.base}/api/portal/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `portal-${k}@example.test`, password: waterDb.SEED_PASSWORD }),
      });
      if (!res.ok) throw new Error(`portal login of customer ${k}: ${res.status} ${await res.text()}`);
      const token = ((await res.json()) as { accessToken: string }).accessToken;
      const list = await get(api.base, token, '/api/portal/subscriptions');
      const [subscription] = JSON.parse(list) as { id: string }[];
      if (!subscription) throw new Error(`customer ${k} sees no subscription`);
      sessions.push({ token, subscriptionId: subscription.id });
    }
    log(`B10-PORTAL: ${sessions.length} customers signed in [${uptime()}]`);

    const requests: [string, (s: (typeof sessions)[number]) => string][] = [
      ['subscriptions', () => '/api/portal/subscriptions'],
      ['consumption by day', (s) => `/api/portal/subscriptions/${s.subscriptionId}/consumption?granularity=day`],
      ['consumption by month', (s) => `/api/portal/subscriptions/${s.subscriptionId}/consumption?granularity=month`],
    ];
    // The group's days are cached in Redis after the first customer of a tenant asks: that first answer, apart.
    for (const [name, path] of requests.slice(1)) {
      const t = now();
      const body = JSON.parse(await get(api.base, sessions[0].token, path(sessions[0])));
      report.extra[`${name}: first request (group days not cached)`] = Math.round((now() - t) * 100) / 100;
      report.extra[`${name}: a sample answer`] = { points: body.points?.length, comparisons: body.comparisons };
    }
    for (const [name, path] of requests) {
      let i = 0;
      const times: number[] = [];
      for (const s of sessions.slice(0, 3)) await get(api.base, s.token, path(s));
      for (; i < samples; i++) {
        const s = sessions[i % sessions.length];
        const t = now();
        await get(api.base, s.token, path(s));
        times.push(now() - t);
      }
      const st = stats(times);
      report.extra[name] = { ...st, load: uptime() };
      log(`B10-PORTAL ${name}: ${JSON.stringify(st)} [${uptime()}]`);
      report.add({
        metric: `${name} p95 (${sessions.length} customers in turn, ${ds.readings.toLocaleString('en-US')} readings)`,
        value: st.p95,
        unit: 'ms',
        ...(name === 'subscriptions' ? {} : { target: `≤ ${TARGET_MS} ms`, met: st.p95 <= TARGET_MS }),
      });
      report.add({ metric: `${name} p99`, value: st.p99, unit: 'ms' });
    }
    report.write();
  } finally {
    await api.stop();
    await ds.release();
  }
  return report;
}

async function get(base: string, token: string, url: string): Promise<string> {
  const r = await fetch(base + url, { headers: { authorization: `Bearer ${token}` } });
  const body = await r.text();
  if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${body.slice(0, 300)}`);
  return body;
}
