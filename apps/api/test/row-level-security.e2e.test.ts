import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseService } from '../src/core/database/database.service';
import { asSystem, scopeOf, withTenantScope } from '../src/core/database/tenant-scope';
import { makeAdmin, makeAlarm, makeInstallation, makeReading, makeTenant, rollUpDays, tokenFor, type User } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

/**
 * The database's own wall (migration 0010): the API's connections see and write only the rows of the
 * scope they carry, whatever a query forgets to filter; the worker's connections are not bound.
 */
describe('row-level security', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let db: DatabaseService;
  const ids: Record<string, string> = {};
  const paths: Record<string, string> = {};
  let askiAdmin: User;

  beforeAll(async () => {
    t = await startTestApp('rls');
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    db = t.app.get(DatabaseService);
    // Two utilities under a root, each with an installation, readings, their day and an alarm.
    const root = await makeTenant(t);
    for (const key of ['aski', 'hatsu']) {
      const tenant = await makeTenant(t, { parent: root });
      const { device } = await makeInstallation(t, { tenant });
      for (let h = 3; h >= 1; h--) await makeReading(t, { device, time: new Date(Date.now() - h * 3_600_000), indexM3: 10 - h });
      await makeAlarm(t, { device });
      const [row] = await t.sql<{ id: string; path: string }>('SELECT id, path::text FROM tenant WHERE id = $1', [tenant.id]);
      ids[key] = row!.id;
      paths[key] = row!.path;
      if (key === 'aski') askiAdmin = (await makeAdmin(t, tenant)).user;
    }
    await rollUpDays(t);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const tenantsOf = async (table: 'reading' | 'meter' | 'device' | 'customer' | 'alarm' | 'uplink' | 'meter_daily_consumption') =>
    (await db.pool.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM ${table} ORDER BY 1`)).rows.map((r) => r.tenant_id);

  it('shows a query without any tenant filter only the rows of its scope, through Kysely and Prisma alike', async () => {
    await withTenantScope(paths.aski!, async () => {
      for (const table of ['reading', 'meter', 'device', 'customer', 'meter_daily_consumption'] as const)
        expect(await tenantsOf(table)).toEqual([ids.aski]);
      const meters = await db.prisma.meter.findMany({ select: { tenantId: true } });
      expect(meters.length).toBeGreaterThan(0);
      expect(new Set(meters.map((m) => m.tenantId))).toEqual(new Set([ids.aski]));
      const viaKysely = await db.db.selectFrom('subscription').select('tenant_id').distinct().execute();
      expect(viaKysely.map((r) => r.tenant_id)).toEqual([ids.aski]);
    });
    // The scope travels with each checkout: interleaved scopes on one pool never mix.
    const [a, h] = await Promise.all([
      withTenantScope(paths.aski!, () => tenantsOf('device')),
      withTenantScope(paths.hatsu!, () => tenantsOf('device')),
    ]);
    expect(a).toEqual([ids.aski]);
    expect(h).toEqual([ids.hatsu]);
    // The root's users and system work see every tenant.
    expect((await asSystem(() => tenantsOf('meter'))).length).toBeGreaterThanOrEqual(2);
    // A scope names the top of each visible subtree, whose descendants the policy takes too.
    const child = { id: 'c', parentId: ids.aski, path: `${paths.aski}.c` };
    expect(
      scopeOf({
        tenants: new Map([
          [ids.aski!, { id: ids.aski, parentId: 'root', path: paths.aski }],
          ['c', child],
        ]),
      } as never),
    ).toBe(paths.aski);
  });

  it('sees nothing outside any scope, rather than everything', async () => {
    expect(await tenantsOf('meter')).toEqual([]);
    expect(await db.prisma.customer.count()).toBe(0);
  });

  it('resolves every scope form without error, whichever policy arm the plan evaluates first', async () => {
    // The planner may run the tenants arm even when the '*' arm is true (a million-reading export did, once
    // the tables had statistics); its cast to ltree[] must never see '*' or '' (migration 0018).
    const tenantsArm = async () => (await db.pool.query<{ ids: string[] }>('SELECT water_scope_tenants() AS ids')).rows[0]!.ids;
    expect(await asSystem(tenantsArm)).toEqual([]);
    expect(await withTenantScope('', tenantsArm)).toEqual([]);
    expect(await withTenantScope(paths.aski!, tenantsArm)).toEqual([ids.aski]);
  });

  it('refuses to write another tenant’s rows and leaves them unchanged', async () => {
    const [hatsuMeter] = await t.sql<{ id: string; serial_no: string }>('SELECT id, serial_no FROM meter WHERE tenant_id = $1 LIMIT 1', [
      ids.hatsu,
    ]);
    await withTenantScope(paths.aski!, async () => {
      const updated = await db.pool.query(`UPDATE meter SET serial_no = 'HIJACKED' WHERE id = $1`, [hatsuMeter!.id]);
      expect(updated.rowCount).toBe(0);
      const deleted = await db.pool.query(`DELETE FROM alarm WHERE tenant_id = $1`, [ids.hatsu]);
      expect(deleted.rowCount).toBe(0);
      // Moving an own row into another tenant, or inserting one there, breaks the policy's check.
      await expect(db.pool.query(`UPDATE customer SET tenant_id = $1 WHERE tenant_id = $2`, [ids.hatsu, ids.aski])).rejects.toMatchObject({
        code: '42501',
      });
      await expect(
        db.pool.query(`INSERT INTO integration (tenant_id, kind, name, secret_hash) VALUES ($1, 'TTN', 'sneaky', 'x')`, [ids.hatsu]),
      ).rejects.toMatchObject({ code: '42501' });
    });
    expect((await t.sql<{ serial_no: string }>('SELECT serial_no FROM meter WHERE id = $1', [hatsuMeter!.id]))[0]!.serial_no).toBe(
      hatsuMeter!.serial_no,
    );
    expect(await t.sql(`SELECT 1 FROM integration WHERE name = 'sneaky'`)).toHaveLength(0);
  });

  it('holds meter-data tables (reading revisions, settings) to their tenant too (issue 17)', async () => {
    for (const key of ['aski', 'hatsu']) {
      const [r] = await t.sql<{ device_id: string; meter_id: string; time: Date }>(
        'SELECT device_id, meter_id, time FROM reading WHERE tenant_id = $1 LIMIT 1',
        [ids[key]],
      );
      await t.sql(
        `INSERT INTO reading_revision (tenant_id, device_id, meter_id, time, action, reason, after) VALUES ($1, $2, $3, $4, 'update', 'test', '{}')`,
        [ids[key], r!.device_id, r!.meter_id, r!.time],
      );
      await t.sql(`INSERT INTO meter_data_settings (tenant_id, params) VALUES ($1, '{"spike": {"factor": 7}}')`, [ids[key]]);
    }
    await withTenantScope(paths.aski!, async () => {
      for (const table of ['reading_revision', 'meter_data_settings'])
        expect(
          (await db.pool.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM ${table}`)).rows.map((r) => r.tenant_id),
        ).toEqual([ids.aski]);
      const changed = await db.pool.query(`UPDATE meter_data_settings SET params = '{}' WHERE tenant_id = $1`, [ids.hatsu]);
      expect(changed.rowCount).toBe(0);
      await expect(
        db.pool.query(`INSERT INTO meter_data_settings (tenant_id, params) VALUES ($1, '{}')`, [ids.hatsu]),
      ).rejects.toMatchObject({ code: '42501' });
    });
    expect(await t.sql(`SELECT params FROM meter_data_settings WHERE tenant_id = $1`, [ids.hatsu])).toEqual([
      { params: { spike: { factor: 7 } } },
    ]);
  });

  it('binds the API’s connections only: the worker stores every tenant’s uplinks', async () => {
    const workerDb = worker.get(DatabaseService);
    const all = (await workerDb.pool.query<{ n: number }>('SELECT count(DISTINCT tenant_id)::int AS n FROM meter')).rows[0]!.n;
    expect(all).toBeGreaterThanOrEqual(2);
  });

  it('fails a query rather than run it unbound when the role cannot be taken', async () => {
    const broken = new DatabaseService({ ...t.config, DATABASE_RLS_ROLE: 'water_role_that_does_not_exist', DATABASE_POOL_SIZE: 1 }, true);
    try {
      await expect(withTenantScope(paths.aski!, () => broken.pool.query('SELECT count(*) FROM meter'))).rejects.toThrow(/role/);
    } finally {
      await broken.onModuleDestroy();
    }
  });

  it('serves a utility’s user through the API with the wall in place', async () => {
    const token = await tokenFor(t, askiAdmin);
    const meters = await t.request({ url: '/api/meters?pageSize=200', token });
    expect(meters.status).toBe(200);
    expect(meters.body.items.length).toBeGreaterThan(0);
    expect(new Set(meters.body.items.map((m: { tenantId: string }) => m.tenantId))).toEqual(new Set([ids.aski]));
  });
});
