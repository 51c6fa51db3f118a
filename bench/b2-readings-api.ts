/**
 * B2 — readings list and history API under concurrent users: autocannon with BENCH_USERS (100)
 * connections for BENCH_B2_SECONDS (20 s) per scenario against (a) random meters' reading history
 * (GET /api/meters/:id/readings, pages 1–3) and (b) the Live Readings table (GET /api/readings/live,
 * pages 1–3, root scope). Baseline: pgbench running the same SQL (the rows, and the total count on
 * the first page, as the repository issues them; later pages reuse page 1's count in the API) with
 * BENCH_PGBENCH_CLIENTS (= the API's pool size) clients, same duration. BENCH_API_POOL sets the
 * API's DATABASE_POOL_SIZE (20: at 10, 100 users wait for connections, docs/benchmarks.md); its pool gauge (`water_db_pool_connections`) is sampled every 250 ms
 * during the run for the requests waiting for a connection (the first process's). BENCH_API_PROCESSES=2
 * runs two API processes, the users split between them by two load generators.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  collectPlans,
  enableAutoExplain,
  disableAutoExplain,
  env,
  log,
  PORT_BASE,
  profiling,
  Report,
  req,
  startApi,
  uptime,
  waterDb,
} from './lib/common';
import { largeDataset } from './lib/dataset';

/**
 * ReadingsRepository.readingsPage: the page's rows, and on the first page the total beside each row in
 * the same statement (since session 9); the API runs it as a named prepared statement, so pgbench runs
 * this script with `-M prepared` (BENCH_PGBENCH_HISTORY_MODE).
 */
const HISTORY_COLUMNS = `r.time, r.device_id, d.serial_no AS device_serial_no, r.meter_id, m.serial_no AS meter_serial_no, r.subscription_id, r.index_m3, r.consumption_m3,
       r.battery_pct, r.rssi, r.snr, r.alarms::text[] AS alarms, r.valve_state, r.source, r.quality, r.quality_rule, r.decoded`;
const HISTORY_FROM = `FROM reading r LEFT JOIN device d ON d.id = r.device_id LEFT JOIN meter m ON m.id = r.meter_id
 WHERE r.meter_id = (SELECT meter_id FROM bench_fleet WHERE k = :k)
 ORDER BY r.time DESC, r.device_id DESC OFFSET :skip LIMIT 30`;
const HISTORY_SQL = `
\\if :skip = 0
SELECT ${HISTORY_COLUMNS}, (SELECT count(*) FROM reading r WHERE r.meter_id = (SELECT meter_id FROM bench_fleet WHERE k = :k)) AS total
  ${HISTORY_FROM};
\\else
SELECT ${HISTORY_COLUMNS}
  ${HISTORY_FROM};
\\endif`;

/** ReadingsRepository.live: the page of readings first, then its joins; on the first page the capped count in the same statement (session 9). */
const LIVE_SQL = (tenants: string[]) => {
  const inTenants = `r.tenant_id IN (${tenants.map((t) => `'${t}'`).join(', ')})`;
  const select = `SELECT r.time, r.device_id, r.tenant_id, r.meter_id, m.serial_no AS meter_serial_no, mb.name AS meter_brand, mp.meter_type, s.id AS subscription_id, s.subscription_no,
       s.subscription_type, c.id AS customer_id, coalesce(c.organization_name, c.name || ' ' || c.surname) AS customer_name, a.latitude, a.longitude,
       r.index_m3, r.consumption_m3, r.battery_pct, r.rssi, r.alarms::text[] AS alarms`;
  const from = `FROM (SELECT r.time, r.device_id, r.tenant_id, r.meter_id, r.subscription_id, r.index_m3, r.consumption_m3, r.battery_pct, r.rssi, r.alarms, r.quality, r.quality_rule
          FROM reading r LEFT JOIN meter m ON m.id = r.meter_id WHERE ${inTenants}
         ORDER BY r.time DESC, r.device_id DESC OFFSET :skip LIMIT 30) r
  LEFT JOIN meter m ON m.id = r.meter_id LEFT JOIN meter_brand mb ON mb.id = m.brand_id LEFT JOIN meter_profile mp ON mp.id = m.meter_profile_id
  LEFT JOIN subscription s ON s.id = r.subscription_id LEFT JOIN customer c ON c.id = s.customer_id LEFT JOIN address a ON a.id = s.address_id
 ORDER BY r.time DESC, r.device_id DESC`;
  return `
\\if :skip = 0
${select}, (SELECT count(*) FROM (SELECT 1 FROM reading r LEFT JOIN meter m ON m.id = r.meter_id WHERE ${inTenants} LIMIT 10001) capped) AS total
  ${from};
\\else
${select}
  ${from};
\\endif`;
};

