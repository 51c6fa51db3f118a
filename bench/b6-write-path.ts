/**
 * B6 — worker write path: BENCH_UPLINKS uplinks (real encoded frames of the seeded devices) are put
 * in the uplinks queue first, BENCH_BATCH a job as the ingest nodes batch them (INGEST_BATCH_MAX), then
 * one worker process (`node apps/api/dist/worker.js`) drains it:
 * decode in QuickJS, store uplink + reading, device/meter state, daily rollup, alarms. Stored readings
 * per second, against baselines in the same run on the same database: multi-row INSERT (1,000 rows
 * per statement via unnest) and COPY of reading rows of the same shape.
 * Sizes: BENCH_UPLINKS (50,000), BENCH_BATCH (500), BENCH_BASELINE_ROWS (200,000), BENCH_WORKER_CONCURRENCY (the app default).
 * BENCH_B6_TRACE=1 also logs every statement of the worker (count and server time by statement, per
 * transaction) and samples its connections' states, to say where a batch's time goes; it slows the run.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  API_DIR,
  PORT_BASE,
  clearRedisPrefix,
  collectStatements,
  createBenchDb,
  disableStatementLog,
  enableStatementLog,
  env,
  log,
  now,
  profileArgs,
  profiledScript,
  profiling,
  Report,
  REDIS_URL,
  req,
  sampleActivity,
  sleep,
  startNode,
  stats,
  uptime,
  waterDb,
  apiEnv,
  WORKER_ENTRY,
} from './lib/common';
import { loadDevices } from './lib/devices';

const HOUR = 3_600_000;

/** User + system CPU seconds a process has used (all its threads), from /proc. */
function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function b6() {
  const report = new Report('B6');
  const uplinks = env('BENCH_UPLINKS', 50_000);
  const batch = env('BENCH_BATCH', 500);
  const baseRows = env('BENCH_BASELINE_ROWS', 200_000);
  const timeoutMs = env('BENCH_B6_TIMEOUT_S', 240) * 1000;
  const db = await createBenchDb('b6');
  const pool = waterDb.createPool(db.url, { max: 4 });
  const prefix = `bench:b6:${process.pid}`;
  const { Queue } = req('bullmq') as typeof import('bullmq');
  const IORedis = req('ioredis');
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  let worker: Awaited<ReturnType<typeof startNode>> | undefined;
  try {
    await waterDb.seed(pool, { readingDays: 2 });
    const devices = await loadDevices(pool);
    const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR + HOUR);
    const perDevice = Math.ceil(uplinks / devices.length);
    // Jobs in time order (frame i of every device, then frame i+1), as a live network delivers them.
    const frames: unknown[] = [];
    for (let i = 0; i < perDevice && frames.length < uplinks; i++) {
      for (const d of devices) {
        if (frames.length >= uplinks) break;
        d.index += 0.021;
        const up = waterDb.encodeUplink(d.key, { indexM3: Math.round(d.index * 1000) / 1000, batteryPct: Math.round(d.battery) });
        const at = new Date(start.getTime() + i * HOUR).toISOString();
        frames.push({
          deviceId: d.id,
          tenantId: d.tenantId,
          integrationId: null,
          receivedAt: at,
          deviceTime: at,
          fPort: up.fPort,
          fCnt: i + 1,
          payloadHex: up.payload.toString('hex'),
          rx: { rssi: -90, snr: 5 },
          source: 'simulator',
        });
      }
    }
    const jobs: { name: string; data: unknown; opts: object }[] = [];
    for (let i = 0; i < frames.length; i += batch) {
      jobs.push({
        name: 'process-uplinks',
        data: { uplinks: frames.slice(i, i + batch) },
        opts: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      });
    }
    const queue = new Queue('uplinks', { connection: redis, prefix: `${prefix}:bull` });
    const tq = now();
    for (let i = 0; i < jobs.length; i += 100) await queue.addBulk(jobs.slice(i, i + 100) as never);
    const enqueueMs = now() - tq;
    log(`B6: ${frames.length} uplinks in ${jobs.length} jobs for ${devices.length} devices enqueued in ${Math.round(enqueueMs)} ms`);

    const countNew = async () => Number((await pool.query(`SELECT count(*) AS n FROM reading WHERE time >= $1`, [start])).rows[0].n);
    const extra: Record<string, string> = { WORKER_LOCK_MS: '60000' };
    if (process.env.BENCH_WORKER_CONCURRENCY) extra.WORKER_CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY;
    const wenv = apiEnv(db.url, PORT_BASE + 60, prefix, extra); // the worker validates API_PORT but does not listen
    const trace = process.env.BENCH_B6_TRACE === '1' ? await enableStatementLog(db.url) : undefined;
    worker = await startNode(
      profiling() ? profiledScript(WORKER_ENTRY) : WORKER_ENTRY,
      wenv,
      undefined,
      profiling() ? profileArgs('worker-b6') : [],
    );
    const samples: { t: number; n: number; load: string }[] = [];
    const activity = trace ? sampleActivity(db.url) : undefined;
    const t0 = now();
    let first = 0;
    let n = 0;
    while (now() - t0 < timeoutMs) {
      n = await countNew();
      if (n > 0 && !first) first = now();
      samples.push({ t: Math.round(now() - t0), n, load: uptime() });
      if (n >= frames.length) break;
      if (worker.proc.exitCode !== null) throw new Error(`worker exited ${worker.proc.exitCode}: ${worker.stderr()}`);
      if (!first && now() - t0 > 60_000) throw new Error(`worker stored nothing in 60 s: ${worker.stderr()}`);
      await sleep(500);
    }
    const end = now();
    const cpuS = processCpuSeconds(worker.proc.pid);
    if (activity) {
      const a = await activity.stop();
      report.extra.activity = a;
      log(`B6 connection states (${a.samples} samples every 10 ms, non-idle connections): ${JSON.stringify(a.counts)}`);
    }
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    const load = uptime();
    const rate = first ? n / ((end - first) / 1000) : 0;
    report.extra.progress = samples;
    report.extra.workerCpuS = cpuS;
    log(
      `B6: worker CPU ${cpuS.toFixed(2)} s (all threads, start included) = ${((cpuS * 1e6) / Math.max(1, n)).toFixed(0)} µs a stored reading; ${((end - first) / 1000).toFixed(2)} s from the first stored reading to the last`,
    );
    report.extra.queue = counts;
    log(`B6: ${n}/${frames.length} readings stored; queue ${JSON.stringify(counts)}`);
    await worker.stop();
    worker = undefined;
    await queue.close();
    if (trace) {
      await disableStatementLog(db.url);
      const st = collectStatements(trace.name, trace.offset, /^SELECT count\(\*\) AS n FROM reading|^SELECT state, wait_event_type/);
      report.extra.statements = st;
      log(
        `B6 statements: ${st.count} in ${st.begins} transactions, ${Math.round(st.ms)} ms of server time (${(st.count / (st.begins || 1)).toFixed(1)} a transaction)`,
      );
      for (const x of st.statements.slice(0, 25))
        log(`  ${String(Math.round(x.ms)).padStart(6)} ms ${String(x.count).padStart(6)}×  ${x.statement}`);
    }

    // Baselines: the same reading shape, into empty copies of the table (same indexes), same database.
    const devs = devices.map((d) => d);
    const rowAt = (i: number) => {
      const d = devs[i % devs.length];
      return [
        new Date(start.getTime() + Math.floor(i / devs.length) * HOUR).toISOString(),
        d.id,
        d.tenantId,
        (1000 + i * 0.021).toFixed(3),
      ];
    };
    const meterOf = new Map((await pool.query(`SELECT id::text, meter_id::text FROM device`)).rows.map((r) => [r.id, r.meter_id]));
    await pool.query(`CREATE TABLE reading_ins (LIKE reading INCLUDING ALL); CREATE TABLE reading_copy (LIKE reading INCLUDING ALL)`);
    const c = await pool.connect();
    const ti = now();
    for (let i = 0; i < baseRows; i += 1000) {
      const cols: string[][] = [[], [], [], [], []];
      for (let j = i; j < Math.min(baseRows, i + 1000); j++) {
        const [t, dev, ten, idx] = rowAt(j);
        cols[0].push(t);
        cols[1].push(dev);
        cols[2].push(meterOf.get(dev));
        cols[3].push(ten);
        cols[4].push(idx);
      }
      await c.query(
        `INSERT INTO reading_ins (time, device_id, meter_id, tenant_id, index_m3, consumption_m3, battery_pct, rssi, snr, alarms, source, quality)
         SELECT t, d, m, te, i, 0.021, 90, -90, 5, '{}', 'NETWORK', 'VALID' FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::numeric[]) AS x(t, d, m, te, i)`,
        cols,
      );
    }
    const insRate = baseRows / ((now() - ti) / 1000);
    c.release();

    // The worker's own readings statement (UplinkRepository.insertReadings, from apps/api/dist), one
    // transaction per 500 rows as a batch writes them, into the real table (its foreign keys included).
    const { UplinkRepository } = require(
      `${API_DIR}/${WORKER_ENTRY.replace(/[^/]+$/, '')}modules/ingest/uplink.repository.js`,
    ) as typeof import('../apps/api/src/modules/ingest/uplink.repository');
    const kysely = waterDb.createKysely(waterDb.createPool(db.url, { max: 1 }));
    const repo = new UplinkRepository({ db: kysely } as never);
    const later = start.getTime() + (perDevice + 1) * HOUR;
    const readingAt = (i: number) => {
      const d = devs[i % devs.length];
      return {
        time: new Date(later + Math.floor(i / devs.length) * HOUR),
        deviceId: d.id,
        meterId: meterOf.get(d.id)!,
        subscriptionId: null,
        tenantId: d.tenantId,
        indexM3: 1000 + i * 0.021,
        consumptionM3: 0.021,
        batteryPct: 90,
        rssi: -90,
        snr: 5,
        alarms: [],
        valveState: null,
        suspect: false,
        decoded: { indexM3: 1000 + i * 0.021 },
      };
    };
    const tr = now();
    for (let i = 0; i < baseRows; i += batch) {
      const rows = Array.from({ length: Math.min(batch, baseRows - i) }, (_, j) => readingAt(i + j));
      await repo.transaction((trx) => repo.insertReadings(trx, rows));
    }
    const repoRate = baseRows / ((now() - tr) / 1000);
    await kysely.destroy();
    const c2 = await pool.connect();
    const { from: copyFrom } = req('pg-copy-streams') as typeof import('pg-copy-streams');
    const tc = now();
    function* lines() {
      for (let i = 0; i < baseRows; i += 1000) {
        let s = '';
        for (let j = i; j < Math.min(baseRows, i + 1000); j++) {
          const [t, dev, ten, idx] = rowAt(j);
          s += `${t}\t${dev}\t${meterOf.get(dev)}\t${ten}\t${idx}\t0.021\t90\t-90\t5\t{}\tNETWORK\tVALID\n`;
        }
        yield s;
      }
    }
    await pipeline(
      Readable.from(lines()),
      c2.query(
        copyFrom(
          `COPY reading_copy (time, device_id, meter_id, tenant_id, index_m3, consumption_m3, battery_pct, rssi, snr, alarms, source, quality) FROM STDIN`,
        ),
      ),
    );
    const copyRate = baseRows / ((now() - tc) / 1000);
    c2.release();
    const baseLoad = uptime();
    report.add({
      metric: `worker readings/s (${n} uplinks, 1 worker process)`,
      value: rate,
      unit: 'rows/s',
      baseline: { name: 'multi-row INSERT', value: insRate },
      target: '≥ 50,000 rows/s (issue 14)',
      met: rate >= 50_000,
      load,
      note: `zero loss: ${n === frames.length}, ${batch} uplinks a job`,
    });
    report.add({
      metric: `the worker's readings statement (insertReadings, ${batch} rows a transaction, into reading with its foreign keys)`,
      value: repoRate,
      unit: 'rows/s',
      baseline: { name: 'multi-row INSERT', value: insRate },
      target: '≥ 100,000 rows/s',
      met: repoRate >= 100_000,
      load: baseLoad,
      note: `${baseRows} rows`,
    });
    report.add({
      metric: 'multi-row INSERT (1,000/stmt)',
      value: insRate,
      unit: 'rows/s',
      baseline: { name: 'COPY', value: copyRate },
      load: baseLoad,
      note: `${baseRows} rows`,
    });
    report.add({ metric: 'COPY', value: copyRate, unit: 'rows/s', load: baseLoad, note: `${baseRows} rows` });
    report.add({ metric: 'worker vs COPY', value: rate, unit: 'rows/s', baseline: { name: 'COPY', value: copyRate }, load });
    report.extra.enqueuePerS = frames.length / (enqueueMs / 1000);
    report.extra.stats = stats(samples.map((s) => s.n));
  } finally {
    await worker?.stop();
    await redis.quit();
    await clearRedisPrefix(prefix);
    await pool.end();
    await db.drop();
  }
  report.write();
  return report;
}

if (require.main === module)
  b6().catch((e) => {
    console.error(e);
    process.exit(1);
  });
