import * as argon2 from 'argon2';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidTaxId, isValidTcIdNo, luhnValid, PERMISSION_MODULES } from '@water/shared';
import { createPool } from '../src/connection';
import { createTestDatabase, type TestDatabase } from '../src/testing';
import {
  DEVICE_PROFILES,
  encodeUplink,
  MESSAGE_SCENARIOS,
  seed,
  seedReference,
  SEED_PASSWORD,
  SEED_USERS,
  type DeviceProfileKey,
  type MeterFrameValues,
  type SeedReport,
} from '../src/seed';

const RED_TYPES = ['TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW'];
const TABLES = [
  'tenant',
  'app_user',
  'tariff',
  'tariff_version',
  'tariff_tier',
  'tariff_fee',
  'membership',
  'membership_permission',
  'meter_brand',
  'device_brand',
  'ip_rating',
  'subscription_group',
  'communication_technology',
  'communication_technology_field',
  'meter_profile',
  'device_profile',
  'device_profile_technology',
  'meter_profile_device_profile',
  'tenant_meter_profile',
  'tenant_device_profile',
  'message_scenario',
  'address',
  'customer',
  'customer_contact',
  'subscription',
  'subscription_meter',
  'meter',
  'device',
  'device_identifier',
  'reading',
  'meter_daily_consumption',
  'alarm',
  '_seed',
];

async function rows<T = Record<string, unknown>>(pool: Pool, text: string, params: unknown[] = []): Promise<T[]> {
  return (await pool.query(text, params)).rows as T[];
}

/** `{ tenantName: value }` from rows of (tenant, n). */
async function perTenant(pool: Pool, text: string, params: unknown[] = []): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await rows<{ tenant: string; n: number }>(pool, text, params)) out[r.tenant] = Number(r.n);
  return out;
}

async function tableCounts(pool: Pool): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await rows<{ n: string }>(pool, `SELECT count(*) AS n FROM "${t}"`))[0].n);
  return out;
}

