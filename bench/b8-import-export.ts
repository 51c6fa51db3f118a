/**
 * B8 — imports and exports (issue 17), end to end through the built API and worker:
 * - import BENCH_IMPORT_ROWS (100,000) readings from a Turkish-Excel CSV (windows-1254, `;`, DD.MM.YYYY
 *   HH:mm:ss, decimal commas) of the seeded meters: upload, dry run and real run, from the POST to the
 *   job's DONE; rows per second (target ≥ 20,000/s with validation), against a raw COPY of the same
 *   reading rows into an empty copy of the table in the same run;
 * - export BENCH_EXPORT_ROWS (1,000,000) readings as CSV from GET /api/exports/readings: rows per second
 *   and the API process's peak RSS (VmHWM) against its RSS before the export — flat memory means the
 *   peak stays near the start whatever the row count.
 * Sizes: BENCH_IMPORT_ROWS, BENCH_EXPORT_ROWS. A quick check: BENCH_IMPORT_ROWS=5000 BENCH_EXPORT_ROWS=20000.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  PORT_BASE,
  apiEnv,
  clearRedisPrefix,
  createBenchDb,
  ensureApiBuild,
  env,
  log,
  now,
  pg,
  Report,
  req,
  sleep,
  startApi,
  startNode,
  waterDb,
} from './lib/common';

const HOUR = 3_600_000;

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** DD.MM.YYYY HH:mm:ss in Europe/Istanbul (UTC+3 all year since 2016). */
function turkish(ms: number): string {
  const d = new Date(ms + 3 * HOUR);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export async function b8() {
  const report = new Report('B8');
  const importRows = env('BENCH_IMPORT_ROWS', 100_000);
  const exportRows = env('BENCH_EXPORT_ROWS', 1_000_000);
  ensureApiBuild();
  const iconv = req('iconv-lite') as typeof import('iconv-lite');
  const { from: copyFrom } = req('pg-copy-streams') as typeof import('pg-copy-streams');
  const db = await createBenchDb('b8');
  const pool = waterDb.createPool(db.url, { max: 4 });
  const prefix = `bench:b8:${process.pid}`;
  const port = PORT_BASE + 80;
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let worker: Awaited<ReturnType<typeof startNode>> | undefined;
  try {
    await waterDb.seed(pool, { readingDays: 1 });
    const { rows: meters } = await pool.query<{ serial_no: string; device_id: string; meter_id: string; tenant_id: string }>(
      `SELECT m.serial_no, d.id AS device_id, m.id AS meter_id, m.tenant_id FROM meter m JOIN device d ON d.meter_id = m.id ORDER BY m.serial_no`,
    );
    // Hourly history from three years back, before anything the seed stored: rows of meter after meter, oldest first.
    const perMeter = Math.ceil(importRows / meters.length);
    const start = Math.floor(Date.now() / HOUR) * HOUR - 3 * 365 * 24 * HOUR;
    const lines = ['Sayaç Seri No;Okuma Tarihi;Endeks'];
    const copy: string[] = [];
    for (const m of meters) {
      for (let i = 0; i < perMeter && lines.length <= importRows; i++) {
        const t = start + i * HOUR;
        const index = (100 + i * 0.013).toFixed(3);
        lines.push(`${m.serial_no};${turkish(t)};${index.replace('.', ',')}`);
        copy.push(`${new Date(t).toISOString()}\t${m.device_id}\t${m.meter_id}\t${m.tenant_id}\t${index}\n`);
      }
    }
    const file = iconv.encode(lines.join('\r\n'), 'windows-1254');
    log(
      `B8 import file: ${lines.length - 1} rows, ${(file.length / 1_048_576).toFixed(1)} MB (windows-1254, ';', DD.MM.YYYY, decimal commas)`,
    );

    const extra = { IMPORT_MAX_BYTES: String(Math.max(file.length * 2, 1_048_576)), IMPORT_MAX_ROWS: String(importRows + 10) };
    api = await startApi(db.url, port, prefix, extra);
    worker = await startNode('dist/worker.js', apiEnv(db.url, port + 1, prefix, extra));
    const upload = async (dryRun: boolean) => {
      const form = new FormData();
      form.append('file', new Blob([file]), 'okuma.csv');
      const t0 = now();
      const res = await fetch(`${api!.base}/api/imports/readings?dryRun=${dryRun}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api!.token}` },
        body: form,
      });
      if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      for (;;) {
        const job = JSON.parse(await api!.get(`/api/imports/${id}`)) as {
          status: string;
          createdRows: number;
          failedRows: number;
          message: string;
        };
        if (job.status === 'DONE' || job.status === 'FAILED') {
          const s = (now() - t0) / 1000;
          if (job.status !== 'DONE' || job.failedRows)
            throw new Error(`import ${job.status}: ${job.message}\n${(await api!.get(`/api/imports/${id}/errors.csv`)).slice(0, 1000)}`);
          return { seconds: s, job };
        }
        await sleep(100);
      }
    };
    const dry = await upload(true);
    log(`B8 dry run: ${dry.seconds.toFixed(2)} s, would create ${dry.job.createdRows}`);
    const real = await upload(false);
    log(`B8 import: ${real.seconds.toFixed(2)} s, created ${real.job.createdRows}`);

    // Baseline: the same reading rows by one COPY into an empty copy of the table (same indexes).
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`CREATE TABLE reading_raw (LIKE reading INCLUDING ALL)`);
    const t1 = now();
    await pipeline(Readable.from(copy), c.query(copyFrom(`COPY reading_raw (time, device_id, meter_id, tenant_id, index_m3) FROM STDIN`)));
    const copySeconds = (now() - t1) / 1000;
    await c.query(`DROP TABLE reading_raw`);
    await c.end();
    const rows = lines.length - 1;
    report.add({
      metric: `import ${rows} readings from CSV, end to end (upload, check, write)`,
      value: rows / real.seconds,
      unit: 'rows/s',
      baseline: { name: 'raw COPY of the same reading rows', value: rows / copySeconds },
      target: '≥ 20,000 rows/s',
      met: rows / real.seconds >= 20_000,
    });
    report.add({ metric: `dry run of ${rows} readings (upload, check)`, value: rows / dry.seconds, unit: 'rows/s' });

    // Export: top the readings up to exportRows with generated hourly history, then stream them as CSV.
    const { rows: have } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM reading`);
    const missing = exportRows - Number(have[0]!.n);
    if (missing > 0) {
      const hours = Math.ceil(missing / meters.length);
      await pool.query(
        `INSERT INTO reading (time, device_id, meter_id, tenant_id, index_m3, consumption_m3, source)
         SELECT to_timestamp($1::double precision / 1000) - (g * interval '1 hour'), d.id, d.meter_id, d.tenant_id, 50 + g * 0.001, 0.001, 'CSV_IMPORT'
           FROM device d CROSS JOIN generate_series(1, $2::int) g
          WHERE d.meter_id IS NOT NULL
          ON CONFLICT DO NOTHING`,
        [start, hours],
      );
    }
    // A live table has statistics (autovacuum analyses it); a million rows inserted a moment ago do not yet.
    await pool.query('ANALYZE reading');
    const { rows: total } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM reading`);
    const before = memory(api.proc.pid!);
    let peak = before.rss;
    const watch = setInterval(() => (peak = Math.max(peak, memory(api!.proc.pid!).rss)), 50);
    const t2 = now();
    const res = await fetch(`${api.base}/api/exports/readings?format=csv`, { headers: { authorization: `Bearer ${api.token}` } });
    if (!res.ok) throw new Error(`export: ${res.status}`);
    let bytes = 0;
    let newlines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) newlines++;
    }
    const exportSeconds = (now() - t2) / 1000;
    clearInterval(watch);
    const after = memory(api.proc.pid!);
    log(
      `B8 export: ${newlines - 1} rows of ${total[0]!.n}, ${(bytes / 1_048_576).toFixed(0)} MB in ${exportSeconds.toFixed(1)} s; API RSS ${before.rss.toFixed(0)} → peak ${Math.max(peak, after.rss).toFixed(0)} MB (VmHWM ${after.hwm.toFixed(0)})`,
    );
    report.add({ metric: `export ${newlines - 1} readings as CSV`, value: (newlines - 1) / exportSeconds, unit: 'rows/s' });
    report.add({
      metric: `API peak RSS while exporting ${newlines - 1} readings`,
      value: Math.max(peak, after.rss),
      unit: 'MB',
      baseline: { name: 'RSS before the export', value: before.rss },
    });
    Object.assign(report.extra, { importRows: rows, exportRows: newlines - 1, exportBytes: bytes, rss: { before, after, peak } });
    report.write();
    return report;
  } finally {
    await worker?.stop();
    await api?.stop();
    await clearRedisPrefix(prefix);
    await pool.end();
    await db.drop();
  }
}

if (require.main === module)
  b8().catch((e) => {
    console.error(e);
    process.exit(1);
  });
