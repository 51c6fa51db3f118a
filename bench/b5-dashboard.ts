/**
 * B5 — dashboard aggregates through the API as the root super admin (every tenant): summary (totals,
 * 30-day + today consumption, alarm counts, out-of-service counts), map statuses and fleet-wide daily
 * usage, sequential requests, p95. Baseline in the same run: the same consumption figures computed by
 * scanning `reading` (what the dashboard would cost without the daily rollup).
 * Sizes: the shared data set (BENCH_METERS × BENCH_DAYS hourly, ≥ 10M readings by default), BENCH_SAMPLES.
 */
import {
  collectPlans,
  enableAutoExplain,
  disableAutoExplain,
  env,
  log,
  profiling,
  PORT_BASE,
  Report,
  sample,
  startApi,
  stats,
  uptime,
  waterDb,
} from './lib/common';
import { largeDataset } from './lib/dataset';

/** 30 days + today and today alone, fleet-wide, from raw readings. */
const RAW_TOTAL = `
  SELECT coalesce(sum(r.consumption_m3), 0) AS total,
         coalesce(sum(r.consumption_m3) FILTER (WHERE (r.time AT TIME ZONE t.time_zone)::date = (now() AT TIME ZONE t.time_zone)::date), 0) AS today
    FROM reading r JOIN tenant t ON t.id = r.tenant_id
   WHERE r.time >= date_trunc('day', now()) - interval '31 days'`;
/** Fleet-wide consumption per local day over `days` days, from raw readings. */
const RAW_USAGE = `
  SELECT (r.time AT TIME ZONE 'Europe/Istanbul')::date AS day, sum(r.consumption_m3) AS m3
    FROM reading r WHERE r.time >= now() - $1::int * interval '1 day' GROUP BY 1 ORDER BY 1`;

export async function b5() {
  const report = new Report('B5');
  const n = env('BENCH_SAMPLES', 100);
  const rawN = env('BENCH_RAW_SAMPLES', 5);
  const ds = await largeDataset();
  report.extra.readings = ds.readings;
  // BENCH_EXPLAIN=1: the API's own statements slower than 20 ms log their plans (auto_explain); adds overhead.
  const explain = process.env.BENCH_EXPLAIN === '1' ? await enableAutoExplain(ds.url, 20) : undefined;
  const api = await startApi(ds.url, PORT_BASE + 5, `bench:b5:${process.pid}`, {}, profiling() ? 'api-b5' : undefined);
  const pool = waterDb.createPool(ds.url, { max: 2 });
  try {
    const rawTotal = stats(await sample(() => pool.query(RAW_TOTAL), rawN, 1, 120_000));
    const rawUsage30 = stats(await sample(() => pool.query(RAW_USAGE, [30]), rawN, 1, 120_000));
    const rawUsage365 = stats(await sample(() => pool.query(RAW_USAGE, [365]), rawN, 1, 120_000));
    const rawLoad = uptime();
    report.extra.raw = { rawTotal, rawUsage30, rawUsage365, load: rawLoad };
    const endpoints: [string, string, typeof rawTotal][] = [
      ['summary', '/api/dashboard/summary', rawTotal],
      ['map', '/api/dashboard/map', rawTotal],
      ['usage 30 days', '/api/dashboard/usage?days=30', rawUsage30],
      ['usage 365 days', '/api/dashboard/usage?days=365', rawUsage365],
    ];
    for (const [name, url, raw] of endpoints) {
      const s = stats(await sample(() => api.get(url), n, 5));
      report.extra[name] = s;
      report.add({
        metric: `${name} API p95`,
        value: s.p95,
        unit: 'ms',
        baseline: { name: 'raw scan of reading p95', value: raw.p95 },
        target: '≤ 100 ms',
        met: s.p95 <= 100,
        note: `p50 ${s.p50} ms, ${ds.readings.toLocaleString('en-US')} readings`,
      });
    }
    const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${RAW_TOTAL}`);
    report.extra['plan raw total'] = plan.rows.map((r) => r['QUERY PLAN']);
  } finally {
    await pool.end();
    await api.stop();
    if (explain) {
      await disableAutoExplain(ds.url);
      report.extra.apiPlans = collectPlans(explain.name, explain.offset);
      for (const p of report.extra.apiPlans as { ms: number; plan: string }[])
        log(`B5 slow API statement ${p.ms} ms:\n${p.plan.split('\n').slice(0, 14).join('\n')}`);
    }
    await ds.release();
  }
  report.write();
  return report;
}

if (require.main === module)
  b5().catch((e) => {
    console.error(e);
    process.exit(1);
  });