/** CPU time (user + system, ms) a process has used so far: a cost per request the machine's load does not inflate. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function pgbench(url: string, script: string, clients: number, seconds: number, meters: number, mode: 'simple' | 'prepared') {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-b2-'));
  const file = path.join(dir, 'script.sql');
  writeFileSync(file, `\\set k random(1, ${meters})\n\\set skip 30 * random(0, 2)\n${script}\n`);
  const out = execFileSync(
    'pgbench',
    [
      '-n',
      '-M',
      mode,
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      file,
      '-l',
      `--log-prefix=${path.join(dir, 'log')}`,
      url,
    ],
    { encoding: 'utf8', timeout: (seconds + 120) * 1000 },
  );
  const tps = Number(out.match(/tps = ([\d.]+)/)?.[1] ?? NaN);
  const lat: number[] = [];
  for (const f of readdirSync(dir).filter((f) => f.startsWith('log'))) {
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const parts = line.split(' ');
      if (parts.length > 3) lat.push(Number(parts[2]) / 1000);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  lat.sort((a, b) => a - b);
  return { tps, p99: lat[Math.floor(lat.length * 0.99)] ?? NaN, p50: lat[Math.floor(lat.length * 0.5)] ?? NaN, n: lat.length };
}

type AutocannonResult = {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
};

/** Two load generators' results as one: rates and counts add up; latencies are the worse of the two (no histogram to merge). */
function mergeRuns(runs: AutocannonResult[]): AutocannonResult {
  if (runs.length === 1) return runs[0];
  const sum = (f: (r: AutocannonResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: AutocannonResult) => number) => Math.max(...runs.map(f));
  return {
    requests: { average: sum((r) => r.requests.average), total: sum((r) => r.requests.total) },
    latency: { p50: max((r) => r.latency.p50), p99: max((r) => r.latency.p99) },
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
  };
}

