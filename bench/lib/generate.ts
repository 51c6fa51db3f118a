/**
 * Data generator: the brief's seed, then a fleet of extra meters+devices cloned from the seeded ones,
 * then their readings built inside PostgreSQL by INSERT … SELECT generate_series (no round trip per
 * row), with the reading indexes and FK triggers out of the way while it loads, and the daily rollup
 * and last-state columns derived afterwards as the seed does.
 */
import type { Pool } from 'pg';
import { log, now, waterDb } from './common';

export async function seedBrief(pool: Pool, readingDays: number) {
  const t = now();
  const report = await waterDb.seed(pool, { readingDays });
  return { ms: now() - t, readings: report.counts.reading ?? 0 };
}

/** Clones the seeded meter+device pairs into `meters` new pairs; records them in bench_fleet(k, meter_id, device_id, tenant_id). */
export async function cloneFleet(pool: Pool, meters: number) {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(
      `CREATE TABLE IF NOT EXISTS bench_fleet (k int PRIMARY KEY, meter_id uuid NOT NULL, device_id uuid NOT NULL, tenant_id uuid NOT NULL, src_meter uuid NOT NULL, src_device uuid NOT NULL)`,
    );
    await c.query(
      `INSERT INTO bench_fleet (k, meter_id, device_id, tenant_id, src_meter, src_device)
       SELECT row_number() OVER (), gen_random_uuid(), gen_random_uuid(), m.tenant_id, m.id, d.id
         FROM generate_series(1, ceil($1::numeric / (SELECT count(*) FROM device WHERE meter_id IS NOT NULL))::int) g
        CROSS JOIN meter m JOIN device d ON d.meter_id = m.id
        LIMIT $1`,
      [meters],
    );
    await c.query(
      `INSERT INTO meter (id, tenant_id, meter_profile_id, brand_id, serial_no, initial_index_m3, installed_at, status, communication_module, has_valve, valve_state)
       SELECT f.meter_id, m.tenant_id, m.meter_profile_id, m.brand_id, 'B' || f.k || '-' || m.serial_no, 0, m.installed_at, 'ACTIVE', m.communication_module, m.has_valve, m.valve_state
         FROM bench_fleet f JOIN meter m ON m.id = f.src_meter`,
    );
    await c.query(
      `INSERT INTO device (id, tenant_id, device_profile_id, brand_id, meter_id, serial_no, status)
       SELECT f.device_id, d.tenant_id, d.device_profile_id, d.brand_id, f.meter_id, 'B' || f.k || '-' || d.serial_no, 'ACTIVE'
         FROM bench_fleet f JOIN device d ON d.id = f.src_device`,
    );
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

export interface GenerateOptions {
  days: number;
  stepMinutes?: number;
  /** Last reading time; defaults to the current hour. */
  end?: Date;
}

/** Hourly (or stepMinutes) readings for every bench_fleet pair over `days` days ending at `end`. */
export async function generateReadings(pool: Pool, o: GenerateOptions) {
  const step = o.stepMinutes ?? 60;
  const end = o.end ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const points = Math.floor((o.days * 1440) / step);
  const start = new Date(end.getTime() - (points - 1) * step * 60_000);
  const c = await pool.connect();
  const phases: Record<string, number> = {};
  let t = now();
  const mark = (name: string) => {
    phases[name] = Math.round(now() - t);
    log(`generate: ${name} ${phases[name]} ms`);
    t = now();
  };
  try {
    // FK and check triggers off for this session only (superuser); the rows are valid by construction.
    await c.query(`SET session_replication_role = replica`);
    await c.query(`SET maintenance_work_mem = '512MB'`);
    await c.query(`SET synchronous_commit = off`);
    const idx = await c.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reading' AND schemaname = 'public'`,
    );
    await c.query(`ALTER TABLE reading DROP CONSTRAINT reading_pkey`);
    for (const i of idx.rows) if (i.indexname !== 'reading_pkey') await c.query(`DROP INDEX "${i.indexname}"`);
    mark('drop indexes');
    const ins = await c.query(
      `INSERT INTO reading (time, device_id, meter_id, subscription_id, tenant_id, index_m3, consumption_m3, battery_pct, rssi, snr, alarms, source, quality)
       SELECT $1::timestamptz + g.i * ($3::int * interval '1 minute'), f.device_id, f.meter_id, NULL, f.tenant_id,
              round(f.k * 0.5 + g.i * 0.021 + ((g.i * 7919 + f.k) % 17) * 0.0001, 3),
              CASE WHEN g.i = 0 THEN NULL ELSE 0.021 END,
              90, -100 - f.k % 20, 5.5, '{}', 'NETWORK', 'VALID'
         FROM generate_series(0, $2::int - 1) AS g(i) CROSS JOIN bench_fleet f`, // time-major, as live ingest lands
      [start, points, step],
    );
    mark(`insert ${ins.rowCount} rows`);
    await c.query(`ALTER TABLE reading ADD CONSTRAINT reading_pkey PRIMARY KEY (device_id, time)`);
    for (const i of idx.rows) if (i.indexname !== 'reading_pkey') await c.query(i.indexdef);
    mark('rebuild indexes');
    // Triggers on again before the rollup: they keep tenant_daily_consumption from it.
    await c.query(`SET session_replication_role = DEFAULT`);
    await c.query(
      `INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, subscription_id, consumption_m3, last_index_m3, reading_count)
       SELECT r.meter_id, (r.time AT TIME ZONE t.time_zone)::date, r.tenant_id, NULL, coalesce(sum(r.consumption_m3), 0), max(r.index_m3), count(*)::int
         FROM reading r JOIN tenant t ON t.id = r.tenant_id JOIN bench_fleet f ON f.device_id = r.device_id
        GROUP BY 1, 2, 3`,
    );
    await c.query(
      `UPDATE meter m SET last_reading_at = $1, last_index_m3 = round(f.k * 0.5 + ($2::int - 1) * 0.021, 3) FROM bench_fleet f WHERE f.meter_id = m.id`,
      [end, points],
    );
    await c.query(`UPDATE device d SET last_seen_at = $1, battery_pct = 90 FROM bench_fleet f WHERE f.device_id = d.id`, [end]);
    mark('rollup and last state');
    await c.query(`VACUUM ANALYZE reading`);
    await c.query(`ANALYZE meter_daily_consumption`);
    await c.query(`ANALYZE tenant_daily_consumption`);
    mark('vacuum analyze');
    return { rows: ins.rowCount ?? 0, start, end, phases };
  } finally {
    c.release();
  }
}

/** The brief's seed plus `meters` cloned pairs × `days` of hourly readings: the data set B2, B4 and B5 share. */
export async function buildLargeDataset(pool: Pool, meters: number, days: number) {
  const t0 = now();
  const s = await seedBrief(pool, 2);
  log(`generate: brief seed (2 days) ${Math.round(s.ms)} ms`);
  await cloneFleet(pool, meters);
  const g = await generateReadings(pool, { days });
  const total = Number((await pool.query(`SELECT count(*) AS n FROM reading`)).rows[0].n);
  const ms = now() - t0;
  log(
    `generate: ${total.toLocaleString('en-US')} readings in ${(ms / 1000).toFixed(1)} s (${Math.round(g.rows / ((g.phases[`insert ${g.rows} rows`] ?? ms) / 1000)).toLocaleString('en-US')} rows/s insert phase)`,
  );
  return { total, ms, generated: g };
}
