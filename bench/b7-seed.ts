/**
 * B7 — the brief's seed (162K readings) into a fresh database, against a raw COPY of the very same
 * reading rows into an empty copy of the table (same indexes) in the same run.
 * Sizes: BENCH_SEED_DAYS (45), BENCH_REPEAT (3).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBenchDb, env, log, now, pg, Report, req, stats, waterDb } from './lib/common';

export async function b7() {
  const report = new Report('B7');
  const days = env('BENCH_SEED_DAYS', 45);
  const repeat = env('BENCH_REPEAT', 3);
  const { from: copyFrom, to: copyTo } = req('pg-copy-streams') as typeof import('pg-copy-streams');
  const seedMs: number[] = [];
  const copyMs: number[] = [];
  let readings = 0;
  for (let i = 0; i < repeat; i++) {
    const db = await createBenchDb('b7');
    const pool = waterDb.createPool(db.url, { max: 2 });
    try {
      const t = now();
      const r = await waterDb.seed(pool, { readingDays: days });
      seedMs.push(now() - t);
      readings = r.counts.reading;
      // Baseline: the same rows as COPY text, loaded by one COPY into an identical empty table.
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const chunks: Buffer[] = [];
      await pipeline(c.query(copyTo(`COPY reading TO STDOUT`)), async (src: AsyncIterable<Buffer>) => {
        for await (const b of src) chunks.push(b);
      });
      await c.query(`CREATE TABLE reading_raw (LIKE reading INCLUDING ALL)`);
      const t2 = now();
      await c.query('BEGIN');
      await c.query('SET LOCAL synchronous_commit = off');
      await pipeline(Readable.from(chunks), c.query(copyFrom(`COPY reading_raw FROM STDIN`)));
      await c.query('COMMIT');
      copyMs.push(now() - t2);
      await c.end();
      log(`B7 run ${i + 1}: seed ${Math.round(seedMs[i])} ms (${readings} readings), raw COPY ${Math.round(copyMs[i])} ms`);
    } finally {
      await pool.end();
      await db.drop();
    }
  }
  const s = stats(seedMs);
  const c = stats(copyMs);
  report.add({
    metric: `seed ${readings} readings (median of ${s.n})`,
    value: s.p50 / 1000,
    unit: 's',
    baseline: { name: 'raw COPY of the reading rows', value: c.p50 / 1000 },
    target: '≤ 5 s',
    met: s.p50 <= 5000,
  });
  report.extra.seedMs = seedMs;
  report.extra.copyMs = copyMs;
  report.write();
  return report;
}

if (require.main === module)
  b7().catch((e) => {
    console.error(e);
    process.exit(1);
  });
