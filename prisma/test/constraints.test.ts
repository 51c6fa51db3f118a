import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing';

/**
 * The database itself rejects what the brief forbids, whatever the application does.
 * Each test builds its own rows with the small factories below inside a transaction that is rolled back.
 */
describe('database rules', () => {
  let db: TestDatabase;
  let c: Client;

  beforeAll(async () => {
    db = await createTestDatabase('constraints');
    c = new Client({ connectionString: db.url });
    await c.connect();
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });
  beforeEach(async () => {
    await c.query('ROLLBACK').catch(() => undefined);
    await c.query('BEGIN');
  });

  async function one<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
    const { rows } = await c.query(sql, params);
    return rows[0] as T;
  }
  async function fails(sql: string, params: unknown[], pattern: RegExp) {
    await c.query('SAVEPOINT s');
    const err = await c.query(sql, params).then(
      () => null,
      (e: Error & { constraint?: string }) => e,
    );
    await c.query('ROLLBACK TO SAVEPOINT s');
    expect(err, `expected ${pattern} from: ${sql}`).not.toBeNull();
    // Constraint names are the stable part; messages are for people.
    expect(`${err!.message} [${err!.constraint ?? ''}]`).toMatch(pattern);
  }

  const makeTenant = (name: string, parentId: string | null) =>
    one<{ id: string; path: string }>('INSERT INTO tenant (name, parent_id) VALUES ($1, $2) RETURNING id, path::text', [name, parentId]);

  async function makeWorld() {
    const root = await makeTenant('Root', null);
    const child = await makeTenant('Child', root.id);
    const other = await makeTenant('Other', root.id);
    const mb = await one<{ id: string }>(`INSERT INTO meter_brand (name) VALUES ('Brand') RETURNING id`);
    const db_ = await one<{ id: string }>(`INSERT INTO device_brand (name) VALUES ('DBrand') RETURNING id`);
    const ip = await one<{ id: string }>(`INSERT INTO ip_rating (code) VALUES ('IP68') RETURNING id`);
    const mp = await one<{ id: string; r_value: string }>(
      `INSERT INTO meter_profile (brand_id, model_code, meter_type, dial_type, temperature_type, mounting_type, connection_type,
         ip_rating_id, diameter_mm, q1, q2, q3, q4, communication_module)
       VALUES ($1, 'M1', 'SINGLE_JET', 'DRY', 'T30', 'HORIZONTAL', 'THREAD', $2, 15, 0.025, 0.04, 2.5, 3.125, 'RETROFIT')
       RETURNING id, r_value::text`,
      [mb.id, ip.id],
    );
    const dp = await one<{ id: string }>(`INSERT INTO device_profile (brand_id, model_code) VALUES ($1, 'D1') RETURNING id`, [db_.id]);
    const group = await one<{ id: string }>(
      `INSERT INTO subscription_group (code, name, daily_threshold_m3) VALUES ('N', 'Normal', 1.5) RETURNING id`,
    );
    const customer = await one<{ id: string }>(
      `INSERT INTO customer (tenant_id, customer_type, name, surname) VALUES ($1, 'INDIVIDUAL', 'Ayşe', 'Yılmaz') RETURNING id`,
      [child.id],
    );
    const makeSubscription = (no: string) =>
      one<{ id: string }>(
        `INSERT INTO subscription (tenant_id, customer_id, subscription_no, subscription_type, group_id)
         VALUES ($1, $2, $3, 'INDIVIDUAL', $4) RETURNING id`,
        [child.id, customer.id, no, group.id],
      );
    const makeMeter = (serial: string, tenantId = child.id) =>
      one<{ id: string }>(`INSERT INTO meter (tenant_id, meter_profile_id, brand_id, serial_no) VALUES ($1, $2, $3, $4) RETURNING id`, [
        tenantId,
        mp.id,
        mb.id,
        serial,
      ]);
    const makeDevice = (serial: string, meterId: string | null, tenantId = child.id) =>
      one<{ id: string }>(
        `INSERT INTO device (tenant_id, device_profile_id, brand_id, serial_no, meter_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [tenantId, dp.id, db_.id, serial, meterId],
      );
    return { root, child, other, mb, dbrand: db_, ip, mp, dp, group, customer, makeSubscription, makeMeter, makeDevice };
  }

  it('keeps the tenant tree: ltree paths, one root, no cycles, subtree moves', async () => {
    const w = await makeWorld();
    const grand = await makeTenant('Grandchild', w.child.id);
    expect(grand.path.split('.')).toHaveLength(3);
    expect(grand.path.startsWith(w.child.path)).toBe(true);
    // A second tenant without parent is refused: Una IoT is the only root.
    await fails(`INSERT INTO tenant (name) VALUES ('Second root')`, [], /tenant_single_root/);
    // Moving a tenant under its own descendant is refused.
    await fails('UPDATE tenant SET parent_id = $1 WHERE id = $2', [grand.id, w.child.id], /descendants/);
    // Moving a subtree rewrites every path below it.
    await c.query('UPDATE tenant SET parent_id = $1 WHERE id = $2', [w.other.id, w.child.id]);
    const moved = await one<{ path: string }>('SELECT path::text FROM tenant WHERE id = $1', [grand.id]);
    expect(moved.path.split('.')).toHaveLength(4);
    const under = await one<{ n: number }>('SELECT count(*)::int AS n FROM tenant WHERE path <@ (SELECT path FROM tenant WHERE id = $1)', [
      w.other.id,
    ]);
    expect(under.n).toBe(3);
  });

  it('keeps each tenant day equal to the sum of its meters days through inserts, upserts and deletes', async () => {
    const w = await makeWorld();
    const [m1, m2] = [await w.makeMeter('T-1'), await w.makeMeter('T-2')];
    const tenantDay = () =>
      one<{ m3: string; n: number } | undefined>(
        `SELECT consumption_m3::text AS m3, reading_count AS n FROM tenant_daily_consumption WHERE tenant_id = $1 AND day = '2026-11-24'`,
        [w.child.id],
      );
    const upsert = `INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, consumption_m3, last_index_m3, reading_count)
                    VALUES ($1, '2026-11-24', $2, $3, 10, 1), ($4, '2026-11-24', $2, $5, 10, 1)
                    ON CONFLICT (meter_id, day) DO UPDATE SET consumption_m3 = meter_daily_consumption.consumption_m3 + excluded.consumption_m3,
                                                            reading_count = meter_daily_consumption.reading_count + 1`;
    await c.query(upsert, [m1.id, w.child.id, '0.250', m2.id, '0.100']);
    expect(await tenantDay()).toEqual({ m3: '0.350', n: 2 });
    await c.query(upsert, [m1.id, w.child.id, '0.050', m2.id, '0.000']);
    expect(await tenantDay()).toEqual({ m3: '0.400', n: 4 });
    await c.query(`UPDATE meter_daily_consumption SET consumption_m3 = consumption_m3 - 0.1 WHERE meter_id = $1`, [m1.id]);
    expect(await tenantDay()).toEqual({ m3: '0.300', n: 4 });
    await c.query(`DELETE FROM meter_daily_consumption WHERE meter_id = $1`, [m2.id]);
    expect(await tenantDay()).toEqual({ m3: '0.200', n: 2 });
  });

  it('refuses a second active meter on a subscription and a meter on two subscriptions', async () => {
    const w = await makeWorld();
    const s1 = await w.makeSubscription('S1');
    const s2 = await w.makeSubscription('S2');
    const m1 = await w.makeMeter('A1');
    const m2 = await w.makeMeter('A2');
    const assign = 'INSERT INTO subscription_meter (tenant_id, subscription_id, meter_id, started_at) VALUES ($1, $2, $3, now())';
    await c.query(assign, [w.child.id, s1.id, m1.id]);
    await fails(assign, [w.child.id, s1.id, m2.id], /subscription_meter_one_active_per_subscription/);
    await fails(assign, [w.child.id, s2.id, m1.id], /subscription_meter_one_active_per_meter/);
    // Closing the first assignment lets the subscription take another meter; history is kept.
    await c.query(`UPDATE subscription_meter SET ended_at = now(), final_index_m3 = 12.5 WHERE subscription_id = $1`, [s1.id]);
    await c.query(assign, [w.child.id, s1.id, m2.id]);
    const n = await one<{ n: number }>('SELECT count(*)::int AS n FROM subscription_meter WHERE subscription_id = $1', [s1.id]);
    expect(n.n).toBe(2);
  });

  it('refuses a device on two meters, two devices on one meter and a meter of another tenant', async () => {
    const w = await makeWorld();
    const m1 = await w.makeMeter('B1');
    const d1 = await w.makeDevice('D-1', m1.id);
    await fails(
      'INSERT INTO device (tenant_id, device_profile_id, brand_id, serial_no, meter_id) VALUES ($1, $2, $3, $4, $5)',
      [w.child.id, w.dp.id, w.dbrand.id, 'D-2', m1.id],
      /device_meter_id_key/,
    );
    const foreign = await w.makeMeter('B2', w.other.id);
    await fails('UPDATE device SET meter_id = $1 WHERE id = $2', [foreign.id, d1.id], /foreign key/);
  });

  it('refuses a duplicate brand + model code and a duplicate serial within a brand', async () => {
    const w = await makeWorld();
    await fails(
      `INSERT INTO meter_profile (brand_id, model_code, meter_type, dial_type, temperature_type, mounting_type, connection_type,
         ip_rating_id, diameter_mm, q1, q2, q3, q4, communication_module)
       VALUES ($1, 'M1', 'SINGLE_JET', 'DRY', 'T30', 'HORIZONTAL', 'THREAD', $2, 15, 0.025, 0.04, 2.5, 3.125, 'NONE')`,
      [w.mb.id, w.ip.id],
      /meter_profile_brand_id_model_code_key/,
    );
    await fails(
      `INSERT INTO device_profile (brand_id, model_code) VALUES ($1, 'D1')`,
      [w.dbrand.id],
      /device_profile_brand_id_model_code_key/,
    );
    await w.makeMeter('C1');
    await fails(
      'INSERT INTO meter (tenant_id, meter_profile_id, brand_id, serial_no) VALUES ($1, $2, $3, $4)',
      [w.child.id, w.mp.id, w.mb.id, 'C1'],
      /meter_brand_id_serial_no_key/,
    );
  });

  it('computes R = Q3/Q1 unless entered by hand and checks Q1 ≤ Q2 ≤ Q3 ≤ Q4', async () => {
    const w = await makeWorld();
    expect(w.mp.r_value).toBe('100.00');
    const manual = await one<{ r_value: string }>(
      `UPDATE meter_profile SET r_value_manual = true, r_value = 80 WHERE id = $1 RETURNING r_value::text`,
      [w.mp.id],
    );
    expect(manual.r_value).toBe('80.00');
    await fails('UPDATE meter_profile SET q2 = 5 WHERE id = $1', [w.mp.id], /meter_profile_flow_order/);
  });

  it('keeps a subscription in its customer tenant and a meter profile with its brand', async () => {
    const w = await makeWorld();
    await fails(
      `INSERT INTO subscription (tenant_id, customer_id, subscription_no, subscription_type, group_id) VALUES ($1, $2, 'X', 'INDIVIDUAL', $3)`,
      [w.other.id, w.customer.id, w.group.id],
      /foreign key/,
    );
    const otherBrand = await one<{ id: string }>(`INSERT INTO meter_brand (name) VALUES ('Other') RETURNING id`);
    await fails(
      'INSERT INTO meter (tenant_id, meter_profile_id, brand_id, serial_no) VALUES ($1, $2, $3, $4)',
      [w.child.id, w.mp.id, otherBrand.id, 'Z1'],
      /foreign key/,
    );
  });

  it('validates device identifiers against their technology field and keeps DevEUIs unique', async () => {
    const w = await makeWorld();
    const tech = await one<{ id: string }>(`INSERT INTO communication_technology (code, name) VALUES ('LORAWAN', 'LoRaWAN') RETURNING id`);
    const devEui = await one<{ id: string }>(
      `INSERT INTO communication_technology_field (technology_id, key, label, value_type, length, regex, is_unique)
       VALUES ($1, 'DevEUI', 'DevEUI', 'HEX', 16, '^[a-fA-F0-9]{16}$', true) RETURNING id`,
      [tech.id],
    );
    const d1 = await w.makeDevice('E1', null);
    const d2 = await w.makeDevice('E2', null);
    const put = 'INSERT INTO device_identifier (device_id, field_id, value, normalized_value) VALUES ($1, $2, $3, $3)';
    // The technology is not one of the device profile's yet.
    await fails(put, [d1.id, devEui.id, '70B3D57ED0000001'], /device_identifier_technology/);
    await c.query('INSERT INTO device_profile_technology (device_profile_id, technology_id) VALUES ($1, $2)', [w.dp.id, tech.id]);
    await fails(put, [d1.id, devEui.id, '70B3D57ED00000'], /device_identifier_format/);
    await c.query(put, [d1.id, devEui.id, '70B3D57ED0000001']);
    // Same EUI in another case is the same EUI.
    await fails(put, [d2.id, devEui.id, '70b3d57ed0000001'], /device_identifier_unique_value/);
  });

  it('requires the fields of each customer type and rejects malformed identity numbers', async () => {
    const w = await makeWorld();
    await fails(
      `INSERT INTO customer (tenant_id, customer_type, name) VALUES ($1, 'INDIVIDUAL', 'Ali')`,
      [w.child.id],
      /customer_individual_fields/,
    );
    await fails(
      `INSERT INTO customer (tenant_id, customer_type, organization_name) VALUES ($1, 'ORGANIZATIONAL', 'ACME')`,
      [w.child.id],
      /customer_organizational_fields/,
    );
    await fails(
      `INSERT INTO app_user (email, name, surname, password_hash, tc_id_no) VALUES ('a@b.co', 'A', 'B', 'x', '01234567890')`,
      [],
      /app_user_tc_id_no_format/,
    );
    await c.query(`INSERT INTO app_user (email, name, surname, password_hash) VALUES ('Case@Example.com', 'A', 'B', 'x')`);
    await fails(
      `INSERT INTO app_user (email, name, surname, password_hash) VALUES ('case@example.COM', 'A', 'B', 'x')`,
      [],
      /app_user_email_key/,
    );
  });

  it('stores a write right only together with the read right', async () => {
    await makeWorld();
    const u = await one<{ id: string }>(
      `INSERT INTO app_user (email, name, surname, password_hash) VALUES ('p@example.com', 'P', 'Q', 'x') RETURNING id`,
    );
    const t = await one<{ id: string }>(`SELECT id FROM tenant WHERE parent_id IS NULL`);
    const m = await one<{ id: string }>('INSERT INTO membership (user_id, tenant_id) VALUES ($1, $2) RETURNING id', [u.id, t.id]);
    await fails(
      `INSERT INTO membership_permission (membership_id, module, can_create) VALUES ($1, 'METERS', true)`,
      [m.id],
      /write_implies_read/,
    );
  });
});