export async function b2() {
  const report = new Report('B2');
  const users = env('BENCH_USERS', 100);
  const seconds = env('BENCH_B2_SECONDS', 20);
  // The API's pool and pgbench's clients are the same number: each side gets as many database connections.
  const poolSize = env('BENCH_API_POOL', 20);
  const clients = env('BENCH_PGBENCH_CLIENTS', poolSize);
  const autocannon = req('autocannon');
  const ds = await largeDataset();
  const pool = waterDb.createPool(ds.url, { max: 1 });
  const tenants = (await pool.query(`SELECT id::text FROM tenant`)).rows.map((r) => r.id);
  await pool.end();
  // BENCH_EXPLAIN=1: the API's own statements slower than 50 ms log their plans (auto_explain); adds overhead.
  const explain = process.env.BENCH_EXPLAIN === '1' ? await enableAutoExplain(ds.url, 50) : undefined;
  const metricsToken = `bench-metrics-${process.pid}`;
  // BENCH_API_PROCESSES=2: two API processes on the node (ports +2 and +22), each with its own pool of
  // BENCH_API_POOL, and the users split between them by two load generators: the measurement of a
  // node that runs one API process per core. pgbench then gets as many clients as both pools.
  const processes = env('BENCH_API_PROCESSES', 1);
  const apis = [];
  for (let i = 0; i < processes; i++)
    apis.push(
      await startApi(
        ds.url,
        PORT_BASE + 2 + 20 * i,
        `bench:b2:${process.pid}:${i}`,
        { DATABASE_POOL_SIZE: String(poolSize), METRICS_TOKEN: metricsToken },
        profiling() ? `api-b2-${i}` : undefined,
      ),
    );
  const api = apis[0];
  const allCpuMs = () => apis.reduce((sum, a) => sum + cpuMs(a.proc.pid!), 0);
  // Requests waiting for a pooled connection, sampled from the API's own gauge while autocannon runs.
  const poolWait = () => {
    const samples: number[] = [];
    const timer = setInterval(() => {
      fetch(`${api.base}/api/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
        .then((r) => r.text())
        .then((body) => {
          const m = body.match(/^water_db_pool_connections\{state="waiting"\} (\d+)/m);
          if (m) samples.push(Number(m[1]));
        })
        .catch(() => undefined);
    }, 250);
    return () => {
      clearInterval(timer);
      const mean = samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : NaN;
      return { samples: samples.length, mean: Number(mean.toFixed(1)), max: samples.length ? Math.max(...samples) : NaN };
    };
  };
  const meters = ds.fleet.map((f) => f.meter_id);
  const rnd = (n: number) => Math.floor(Math.random() * n);
  try {
    const scenarios = [
      {
        name: 'meter history (random meter, pages 1–3)',
        path: () => `/api/meters/${meters[rnd(meters.length)]}/readings?page=${1 + rnd(3)}`,
        sql: HISTORY_SQL,
        mode: (process.env.BENCH_PGBENCH_HISTORY_MODE ?? 'prepared') as 'simple' | 'prepared',
      },
      {
        name: 'live readings (root scope, pages 1–3)',
        path: () => `/api/readings/live?page=${1 + rnd(3)}`,
        sql: LIVE_SQL(tenants),
        mode: 'simple' as const,
      },
    ];
    for (const s of scenarios) {
      const stopPoolWait = poolWait();
      const cpuBefore = allCpuMs();
      const runs = await Promise.all(
        apis.map((a, i) =>
          autocannon({
            url: a.base,
            connections: Math.round(users / apis.length) + (i === 0 ? users - Math.round(users / apis.length) * apis.length : 0),
            duration: seconds,
            requests: [
              { method: 'GET', headers: { authorization: `Bearer ${a.token}` }, setupRequest: (r: object) => ({ ...r, path: s.path() }) },
            ],
          }),
        ),
      );
      const result = mergeRuns(runs);
      const waiting = stopPoolWait();
      const cpuPerRequest = (allCpuMs() - cpuBefore) / Math.max(1, result.requests.total);
      const apiLoad = uptime();
      const rps = result.requests.average;
      const bad = result.non2xx + result.errors + result.timeouts;
      const raw = pgbench(ds.url, s.sql, clients * apis.length, seconds, meters.length, s.mode);
      const rawLoad = uptime();
      report.extra[s.name] = {
        api: {
          rps,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          total: result.requests.total,
          load: apiLoad,
          poolSize,
          processes,
          poolWaiting: waiting,
          cpuMsPerRequest: Number(cpuPerRequest.toFixed(3)),
        },
        pgbench: { ...raw, clients: clients * apis.length, mode: s.mode, load: rawLoad },
      };
      report.add({
        metric: `${s.name} throughput`,
        value: rps,
        unit: 'req/s',
        baseline: { name: `pgbench same SQL (${clients * apis.length} clients, ${s.mode})`, value: raw.tps },
        target: '≥ 0.8× raw',
        met: rps >= 0.8 * raw.tps,
        load: apiLoad,
        note: `${users} connections, ${bad} failed, ${processes} API process(es), pool ${poolSize} each (waiting for a connection: mean ${waiting.mean}, max ${waiting.max}); pgbench at [${rawLoad}]`,
      });
      report.add({
        metric: `${s.name} API process CPU per request`,
        value: Number(cpuPerRequest.toFixed(3)),
        unit: 'ms',
        load: apiLoad,
        note: 'user + system time of the API process(es) over the autocannon run / requests answered',
      });
      report.add({
        metric: `${s.name} p99`,
        value: result.latency.p99,
        unit: 'ms',
        baseline: { name: 'pgbench p99', value: raw.p99 },
        target: '≤ 200 ms',
        met: result.latency.p99 <= 200 && bad === 0,
        load: apiLoad,
      });
      log(
        `B2 ${s.name}: API ${Math.round(rps)} req/s p50 ${result.latency.p50} p99 ${result.latency.p99} ms (${bad} failed); pgbench ${Math.round(raw.tps)} tps p50 ${raw.p50.toFixed(1)} p99 ${raw.p99.toFixed(1)} ms`,
      );
    }
  } finally {
    for (const a of apis) await a.stop();
    if (explain) {
      await disableAutoExplain(ds.url);
      report.extra.apiPlans = collectPlans(explain.name, explain.offset);
      for (const p of report.extra.apiPlans as { ms: number; plan: string }[])
        log(`B2 slow API statement ${p.ms} ms:\n${p.plan.split('\n').slice(0, 14).join('\n')}`);
    }
    await ds.release();
  }
  report.write();
  return report;
}

if (require.main === module)
  b2().catch((e) => {
    console.error(e);
    process.exit(1);
  });
