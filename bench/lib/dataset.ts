/**
 * The large data set B2, B4 and B5 share: built once per `pnpm bench` run (or reused with
 * BENCH_DATABASE_URL=<url of a kept water_bench_* database>), dropped at the end.
 */
import { createBenchDb, env, log, uptime, waterDb, type BenchDb } from './common';
import { buildLargeDataset } from './generate';

export interface Dataset {
  url: string;
  meters: number;
  days: number;
  readings: number;
  buildMs: number;
  /** Meter and device ids of the generated fleet, k order. */
  fleet: { meter_id: string; device_id: string }[];
  end: Date;
  release(): Promise<void>;
}

let shared: Promise<Dataset> | undefined;
let users = 0;

/** Each caller releases once; the runner retains it across B4, B5 and B2 without building it early. */
export function largeDataset(): Promise<Dataset> {
  users++;
  shared ??= build();
  return shared;
}

export function retainDataset() {
  users++;
}

export async function releaseDataset() {
  if (shared) await (await shared).release();
  else users--;
}

async function build(): Promise<Dataset> {
  const meters = env('BENCH_METERS', 1200);
  const days = env('BENCH_DAYS', 365);
  let db: BenchDb | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  let buildMs = 0;
  if (!url) {
    db = await createBenchDb('large');
    url = db.url;
    const pool = waterDb.createPool(url, { max: 2 });
    log(`dataset: ${meters} meters × ${days} days hourly into ${db.name} [${uptime()}]`);
    try {
      buildMs = (await buildLargeDataset(pool, meters, days)).ms;
    } finally {
      await pool.end();
    }
  }
  const pool = waterDb.createPool(url, { max: 1 });
  const fleet = (await pool.query(`SELECT meter_id::text, device_id::text FROM bench_fleet ORDER BY k`)).rows;
  const readings = Number((await pool.query(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'reading'`)).rows[0].n);
  const end = (await pool.query(`SELECT max(time) AS t FROM reading`)).rows[0].t as Date;
  await pool.end();
  return {
    url,
    meters: fleet.length,
    days,
    readings,
    buildMs,
    fleet,
    end,
    async release() {
      if (--users > 0 || !db) return;
      // BENCH_KEEP_DATASET=1 keeps it for a follow-up run (BENCH_DATABASE_URL=…); drop it by hand afterwards.
      if (process.env.BENCH_KEEP_DATASET === '1') log(`dataset kept: BENCH_DATABASE_URL=${db.url}`);
      else await db.drop();
    },
  };
}
