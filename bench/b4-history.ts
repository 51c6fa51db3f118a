/**
 * B4 — one meter's consumption history through the API (GET /api/meters/:id/consumption), hourly and
 * daily, sequential requests, p50/p95; baselines in the same run: the API's own statements (copied
 * from ReadingsRepository) run raw with node-postgres — for hours the points and the local days, for
 * days the local days, device spans and rollup rows and then the points of the partial edge days — the
 * same consumption aggregated entirely in SQL, and the plain "sum per bucket on (meter_id, time)" query
 * a hand-written endpoint would run.
 * Sizes: the shared data set (BENCH_METERS × BENCH_DAYS hourly), BENCH_SAMPLES (200).
 */
import {
  collectPlans,
  enableAutoExplain,
  disableAutoExplain,
  env,
  profiling,
  log,
  PORT_BASE,
  Report,
  sample,
  startApi,
  stats,
  uptime,
  waterDb,
} from './lib/common';
import { largeDataset } from './lib/dataset';
import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) a process has used so far: a cost per request the machine's load does not inflate. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const DAY = 86_400_000;

const WINDOWS_SQL = `
    SELECT w.ord, w.meter_id, w.range_from, w.range_to, coalesce(w.started_at, '-infinity'::timestamptz) AS started_at, coalesce(w.ended_at, 'infinity'::timestamptz) AS ended_at
      FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS w(meter_id, started_at, ended_at, range_from, range_to, ord)`;

/**
 * ReadingsRepository.windowPoints: per window (meter, period, part of the range) its points and their
 * predecessor, one row per window with times and indexes as comma-joined integers (since 2026-12-05).
 */
const POINTS_OF_WINDOW = `
           SELECT count(*)::int AS n, string_agg((date_part('epoch', x.time) * 1000)::bigint::text, ',') AS t,
                  string_agg((x.index_m3 * 1000)::bigint::text, ',') AS l, min(x.device_id::text COLLATE "C") AS d1, max(x.device_id::text COLLATE "C") AS d2
             FROM ((SELECT r.time, r.index_m3, r.device_id FROM reading r
                     WHERE r.meter_id = w.meter_id AND r.time >= w.started_at AND r.time < least(w.range_from, w.ended_at) ORDER BY r.time DESC LIMIT 1)
                   UNION ALL
                   (SELECT r.time, r.index_m3, r.device_id FROM reading r
                     WHERE r.meter_id = w.meter_id AND r.time >= greatest(w.started_at, w.range_from) AND r.time < least(w.ended_at, w.range_to))) x`;
const POINTS_SQL = `
  WITH w AS (${WINDOWS_SQL})
  SELECT w.ord::int AS w, p.n, p.t, p.l, p.d1, p.d2
    FROM w CROSS JOIN LATERAL (${POINTS_OF_WINDOW}) p`;

/**
 * ReadingsRepository.hourWindows (since session 9), as a meter's hours run it once the process knows the
 * meter's tenant: the points as above, each window's estimated readings and single device's serial, and
 * the local midnights in the zone of the meter's tenant ($6 the meter, $7/$8 the range), one statement.
 */
const HOUR_SQL = `
  WITH w AS (${WINDOWS_SQL}),
  zone AS (SELECT t.time_zone AS z FROM meter m JOIN tenant t ON t.id = m.tenant_id WHERE m.id = $6),
  days AS (
    SELECT zone.z, string_agg((date_part('epoch', g AT TIME ZONE zone.z) * 1000)::text, ',' ORDER BY g) AS b
      FROM zone, generate_series(date_trunc('day', $7::timestamptz AT TIME ZONE zone.z),
                                 date_trunc('day', ($8::timestamptz - interval '1 millisecond') AT TIME ZONE zone.z) + interval '1 day', interval '1 day') AS g
     GROUP BY zone.z)
  SELECT days.z, CASE WHEN x.w IS NULL OR x.w = 1 THEN days.b END AS b, x.*
    FROM days LEFT JOIN LATERAL (
         SELECT w.ord::int AS w, p.n, p.t, p.l, p.d1, p.d2, dv.serial_no AS s, e.t AS et, e.l AS el
           FROM w CROSS JOIN LATERAL (${POINTS_OF_WINDOW}) p
           LEFT JOIN device dv ON p.d1 = p.d2 AND dv.id = p.d1::uuid
          CROSS JOIN LATERAL (
                  SELECT string_agg((date_part('epoch', r.time) * 1000)::text, ',') AS t, string_agg(((r.consumption_m3 * 1000)::float8)::text, ',') AS l
                    FROM reading r WHERE r.meter_id = w.meter_id AND r.quality = 'ESTIMATED' AND r.consumption_m3 IS NOT NULL
                     AND r.time >= greatest(w.started_at, w.range_from) AND r.time < least(w.ended_at, w.range_to)) e
         ) x ON true
   ORDER BY x.w`;