describe('seed with the default 45 days of hourly readings', () => {
  let db: TestDatabase;
  let pool: Pool;
  let report: SeedReport;
  let now: Date;

  beforeAll(async () => {
    db = await createTestDatabase('seed');
    pool = createPool(db.url, { max: 2 });
    const env = process.env.SEED_READING_DAYS;
    delete process.env.SEED_READING_DAYS;
    try {
      report = await seed(pool);
    } finally {
      if (env !== undefined) process.env.SEED_READING_DAYS = env;
    }
    now = (await rows<{ t: Date }>(pool, 'SELECT max(time) AS t FROM reading'))[0].t;
    console.log(`seed of the full data set took ${report.elapsedMs} ms`);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('loads 150 devices × 45 days × 24 readings', async () => {
    expect(report.skipped).toBe(false);
    expect(report.counts.reading).toBe(162_000);
    expect(Number((await rows<{ n: string }>(pool, 'SELECT count(*) AS n FROM reading'))[0].n)).toBe(162_000);
    const perDevice = await rows<{ n: string; devices: string }>(
      pool,
      'SELECT n, count(*) AS devices FROM (SELECT device_id, count(*) AS n FROM reading GROUP BY device_id) x GROUP BY n',
    );
    expect(perDevice).toEqual([{ n: '1080', devices: '150' }]);
    // Generous bound against regressions on a busy CI box; the measured time is logged above.
    expect(report.elapsedMs).toBeLessThan(20_000);
  });

  it('ends the readings at now, hourly and on the hour', async () => {
    expect(now.getTime() % 3_600_000).toBe(0);
    expect(Date.now() - now.getTime()).toBeLessThan(2 * 3_600_000);
    const [gaps] = await rows<{ bad: string }>(
      pool,
      `SELECT count(*) AS bad FROM (SELECT time - lag(time) OVER (PARTITION BY device_id ORDER BY time) AS gap FROM reading) x
        WHERE gap IS NOT NULL AND gap <> interval '1 hour'`,
    );
    expect(Number(gaps.bad)).toBe(0);
    const [minute] = await rows<{ bad: string }>(pool, `SELECT count(*) AS bad FROM reading WHERE date_trunc('hour', time) <> time`);
    expect(Number(minute.bad)).toBe(0);
  });

  it('keeps every meter index monotonic, with consumption equal to the delta', async () => {
    const [r] = await rows<{ bad: string; negative: string }>(
      pool,
      `SELECT count(*) FILTER (WHERE prev IS NOT NULL AND (index_m3 < prev OR consumption_m3 <> index_m3 - prev)) AS bad,
              count(*) FILTER (WHERE consumption_m3 < 0 OR consumption_m3 IS NULL) AS negative
         FROM (SELECT index_m3, consumption_m3, lag(index_m3) OVER (PARTITION BY meter_id ORDER BY time) AS prev FROM reading) x`,
    );
    expect(Number(r.bad)).toBe(0);
    expect(Number(r.negative)).toBe(0);
    const [start] = await rows<{ bad: string }>(
      pool,
      `SELECT count(*) AS bad FROM (SELECT DISTINCT ON (meter_id) meter_id, index_m3 FROM reading ORDER BY meter_id, time) f
         JOIN meter m ON m.id = f.meter_id WHERE f.index_m3 < m.initial_index_m3`,
    );
    expect(Number(start.bad)).toBe(0);
  });

  it('draws realistic household days: morning and evening peaks, quiet nights', async () => {
    const byHour = await rows<{ h: number; avg: string }>(
      pool,
      `SELECT extract(hour FROM r.time AT TIME ZONE 'Europe/Istanbul')::int AS h, avg(r.consumption_m3) AS avg
         FROM reading r JOIN subscription s ON s.id = r.subscription_id
        WHERE s.subscription_type = 'INDIVIDUAL' GROUP BY 1 ORDER BY 1`,
    );
    const avg = (h: number) => Number(byHour.find((r) => r.h === h)!.avg);
    expect(avg(8)).toBeGreaterThan(avg(3) * 8);
    expect(avg(21)).toBeGreaterThan(avg(3) * 8);
    const [daily] = await rows<{ avg: string }>(
      pool,
      `SELECT avg(d.consumption_m3) AS avg FROM meter_daily_consumption d
         JOIN subscription s ON s.id = d.subscription_id JOIN subscription_group g ON g.id = s.group_id
        WHERE s.subscription_type = 'INDIVIDUAL' AND d.reading_count = 24
          AND NOT EXISTS (SELECT 1 FROM alarm a WHERE a.subscription_id = s.id AND a.type IN ('HIGH_USAGE', 'LEAK'))`,
    );
    expect(Number(daily.avg)).toBeGreaterThan(0.2);
    expect(Number(daily.avg)).toBeLessThan(0.6);
  });

  it('derives daily consumption, last readings and device state from the readings', async () => {
    const [sums] = await rows<{ readings: string; daily: string; days: string }>(
      pool,
      `SELECT (SELECT sum(consumption_m3) FROM reading) AS readings, (SELECT sum(consumption_m3) FROM meter_daily_consumption) AS daily,
              (SELECT sum(reading_count) FROM meter_daily_consumption) AS days`,
    );
    expect(sums.daily).toBe(sums.readings);
    expect(Number(sums.days)).toBe(162_000);
    // Each tenant's day is the sum of its meters' days (kept by triggers, migration 0008).
    const [drift] = await rows<{ n: string; days: string }>(
      pool,
      `SELECT count(*) FILTER (WHERE t.consumption_m3 IS DISTINCT FROM m.m3 OR t.reading_count IS DISTINCT FROM m.n) AS n, count(*) AS days
         FROM (SELECT tenant_id, day, sum(consumption_m3) AS m3, sum(reading_count)::int AS n FROM meter_daily_consumption GROUP BY 1, 2) m
         FULL JOIN tenant_daily_consumption t USING (tenant_id, day)`,
    );
    expect(Number(drift.days)).toBeGreaterThan(0);
    expect(Number(drift.n)).toBe(0);
    const [stale] = await rows<{ devices: string; meters: string }>(
      pool,
      `SELECT (SELECT count(*) FROM device d WHERE d.last_seen_at IS DISTINCT FROM (SELECT max(time) FROM reading r WHERE r.device_id = d.id)
                 OR d.battery_pct IS NULL OR d.rssi IS NULL OR d.snr IS NULL) AS devices,
              (SELECT count(*) FROM meter m WHERE m.last_reading_at IS DISTINCT FROM (SELECT max(time) FROM reading r WHERE r.meter_id = m.id)
                 OR m.last_index_m3 IS DISTINCT FROM (SELECT max(index_m3) FROM reading r WHERE r.meter_id = m.id)) AS meters`,
    );
    expect(Number(stale.devices)).toBe(0);
    expect(Number(stale.meters)).toBe(0);
  });

  it('shows every map colour in each tenant, consistent with the readings', async () => {
    const tenants = ['ASKİ', 'HATSU'];
    // Red: open tamper, low battery, tilt and reverse-flow alarms, flagged in every reading since they started.
    const red = await rows<{ tenant: string; type: string; n: string }>(
      pool,
      `SELECT t.name AS tenant, a.type, count(*) AS n FROM alarm a JOIN tenant t ON t.id = a.tenant_id
        WHERE a.cleared_at IS NULL AND a.type = ANY($1::alarm_type[]) GROUP BY 1, 2`,
      [RED_TYPES],
    );
    for (const tenant of tenants)
      for (const type of RED_TYPES) expect(red.some((r) => r.tenant === tenant && r.type === type && Number(r.n) >= 1)).toBe(true);
    const [flags] = await rows<{ missing: string; early: string }>(
      pool,
      `SELECT count(*) FILTER (WHERE r.time >= a.started_at AND NOT (a.type = ANY(r.alarms))) AS missing,
              count(*) FILTER (WHERE r.time < a.started_at AND a.type = ANY(r.alarms)) AS early
         FROM alarm a JOIN reading r ON r.device_id = a.device_id
        WHERE a.cleared_at IS NULL AND a.type = ANY($1::alarm_type[])`,
      [RED_TYPES],
    );
    expect(Number(flags.missing)).toBe(0);
    expect(Number(flags.early)).toBe(0);
    const [battery] = await rows<{ bad: string }>(
      pool,
      `SELECT count(*) AS bad FROM alarm a JOIN device d ON d.id = a.device_id
        WHERE a.type = 'LOW_BATTERY' AND a.cleared_at IS NULL AND d.battery_pct >= 10`,
    );
    expect(Number(battery.bad)).toBe(0);

    // Orange: NORMAL subscriptions over their group's daily threshold yesterday and over the last 24 hours.
    const orange = await perTenant(
      pool,
      `SELECT t.name AS tenant, count(*) AS n
         FROM alarm a JOIN tenant t ON t.id = a.tenant_id
         JOIN subscription s ON s.id = a.subscription_id JOIN subscription_group g ON g.id = s.group_id
        WHERE a.type = 'HIGH_USAGE' AND a.cleared_at IS NULL AND a.device_id IS NULL AND g.code = 'NORMAL'
          AND (SELECT d.consumption_m3 FROM meter_daily_consumption d WHERE d.meter_id = a.meter_id
                AND d.day = ($1::timestamptz AT TIME ZONE 'Europe/Istanbul')::date - 1) > g.daily_threshold_m3
          AND (SELECT sum(r.consumption_m3) FROM reading r WHERE r.meter_id = a.meter_id AND r.time > $1::timestamptz - interval '24 hours') > g.daily_threshold_m3
          AND NOT EXISTS (SELECT 1 FROM alarm x WHERE x.subscription_id = s.id AND x.cleared_at IS NULL AND x.type = ANY($2::alarm_type[]))
        GROUP BY 1`,
      [now, RED_TYPES],
    );
    for (const tenant of tenants) expect(orange[tenant]).toBeGreaterThanOrEqual(2);

    // Grey: no uplink within the expected interval; the last one 2–5 days ago, with an open NO_SIGNAL alarm.
    const grey = await perTenant(
      pool,
      `SELECT t.name AS tenant, count(*) AS n
         FROM alarm a JOIN tenant t ON t.id = a.tenant_id JOIN device d ON d.id = a.device_id JOIN device_profile p ON p.id = d.device_profile_id
        WHERE a.type = 'NO_SIGNAL' AND a.cleared_at IS NULL
          AND d.last_seen_at < $1::timestamptz - 2 * p.expected_interval_minutes * interval '1 minute'
          AND d.last_seen_at BETWEEN $1::timestamptz - interval '5 days' AND $1::timestamptz - interval '2 days'
          AND a.started_at > d.last_seen_at
        GROUP BY 1`,
      [now],
    );
    for (const tenant of tenants) expect(grey[tenant]).toBeGreaterThanOrEqual(2);

    // Green: reporting on time, no open alarm, under the threshold yesterday.
    const green = await perTenant(
      pool,
      `SELECT t.name AS tenant, count(*) AS n
         FROM subscription s JOIN tenant t ON t.id = s.tenant_id JOIN subscription_group g ON g.id = s.group_id
         JOIN subscription_meter sm ON sm.subscription_id = s.id AND sm.ended_at IS NULL
         JOIN device d ON d.meter_id = sm.meter_id
        WHERE d.last_seen_at >= $1::timestamptz - interval '1 hour'
          AND NOT EXISTS (SELECT 1 FROM alarm a WHERE a.subscription_id = s.id AND a.cleared_at IS NULL)
          AND (SELECT d2.consumption_m3 FROM meter_daily_consumption d2 WHERE d2.meter_id = sm.meter_id
                AND d2.day = ($1::timestamptz AT TIME ZONE 'Europe/Istanbul')::date - 1) <= g.daily_threshold_m3
        GROUP BY 1`,
      [now],
    );
    for (const tenant of tenants) expect(green[tenant]).toBeGreaterThan(20);
  });

  it('keeps a few meters out of service, and every historical alarm cleared after it started', async () => {
    const out = await perTenant(
      pool,
      `SELECT t.name AS tenant, count(*) AS n FROM meter m JOIN tenant t ON t.id = m.tenant_id JOIN device d ON d.meter_id = m.id
        WHERE m.status IN ('MAINTENANCE', 'PASSIVE') AND d.status = m.status GROUP BY 1`,
    );
    expect(out['ASKİ']).toBeGreaterThanOrEqual(2);
    expect(out['HATSU']).toBeGreaterThanOrEqual(2);
    const [cleared] = await rows<{ n: string; flagged: string }>(
      pool,
      `SELECT count(DISTINCT a.id) AS n, count(r.*) AS flagged FROM alarm a
         LEFT JOIN reading r ON r.device_id = a.device_id AND r.time >= a.started_at AND r.time < a.cleared_at AND a.type = ANY(r.alarms)
        WHERE a.cleared_at IS NOT NULL`,
    );
    expect(Number(cleared.n)).toBeGreaterThan(4);
    expect(Number(cleared.flagged)).toBeGreaterThan(0);
  });

  it('returns skipped on a second run and changes nothing', async () => {
    const before = await tableCounts(pool);
    const again = await seed(pool, { readingDays: 3 });
    expect(again.skipped).toBe(true);
    expect(await tableCounts(pool)).toEqual(before);
    expect(before._seed).toBe(1);
  });
});

describe('seed data as the brief tables it (3 days of readings)', () => {
  let db: TestDatabase;
  let pool: Pool;
  const now = new Date('2025-03-17T09:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase('seed');
    pool = createPool(db.url, { max: 2 });
    await seed(pool, { readingDays: 3, now });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('carries example tariffs for ASKİ and HATSU, labelled as examples (issue 18)', async () => {
    const tariffs = await rows<{ tenant: string; code: string; name: string; is_example: boolean; versions: number }>(
      pool,
      `SELECT t.name AS tenant, f.code, f.name, f.is_example, (SELECT count(*)::int FROM tariff_version v WHERE v.tariff_id = f.id) AS versions
         FROM tariff f JOIN tenant t ON t.id = f.tenant_id ORDER BY t.name, f.code`,
    );
    expect(tariffs.map((t) => [t.tenant, t.code, t.versions])).toEqual([
      ['ASKİ', 'ORNEK-ISYERI', 1],
      ['ASKİ', 'ORNEK-KONUT', 2],
      ['HATSU', 'ORNEK-KONUT', 1],
      ['HATSU', 'ORNEK-YUKSEK', 1],
    ]);
    for (const t of tariffs) {
      expect(t.is_example).toBe(true);
      expect(t.name).toMatch(/Örnek.*resmî tarife değildir/);
    }
  });

  it('creates the tenant tree, users and full-permission memberships', async () => {
    const tenants = await rows<{ name: string; parent: string | null; depth: number }>(
      pool,
      'SELECT t.name, p.name AS parent, nlevel(t.path) AS depth FROM tenant t LEFT JOIN tenant p ON p.id = t.parent_id ORDER BY depth, t.name',
    );
    expect(tenants).toEqual([
      { name: 'Una IoT', parent: null, depth: 1 },
      { name: 'ASKİ', parent: 'Una IoT', depth: 2 },
      { name: 'HATSU', parent: 'Una IoT', depth: 2 },
    ]);
    const [addr] = await rows<{ n: string }>(
      pool,
      'SELECT count(*) AS n FROM tenant t JOIN address a ON a.id = t.address_id AND a.tenant_id = t.id WHERE t.tax_id IS NOT NULL',
    );
    expect(Number(addr.n)).toBe(3);

    const users = await rows<{
      email: string;
      name: string;
      surname: string;
      phone: string;
      tc_id_no: string;
      tenant: string;
      role: string;
      password_hash: string;
    }>(
      pool,
      `SELECT u.email, u.name, u.surname, u.phone, u.tc_id_no, t.name AS tenant, m.role, u.password_hash
         FROM app_user u JOIN membership m ON m.user_id = u.id JOIN tenant t ON t.id = m.tenant_id ORDER BY u.email`,
    );
    expect(users).toHaveLength(3);
    for (const expected of SEED_USERS) {
      const u = users.find((x) => x.email === expected.email)!;
      expect(u).toMatchObject({
        name: expected.name,
        surname: expected.surname,
        phone: expected.phone,
        tc_id_no: expected.tcIdNo,
        tenant: expected.tenantName,
        role: 'Administrator',
      });
      expect(u.password_hash.startsWith('$argon2id$')).toBe(true);
      expect(await argon2.verify(u.password_hash, SEED_PASSWORD)).toBe(true);
      expect(await argon2.verify(u.password_hash, 'wrong')).toBe(false);
    }
    expect(new Set(users.map((u) => u.password_hash)).size).toBe(3);
    expect(SEED_USERS.map((u) => [u.email, u.tenantName])).toEqual([
      ['iot@una.net.tr', 'Una IoT'],
      ['aski.yetkili@example.com', 'ASKİ'],
      ['hatsu.yetkili@example.com', 'HATSU'],
    ]);

    const perms = await rows<{ n: string; full: string }>(
      pool,
      `SELECT count(*) AS n, count(*) FILTER (WHERE can_create AND can_read AND can_update AND can_delete) AS full
         FROM membership_permission GROUP BY membership_id`,
    );
    // Every module of the matrix, BILLING (issue 18) included.
    const modules = String(PERMISSION_MODULES.length);
    expect(perms).toEqual([
      { n: modules, full: modules },
      { n: modules, full: modules },
      { n: modules, full: modules },
    ]);
  });

  it('loads the definitions', async () => {
    const names = async (table: string, col = 'name') =>
      (await rows<{ v: string }>(pool, `SELECT ${col} AS v FROM ${table} ORDER BY ${col}`)).map((r) => r.v);
    expect(await names('meter_brand')).toEqual(
      ['Baylan', 'Bereket', 'Cem', 'Itron', 'Klepsan', 'Manas', 'Teksan', 'Türkoğlu', 'Zenner'].sort(),
    );
    expect(await names('device_brand')).toEqual(['Baylan', 'Cem', 'Ima', 'Inodya', 'Itron', 'Klepsan', 'Manas', 'Zenner'].sort());
    expect(await names('ip_rating', 'code')).toEqual(['IP44', 'IP54', 'IP65', 'IP66', 'IP67', 'IP68']);
    expect(await rows(pool, 'SELECT code, name, name_en, daily_threshold_m3 FROM subscription_group ORDER BY code')).toEqual([
      { code: 'HIGH', name: 'Yüksek Tüketim', name_en: 'High Consumption', daily_threshold_m3: '10.000' },
      { code: 'NORMAL', name: 'Normal Tüketim', name_en: 'Normal Consumption', daily_threshold_m3: '1.500' },
    ]);
    const techs = await rows<{ code: string; transports: string[]; fields: string }>(
      pool,
      `SELECT t.code, t.transports, string_agg(f.key || ':' || f.value_type || ':' || f.is_required || f.is_secret || f.is_unique, ',' ORDER BY f.sort_order) AS fields
         FROM communication_technology t JOIN communication_technology_field f ON f.technology_id = t.id GROUP BY t.code, t.transports, t.sort_order ORDER BY t.sort_order`,
    );
    expect(techs.map((t) => t.code)).toEqual(['SIGFOX', 'LORAWAN', 'NBIOT', 'WMBUS', 'MIOTY', 'WIFI', 'BLUETOOTH', 'NFC', 'OMS']);
    const byCode = Object.fromEntries(techs.map((t) => [t.code, t]));
    expect(byCode.SIGFOX.transports).toEqual(['HTTP', 'API']);
    expect(byCode.LORAWAN.transports).toEqual(['MQTT', 'HTTP', 'API']);
    expect(byCode.SIGFOX.fields).toBe('ID:HEX:truefalsetrue,PAC:HEX:truetruefalse');
    expect(byCode.LORAWAN.fields).toBe('DevEUI:HEX:truefalsetrue,JoinEUI:HEX:truefalsefalse,AppKey:HEX:truetruefalse');
    expect(byCode.NBIOT.fields).toBe('IMEI:DIGITS:truefalsetrue,IMSI:DIGITS:truefalsefalse,ICCID:DIGITS:truefalsefalse');
    expect(byCode.WMBUS.fields).toBe(byCode.OMS.fields);
    expect(byCode.WMBUS.fields).toContain('AesKey:HEX:falsetruefalse');
    expect(byCode.WIFI.fields).toBe('MAC:MAC:truefalsetrue');
    expect(byCode.NFC.fields).toBe('UID:HEX:truefalsetrue');
    const [regex] = await rows<{ regex: string }>(pool, `SELECT regex FROM communication_technology_field WHERE key = 'DevEUI'`);
    expect(regex.regex).toBe('^[a-fA-F0-9]{16}$');
  });

  it('tables the profiles, their compatibility and visibility as the brief does', async () => {
    const meterProfiles = await rows<{ brand: string; n: string }>(
      pool,
      'SELECT b.name AS brand, count(*) AS n FROM meter_profile p JOIN meter_brand b ON b.id = p.brand_id GROUP BY 1 ORDER BY 1',
    );
    expect(Object.fromEntries(meterProfiles.map((r) => [r.brand, Number(r.n)]))).toEqual({
      Baylan: 2,
      Cem: 1,
      Itron: 2,
      Klepsan: 1,
      Manas: 2,
      Zenner: 2,
    });
    const deviceProfiles = await rows<{ brand: string; tech: string; battery: number; interval: number }>(
      pool,
      `SELECT b.name AS brand, string_agg(t.code, ',') AS tech, p.battery_life_months AS battery, p.expected_interval_minutes AS interval
         FROM device_profile p JOIN device_brand b ON b.id = p.brand_id
         JOIN device_profile_technology x ON x.device_profile_id = p.id JOIN communication_technology t ON t.id = x.technology_id
        GROUP BY 1, 3, 4 ORDER BY 1`,
    );
    expect(Object.fromEntries(deviceProfiles.map((r) => [r.brand, r.tech]))).toEqual({
      Baylan: 'NBIOT',
      Cem: 'SIGFOX',
      Ima: 'LORAWAN',
      Inodya: 'NBIOT',
      Itron: 'LORAWAN',
      Klepsan: 'LORAWAN',
      Manas: 'LORAWAN',
    });
    for (const p of deviceProfiles) {
      expect(p.battery).toBeGreaterThan(0);
      expect(p.interval).toBe(60);
    }
    const [r160] = await rows<{ r: string }>(pool, `SELECT r_value AS r FROM meter_profile WHERE model_code = 'Flodis DN15 R160'`);
    expect(r160.r).toBe('160.00');
    const [computed] = await rows<{ r: string }>(pool, `SELECT r_value AS r FROM meter_profile WHERE model_code = 'MNS-SJ15 R100'`);
    expect(computed.r).toBe('100.00');

    const compat = await rows<{ meter: string; devices: string }>(
      pool,
      `SELECT mb.name AS meter, string_agg(DISTINCT db.name, '+' ORDER BY db.name) AS devices
         FROM meter_profile_device_profile c
         JOIN meter_profile mp ON mp.id = c.meter_profile_id JOIN meter_brand mb ON mb.id = mp.brand_id
         JOIN device_profile dp ON dp.id = c.device_profile_id JOIN device_brand db ON db.id = dp.brand_id
        GROUP BY 1 ORDER BY 1`,
    );
    expect(Object.fromEntries(compat.map((r) => [r.meter, r.devices]))).toEqual({
      Baylan: 'Baylan+Ima',
      Cem: 'Cem+Ima',
      Itron: 'Ima+Inodya+Itron+Manas',
      Klepsan: 'Ima+Klepsan',
      Manas: 'Ima+Inodya+Itron+Manas',
      Zenner: 'Ima',
    });
    // Every model of a brand is compatible with every model of the device brands it lists.
    const [pairs] = await rows<{ n: string }>(pool, 'SELECT count(*) AS n FROM meter_profile_device_profile');
    expect(Number(pairs.n)).toBe(2 * 4 + 2 * 4 + 2 * 2 + 2 * 1 + 1 * 2 + 1 * 2);

    const meterVis = await rows<{ brand: string; tenants: string; models: string }>(
      pool,
      `SELECT b.name AS brand, string_agg(DISTINCT t.name, '+' ORDER BY t.name) AS tenants, count(*) AS models
         FROM tenant_meter_profile v JOIN tenant t ON t.id = v.tenant_id
         JOIN meter_profile p ON p.id = v.meter_profile_id JOIN meter_brand b ON b.id = p.brand_id GROUP BY 1 ORDER BY 1`,
    );
    expect(Object.fromEntries(meterVis.map((r) => [r.brand, r.tenants]))).toEqual({
      Baylan: 'ASKİ+HATSU',
      Cem: 'HATSU',
      Itron: 'ASKİ+HATSU',
      Klepsan: 'HATSU',
      Manas: 'HATSU',
      Zenner: 'HATSU',
    });
    const deviceVis = await rows<{ brand: string; tenants: string }>(
      pool,
      `SELECT b.name AS brand, string_agg(t.name, '+' ORDER BY t.name) AS tenants
         FROM tenant_device_profile v JOIN tenant t ON t.id = v.tenant_id
         JOIN device_profile p ON p.id = v.device_profile_id JOIN device_brand b ON b.id = p.brand_id GROUP BY 1 ORDER BY 1`,
    );
    expect(Object.fromEntries(deviceVis.map((r) => [r.brand, r.tenants]))).toEqual({
      Baylan: 'ASKİ+HATSU',
      Cem: 'HATSU',
      Ima: 'ASKİ+HATSU',
      Inodya: 'ASKİ+HATSU',
      Itron: 'ASKİ+HATSU',
      Klepsan: 'HATSU',
      Manas: 'ASKİ+HATSU',
    });
    const [rootRows] = await rows<{ n: string }>(
      pool,
      `SELECT (SELECT count(*) FROM tenant_meter_profile v JOIN tenant t ON t.id = v.tenant_id WHERE t.parent_id IS NULL)
            + (SELECT count(*) FROM tenant_device_profile v JOIN tenant t ON t.id = v.tenant_id WHERE t.parent_id IS NULL) AS n`,
    );
    expect(Number(rootRows.n)).toBe(0);
  });

  it('has the brief counts of customers, subscriptions, meters and devices', async () => {
    const q = (sql: string) => perTenant(pool, sql);
    expect(await q('SELECT t.name AS tenant, count(*) AS n FROM customer c JOIN tenant t ON t.id = c.tenant_id GROUP BY 1')).toEqual({
      ASKİ: 100,
      HATSU: 64,
    });
    expect(await q('SELECT t.name AS tenant, count(*) AS n FROM subscription s JOIN tenant t ON t.id = s.tenant_id GROUP BY 1')).toEqual({
      ASKİ: 128,
      HATSU: 50,
    });
    expect(await q('SELECT t.name AS tenant, count(*) AS n FROM meter m JOIN tenant t ON t.id = m.tenant_id GROUP BY 1')).toEqual({
      ASKİ: 100,
      HATSU: 50,
    });
    expect(await q('SELECT t.name AS tenant, count(*) AS n FROM device d JOIN tenant t ON t.id = d.tenant_id GROUP BY 1')).toEqual({
      ASKİ: 100,
      HATSU: 50,
    });
    expect(
      await q(`SELECT t.name AS tenant, count(*) AS n FROM subscription s JOIN tenant t ON t.id = s.tenant_id
                WHERE NOT EXISTS (SELECT 1 FROM subscription_meter sm WHERE sm.subscription_id = s.id AND sm.ended_at IS NULL) GROUP BY 1`),
    ).toEqual({ ASKİ: 28 });
    expect(
      await q(`SELECT t.name AS tenant, count(*) AS n FROM customer c JOIN tenant t ON t.id = c.tenant_id
                WHERE NOT EXISTS (SELECT 1 FROM subscription s WHERE s.customer_id = c.id) GROUP BY 1`),
    ).toEqual({ HATSU: 14 });
    expect(
      await q(`SELECT t.name AS tenant, count(*) AS n FROM customer c JOIN tenant t ON t.id = c.tenant_id
                WHERE (SELECT count(*) FROM subscription s WHERE s.customer_id = c.id) = 2 GROUP BY 1`),
    ).toEqual({ ASKİ: 28 });
    const [links] = await rows<{ unattached: string; meters_without_sub: string; bad_history: string }>(
      pool,
      `SELECT (SELECT count(*) FROM device WHERE meter_id IS NULL) AS unattached,
              (SELECT count(*) FROM meter m WHERE (SELECT count(*) FROM subscription_meter sm WHERE sm.meter_id = m.id AND sm.ended_at IS NULL) <> 1) AS meters_without_sub,
              (SELECT count(*) FROM subscription_meter sm JOIN meter m ON m.id = sm.meter_id
                WHERE sm.started_at <> m.installed_at OR sm.initial_index_m3 <> m.initial_index_m3 OR sm.tenant_id <> m.tenant_id) AS bad_history`,
    );
    expect(links).toEqual({ unattached: '0', meters_without_sub: '0', bad_history: '0' });
  });

  it('fits every device to its meter and keeps both within the tenant allowed profiles', async () => {
    const [bad] = await rows<{ n: string }>(
      pool,
      `SELECT count(*) AS n FROM device d JOIN meter m ON m.id = d.meter_id
        WHERE d.tenant_id <> m.tenant_id
           OR NOT EXISTS (SELECT 1 FROM meter_profile_device_profile c WHERE c.meter_profile_id = m.meter_profile_id AND c.device_profile_id = d.device_profile_id)
           OR NOT EXISTS (SELECT 1 FROM tenant_device_profile v WHERE v.tenant_id = d.tenant_id AND v.device_profile_id = d.device_profile_id)
           OR NOT EXISTS (SELECT 1 FROM tenant_meter_profile v WHERE v.tenant_id = m.tenant_id AND v.meter_profile_id = m.meter_profile_id)`,
    );
    expect(Number(bad.n)).toBe(0);
    const askiBrands = await rows<{ brand: string }>(
      pool,
      `SELECT DISTINCT b.name AS brand FROM meter m JOIN tenant t ON t.id = m.tenant_id JOIN meter_brand b ON b.id = m.brand_id WHERE t.name = 'ASKİ' ORDER BY 1`,
    );
    expect(askiBrands.map((r) => r.brand)).toEqual(['Baylan', 'Itron']);
    // HATSU shows every meter and device profile in use.
    const [hatsu] = await rows<{ meters: string; devices: string }>(
      pool,
      `SELECT count(DISTINCT m.meter_profile_id) AS meters, count(DISTINCT d.device_profile_id) AS devices
         FROM meter m JOIN device d ON d.meter_id = m.id JOIN tenant t ON t.id = m.tenant_id WHERE t.name = 'HATSU'`,
    );
    expect(hatsu).toEqual({ meters: '10', devices: '7' });
    const [serials] = await rows<{ meters: string; devices: string }>(
      pool,
      'SELECT (SELECT count(DISTINCT (brand_id, serial_no)) FROM meter) AS meters, (SELECT count(DISTINCT (brand_id, serial_no)) FROM device) AS devices',
    );
    expect(serials).toEqual({ meters: '150', devices: '150' });
  });

  it('provisions every device with valid identifiers of its technology', async () => {
    const ids = await rows<{ device_id: string; tech: string; key: string; value: string; is_required: boolean }>(
      pool,
      `SELECT d.id AS device_id, t.code AS tech, f.key, i.value, f.is_required
         FROM device d JOIN device_profile_technology x ON x.device_profile_id = d.device_profile_id
         JOIN communication_technology t ON t.id = x.technology_id
         JOIN communication_technology_field f ON f.technology_id = t.id
         LEFT JOIN device_identifier i ON i.device_id = d.id AND i.field_id = f.id`,
    );
    expect(ids.filter((r) => r.is_required && !r.value)).toEqual([]);
    const imeis = ids.filter((r) => r.key === 'IMEI').map((r) => r.value);
    expect(imeis.length).toBeGreaterThan(0);
    for (const imei of imeis) expect(luhnValid(imei)).toBe(true);
    for (const r of ids.filter((x) => x.key === 'ICCID')) expect(luhnValid(r.value)).toBe(true);
    for (const r of ids.filter((x) => x.key === 'IMSI')) expect(r.value.startsWith('286')).toBe(true);
    const devEuis = ids.filter((r) => r.key === 'DevEUI').map((r) => r.value);
    expect(new Set(devEuis).size).toBe(devEuis.length);
    const [techs] = await rows<{ n: string }>(
      pool,
      `SELECT count(DISTINCT x.technology_id) AS n FROM device d JOIN device_profile_technology x ON x.device_profile_id = d.device_profile_id`,
    );
    expect(Number(techs.n)).toBe(3);
  });

  it('gives customers valid identities and fully filled addresses in their city', async () => {
    const customers = await rows<{
      customer_type: string;
      tc_id_no: string | null;
      tax_id: string | null;
      tax_office: string | null;
      phone: string;
      email: string;
      tenant: string;
      contacts: string;
    }>(
      pool,
      `SELECT c.customer_type, c.tc_id_no, c.tax_id, c.tax_office, c.phone, c.email, t.name AS tenant,
              (SELECT count(*) FROM customer_contact cc WHERE cc.customer_id = c.id AND cc.is_primary) AS contacts
         FROM customer c JOIN tenant t ON t.id = c.tenant_id`,
    );
    const orgs = customers.filter((c) => c.customer_type === 'ORGANIZATIONAL');
    expect(orgs.length).toBeGreaterThanOrEqual(12);
    expect(orgs.length).toBeLessThanOrEqual(20);
    for (const c of customers) {
      expect(c.phone).toMatch(/^\+905[0-9]{9}$/);
      expect(c.email).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
      if (c.customer_type === 'INDIVIDUAL') expect(isValidTcIdNo(c.tc_id_no!)).toBe(true);
      else {
        expect(c.tax_id).toMatch(/^[0-9]{10}$/);
        expect(isValidTaxId(c.tax_id!)).toBe(true);
        expect(c.tax_office).toBeTruthy();
        expect(Number(c.contacts)).toBe(1);
      }
    }
    for (const tenant of ['ASKİ', 'HATSU']) {
      const tcs = customers.filter((c) => c.tenant === tenant && c.tc_id_no).map((c) => c.tc_id_no);
      expect(new Set(tcs).size).toBe(tcs.length);
    }

    const [types] = await rows<{ bad: string }>(
      pool,
      `SELECT count(*) AS bad FROM subscription s JOIN customer c ON c.id = s.customer_id JOIN subscription_group g ON g.id = s.group_id
        WHERE s.subscription_type <> c.customer_type OR (c.customer_type = 'INDIVIDUAL' AND g.code <> 'NORMAL')
           OR s.address_id IS NULL OR s.address_id = c.address_id OR s.subscription_no !~ '^(ASK|HAT)-[0-9]{6}$'`,
    );
    expect(Number(types.bad)).toBe(0);

    const addresses = await rows<Record<string, string | null> & { tenant: string }>(
      pool,
      `SELECT a.name, a.latitude, a.longitude, a.city, a.district, a.neighborhood, a.street, a.building_no, a.floor, a.door_no,
              a.postal_code, a.uavt_code, a.description, t.name AS tenant
         FROM address a JOIN tenant t ON t.id = a.tenant_id`,
    );
    expect(addresses).toHaveLength(3 + 100 + 128 + 64 + 50);
    for (const a of addresses) {
      for (const [k, v] of Object.entries(a)) expect(v, `${k} of ${a.name}`).not.toBeNull();
      expect(a.uavt_code).toMatch(/^[0-9]{10}$/);
      const lat = Number(a.latitude);
      const lng = Number(a.longitude);
      if (a.city === 'Ankara') {
        expect(lat).toBeGreaterThan(39.7);
        expect(lat).toBeLessThan(40.1);
        expect(lng).toBeGreaterThan(32.4);
        expect(lng).toBeLessThan(33.1);
      } else {
        expect(a.city).toBe('Hatay');
        expect(a.tenant).toBe('HATSU');
        expect(lat).toBeGreaterThan(35.9);
        expect(lat).toBeLessThan(37);
        expect(lng).toBeGreaterThan(35.7);
        expect(lng).toBeLessThan(36.7);
      }
    }
    expect(addresses.filter((a) => a.tenant === 'ASKİ').every((a) => a.city === 'Ankara')).toBe(true);
  });

  it('ends the readings at the given now and keeps the map colours in a short window', async () => {
    const [last] = await rows<{ t: Date; n: string }>(pool, 'SELECT max(time) AS t, count(*) AS n FROM reading');
    expect(last.t.toISOString()).toBe(now.toISOString());
    expect(Number(last.n)).toBe(150 * 3 * 24);
    const open = await rows<{ tenant: string; type: string }>(
      pool,
      `SELECT DISTINCT t.name AS tenant, a.type FROM alarm a JOIN tenant t ON t.id = a.tenant_id WHERE a.cleared_at IS NULL`,
    );
    for (const tenant of ['ASKİ', 'HATSU']) {
      expect(
        open
          .filter((o) => o.tenant === tenant)
          .map((o) => o.type)
          .sort(),
      ).toEqual(['HIGH_USAGE', 'LOW_BATTERY', 'NO_SIGNAL', 'REVERSE_FLOW', 'TAMPER', 'TILT']);
    }
    const [flags] = await rows<{ missing: string }>(
      pool,
      `SELECT count(*) AS missing FROM alarm a JOIN reading r ON r.device_id = a.device_id
        WHERE a.cleared_at IS NULL AND a.type IN ('TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW')
          AND r.time >= a.started_at AND NOT (a.type = ANY(r.alarms))`,
    );
    expect(Number(flags.missing)).toBe(0);
  });

  it('stores working TS013 decoders that read back their encoders', async () => {
    const scenarios = await rows<{ model_code: string; name: string; f_port: number | null; decoder_source: string; tech: string }>(
      pool,
      `SELECT p.model_code, s.name, s.f_port, s.decoder_source, t.code AS tech
         FROM message_scenario s JOIN device_profile p ON p.id = s.device_profile_id
         JOIN device_profile_technology x ON x.device_profile_id = p.id AND x.technology_id = s.technology_id
         JOIN communication_technology t ON t.id = s.technology_id`,
    );
    expect(scenarios).toHaveLength(MESSAGE_SCENARIOS.length);
    expect(new Set(scenarios.map((s) => s.model_code)).size).toBe(7);

    const samples: MeterFrameValues[] = [
      { indexM3: 0, batteryPct: 100, alarms: {}, valve: 'OPEN' },
      { indexM3: 123.456, batteryPct: 87, alarms: { tamper: true }, valve: 'OPEN' },
      { indexM3: 4567.001, batteryPct: 9, alarms: { lowBattery: true, reverseFlow: true }, valve: 'CLOSED' },
      {
        indexM3: 99_999.999,
        batteryPct: 0,
        alarms: { tamper: true, lowBattery: true, tilt: true, reverseFlow: true, leak: true, burst: true },
        valve: 'CLOSED',
      },
      { indexM3: 0.001, batteryPct: 55, alarms: { tilt: true, leak: true }, valve: 'OPEN' },
      { indexM3: 31_415.926, batteryPct: 42, alarms: { burst: true }, valve: 'OPEN' },
    ];
    for (const s of scenarios) {
      const profile = DEVICE_PROFILES.find((p) => p.modelCode === s.model_code)!;
      const def = MESSAGE_SCENARIOS.find((m) => m.profile === profile.key && m.name === s.name)!;
      expect(def, `${s.model_code} ${s.name}`).toBeDefined();
      expect(s.f_port).toBe(def.fPort);
      expect(s.tech).toBe(profile.technology);
      if (profile.technology === 'LORAWAN') expect(s.f_port).toBe(def.kind === 'index' ? 1 : 2);
      else expect(s.f_port).toBeNull();

      // Evaluated here only to prove the stored source works; the product runs decoders in its own sandbox.
      const decodeUplink = new Function(`${s.decoder_source}\nreturn decodeUplink;`)() as (input: unknown) => {
        data?: Record<string, unknown>;
        errors?: string[];
        warnings?: string[];
      };
      for (const values of samples) {
        const uplink = encodeUplink(profile.key as DeviceProfileKey, values, def.kind, {
          meterTime: now,
          peakFlowLph: 240,
          temperatureC: -3,
        });
        const out = decodeUplink({ bytes: [...uplink.payload], fPort: uplink.fPort, recvTime: now });
        expect(out.errors ?? [], `${s.model_code} ${s.name}`).toEqual([]);
        expect(out.warnings).toEqual([]);
        expect(out.data).toMatchObject({
          indexM3: values.indexM3,
          batteryPct: values.batteryPct,
          valve: values.valve,
          alarms: { tamper: false, lowBattery: false, tilt: false, reverseFlow: false, leak: false, burst: false, ...values.alarms },
        });
      }
      if (profile.key === 'cem-sigfox') {
        const out = decodeUplink({
          bytes: [...encodeUplink('cem-sigfox', samples[1], 'index', { peakFlowLph: 240, temperatureC: -3 }).payload],
          fPort: null,
          recvTime: now,
        });
        expect(out.data).toMatchObject({ peakFlowLph: 240, temperatureC: -3 });
      }
      const truncated = [...encodeUplink(profile.key as DeviceProfileKey, samples[1], def.kind).payload].slice(0, 3);
      const bad = decodeUplink({ bytes: truncated, fPort: def.fPort, recvTime: now });
      expect(bad.errors?.length).toBeGreaterThan(0);
      expect(bad.data).toBeUndefined();
    }
  });
});

describe('reference data alone (what the API suites start from)', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('seed_reference');
    pool = createPool(db.url, { max: 2 });
    await seedReference(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('loads the definition lists and nothing of the demo', async () => {
    // No seed ran, so there is no `_seed` marker table to count.
    const counts: Record<string, number> = {};
    for (const t of TABLES.filter((x) => x !== '_seed'))
      counts[t] = Number((await rows<{ n: string }>(pool, `SELECT count(*) AS n FROM "${t}"`))[0].n);
    expect(counts).toMatchObject({ meter_brand: 9, device_brand: 8, ip_rating: 6, subscription_group: 2, communication_technology: 9 });
    expect(counts.communication_technology_field).toBeGreaterThan(9);
    for (const table of TABLES.filter((x) => !/brand|ip_rating|subscription_group|communication_technology|_seed/.test(x)))
      expect(counts[table], table).toBe(0);
  });
});