/** The same points one row each (time, litres, device): windowPoints until 2026-12-05, kept as a baseline. */
const POINT_ROWS_SQL = `
  WITH w AS (${WINDOWS_SQL})
  SELECT w.ord::int AS w, p.t, p.l, p.d
    FROM w CROSS JOIN LATERAL (
           (SELECT date_part('epoch', r.time) * 1000 AS t, (r.index_m3 * 1000)::float8 AS l, r.device_id::text AS d FROM reading r
             WHERE r.meter_id = w.meter_id AND r.time >= w.started_at AND r.time < least(w.range_from, w.ended_at) ORDER BY r.time DESC LIMIT 1)
           UNION ALL
           (SELECT date_part('epoch', r.time) * 1000, (r.index_m3 * 1000)::float8, r.device_id::text FROM reading r
             WHERE r.meter_id = w.meter_id AND r.time >= greatest(w.started_at, w.range_from) AND r.time < least(w.ended_at, w.range_to))
         ) p`;

/** ReadingsRepository.localDays: the zone's midnights around [from, to) (hours are stepped from them in the API). */
const DAYS_SQL = `
  SELECT date_part('epoch', g AT TIME ZONE $3) * 1000 AS b, g::date::text AS d
    FROM generate_series(date_trunc('day', $1::timestamptz AT TIME ZONE $3), date_trunc('day', ($2::timestamptz - interval '1 millisecond') AT TIME ZONE $3) + interval '1 day', interval '1 day') AS g`;

/** ReadingsRepository.deviceSpans: which devices reported when (days one device alone reported come from the rollup). */
const SPANS_SQL = `
  SELECT w.ord::int AS w, s.d, s.f, s.l, s.n
    FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS w(meter_id, range_from, range_to, ord)
   CROSS JOIN LATERAL (
         SELECT r.device_id::text AS d, date_part('epoch', min(r.time)) * 1000 AS f, date_part('epoch', max(r.time)) * 1000 AS l, count(*)::int AS n
           FROM reading r WHERE r.meter_id = w.meter_id AND r.time >= w.range_from AND r.time < w.range_to GROUP BY r.device_id
       ) s`;

/** ReadingsRepository.dailyRollup. */
const API_ROLLUP_SQL = `
  SELECT dc.meter_id::text AS m, dc.day::text AS d, (dc.consumption_m3 * 1000)::float8 AS l, dc.reading_count AS n
    FROM meter_daily_consumption dc JOIN tenant t ON t.id = dc.tenant_id AND t.time_zone = $4
   WHERE dc.meter_id = ANY($1::uuid[]) AND dc.day >= ($2::timestamptz AT TIME ZONE $4)::date AND dc.day <= (($3::timestamptz - interval '1 millisecond') AT TIME ZONE $4)::date`;

/**
 * The same consumption computed entirely in SQL (index deltas by a window function, buckets by
 * date_trunc in the zone, a hash aggregate): what the API ran until 2026-12-02, kept as a baseline.
 */
const AGGREGATE_SQL = `
  WITH points AS (
    SELECT r.device_id, r.time, r.index_m3 FROM reading r WHERE r.meter_id = $1 AND r.time >= $2::timestamptz AND r.time < $3::timestamptz
    UNION ALL
    (SELECT r.device_id, r.time, r.index_m3 FROM reading r WHERE r.meter_id = $1 AND r.time < $2::timestamptz ORDER BY r.time DESC LIMIT 1)
  ),
  deltas AS (SELECT device_id, time, index_m3 - lag(index_m3) OVER (ORDER BY time) AS delta FROM points)
  SELECT device_id::text AS device_id, date_trunc($4, time AT TIME ZONE $5) AT TIME ZONE $5 AS bucket_start, sum(greatest(delta, 0))::text AS m3
    FROM deltas WHERE time >= $2::timestamptz AND delta IS NOT NULL GROUP BY 1, 2`;

/** What a hand-written endpoint would run: stored consumption summed per bucket on (meter_id, time). */
const PLAIN_SQL = `
  SELECT date_trunc($4, time AT TIME ZONE $5) AS bucket, sum(consumption_m3)::text AS m3
    FROM reading WHERE meter_id = $1 AND time >= $2 AND time < $3 GROUP BY 1 ORDER BY 1`;

export async function b4() {
  const report = new Report('B4');
  const n = env('BENCH_SAMPLES', 100);
  const ds = await largeDataset();
  const meter = ds.fleet[Math.floor(ds.fleet.length / 2)].meter_id;
  const tz = 'Europe/Istanbul';
  const to = new Date(ds.end.getTime() + 3_600_000);
  const cases = [
    { name: 'hourly 93 days (API max, 2,232 points)', interval: 'hour', days: 93 },
    { name: 'daily 365 days', interval: 'day', days: 365 },
    { name: 'hourly 365 days (8,760 points)', interval: 'hour', days: 365 },
  ];
  // BENCH_EXPLAIN=1: the API's own statements slower than 10 ms log their plans (auto_explain); adds overhead.
  const explain = process.env.BENCH_EXPLAIN === '1' ? await enableAutoExplain(ds.url, 10) : undefined;
  const api = await startApi(ds.url, PORT_BASE + 4, `bench:b4:${process.pid}`, {}, profiling() ? 'api-b4' : undefined);
  const pool = waterDb.createPool(ds.url, { max: 3 });
  try {
    // Floors of the same API process: health (SELECT 1 + PING, no auth) and /auth/me (the auth guard's
    // Redis check + two access queries + one Prisma query): what any authenticated read pays first.
    const health = stats(await sample(() => fetch(`${api.base}/api/health`).then((r) => r.text()), n, 5));
    const me = stats(await sample(() => api.get('/api/auth/me'), n, 5));
    report.add({ metric: 'floor: GET /api/health p50', value: health.p50, unit: 'ms', note: `p95 ${health.p95}` });
    report.add({
      metric: 'floor: GET /api/auth/me p50 (authenticated)',
      value: me.p50,
      unit: 'ms',
      baseline: { name: 'health p50', value: health.p50 },
      note: `p95 ${me.p95}`,
    });
    for (const c of cases) {
      const from = new Date(to.getTime() - c.days * DAY);
      const url = `/api/meters/${meter}/consumption?interval=${c.interval}&from=${from.toISOString()}&to=${to.toISOString()}`;
      let apiStats: ReturnType<typeof stats> | null = null;
      let points = 0;
      let apiCpu = NaN;
      try {
        points = JSON.parse(await api.get(url)).bucketStarts.length;
        const cpuBefore = cpuMs(api.proc.pid!);
        apiStats = stats(await sample(() => api.get(url), n, 5));
        apiCpu = (cpuMs(api.proc.pid!) - cpuBefore) / (n + 5);
      } catch (e) {
        log(`B4 ${c.name}: API refused: ${(e as Error).message.slice(0, 200)}`);
        report.extra[`refused ${c.name}`] = (e as Error).message.slice(0, 300);
      }
      // The API's statements, raw: hours = one statement (points, estimates, serial, local days; until session 9
      // local days ∥ points ∥ estimates, then the serials); days = local days ∥ device spans ∥
      // rollup rows, then the points of the two partial edge days (one device in this data set).
      const days = (await pool.query(DAYS_SQL, [from, to, tz])).rows.map((r) => new Date(Math.round(r.b)));
      const edges = { from: [from, days[days.length - 2]], to: [days[1], to] };
      const rawApi =
        c.interval === 'hour'
          ? stats(await sample(() => pool.query(HOUR_SQL, [[meter], [null], [null], [from], [to], meter, from, to]), n, 5))
          : stats(
              await sample(
                async () => {
                  await Promise.all([
                    pool.query(DAYS_SQL, [from, to, tz]),
                    pool.query(SPANS_SQL, [[meter], [from], [to]]),
                    pool.query(API_ROLLUP_SQL, [[meter], from, to, tz]),
                  ]);
                  await pool.query(POINTS_SQL, [[meter, meter], [null, null], [null, null], edges.from, edges.to]);
                },
                n,
                5,
              ),
            );
      // The points statement as it was until 2026-12-05 (one row per point), for the hourly cases.
      const rowsRaw =
        c.interval === 'hour' ? stats(await sample(() => pool.query(POINT_ROWS_SQL, [[meter], [null], [null], [from], [to]]), n, 5)) : null;
      const pointsRaw =
        c.interval === 'hour' ? stats(await sample(() => pool.query(POINTS_SQL, [[meter], [null], [null], [from], [to]]), n, 5)) : null;
      const plainParams = [meter, from, to, c.interval, tz];
      const aggregate = stats(await sample(() => pool.query(AGGREGATE_SQL, plainParams), n, 5));
      const plainRows = (await pool.query(PLAIN_SQL, plainParams)).rowCount;
      const plain = stats(await sample(() => pool.query(PLAIN_SQL, plainParams), n, 5));
      const load = uptime();
      if (apiStats) {
        report.add({
          metric: `${c.name} API p50`,
          value: apiStats.p50,
          unit: 'ms',
          baseline: { name: 'plain SQL p50', value: plain.p50 },
          load,
        });
        report.add({
          metric: `${c.name} API p95`,
          value: apiStats.p95,
          unit: 'ms',
          baseline: { name: 'plain SQL p95', value: plain.p95 },
          target: '≤ 20 ms',
          met: apiStats.p95 <= 20,
          load,
          note: `${points} points`,
        });
      }
      if (apiStats)
        report.add({
          metric: `${c.name} API process CPU per request`,
          value: Number(apiCpu.toFixed(2)),
          unit: 'ms',
          load,
          note: 'user + system time of the API process over the samples / requests',
        });
      if (rowsRaw && pointsRaw)
        report.add({
          metric: `${c.name} points statement raw p95 (one row per window, joined integers)`,
          value: pointsRaw.p95,
          unit: 'ms',
          baseline: { name: 'one row per point p95', value: rowsRaw.p95 },
          load,
          note: `p50 ${pointsRaw.p50} vs ${rowsRaw.p50} ms, parsed by node-postgres`,
        });
      report.add({
        metric: `${c.name} API's SQL raw p95`,
        value: rawApi.p95,
        unit: 'ms',
        baseline: { name: 'plain SQL p95', value: plain.p95 },
        load,
        note: `${c.interval === 'hour' ? 'points, estimates, serial and local days in one statement' : 'local days ∥ device spans ∥ rollup rows, then the edge days’ points'}; plain SQL returns ${plainRows} buckets`,
      });
      report.add({
        metric: `${c.name} deltas aggregated in SQL p95`,
        value: aggregate.p95,
        unit: 'ms',
        baseline: { name: 'plain SQL p95', value: plain.p95 },
        load,
        note: 'window function + zone truncation + hash aggregate (the API until 2026-12-02)',
      });
      report.extra[c.name] = {
        api: apiStats,
        apiCpuMs: apiCpu,
        apiSqlRaw: rawApi,
        pointsRaw,
        pointRowsRaw: rowsRaw,
        plainSql: plain,
        aggregateSql: aggregate,
        points,
      };
      const plan = await pool.query(
        `EXPLAIN (ANALYZE, BUFFERS) ${c.interval === 'hour' ? POINTS_SQL : SPANS_SQL}`,
        c.interval === 'hour' ? [[meter], [null], [null], [from], [to]] : [[meter], [from], [to]],
      );
      report.extra[`plan ${c.name}`] = plan.rows.map((r) => r['QUERY PLAN']);
    }
  } finally {
    await pool.end();
    await api.stop();
    if (explain) {
      await disableAutoExplain(ds.url);
      report.extra.apiPlans = collectPlans(explain.name, explain.offset);
      for (const p of report.extra.apiPlans as { ms: number; plan: string }[])
        log(`B4 slow API statement ${p.ms} ms:\n${p.plan.split('\n').slice(0, 14).join('\n')}`);
    }
    await ds.release();
  }
  report.write();
  return report;
}

if (require.main === module)
  b4().catch((e) => {
    console.error(e);
    process.exit(1);
  });
