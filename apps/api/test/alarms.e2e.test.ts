import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import { makeAlarm, makeInstallation, makeUtilities, type Tenant, type User } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

interface AlarmRow {
  id: string;
  tenantId: string;
  tenantName: string;
  type: string;
  state: 'OPEN' | 'ACKNOWLEDGED' | 'CLEARED' | 'CLOSED';
  startedAt: string;
  clearedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: { id: string; displayName: string } | null;
  device: { id: string; serialNo: string } | null;
  meter: { id: string; serialNo: string } | null;
  subscription: { id: string; subscriptionNo: string } | null;
  customer: { id: string; displayName: string } | null;
}

describe('alarms', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  let askiUserId: string;
  let askiName: string;

  const count = async (where: string, params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM alarm a WHERE ${where}`, params))[0].n;
  const list = async (token: string, query = '') =>
    t.request<{ items: AlarmRow[]; total: number; page: number; pageSize: number }>({ url: `/api/alarms${query}`, token });

  beforeAll(async () => {
    t = await startTestApp('alarms');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    ids = { root: root.id, aski: a.id, hatsu: b.id };
    askiName = a.name;
    askiUserId = aAdmin.user.id;
    // Per installation: an open TAMPER, a cleared LOW_BATTERY and an open TILT (acknowledged on every
    // other one in A), at distinct times; 6 installations in A, 3 in B.
    const alarms = async (tenant: Tenant, n: number, acknowledger: User) => {
      for (let i = 0; i < n; i++) {
        const { device, subscription } = await makeInstallation(t, { tenant });
        const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
        await makeAlarm(t, { device, subscription, type: 'TAMPER', startedAt: hoursAgo(i + 1) });
        await makeAlarm(t, { device, subscription, type: 'LOW_BATTERY', startedAt: hoursAgo(i + 20), clearedAt: hoursAgo(i + 19) });
        await makeAlarm(t, {
          device,
          subscription,
          type: 'TILT',
          startedAt: hoursAgo(i + 40),
          acknowledgedBy: i % 2 === 0 && tenant === a ? acknowledger : undefined,
        });
      }
    };
    await alarms(a, 6, aAdmin.user);
    await alarms(b, 3, bAdmin.user);
  });
  afterAll(async () => t?.close());

  it('lists the tenant alarms newest first, 30 per page, with the names the console shows', async () => {
    const res = await list(aski);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(await count('tenant_id = $1', [ids.aski]));
    expect(res.body.total).toBeGreaterThan(0);
    expect(res.body.pageSize).toBe(30);
    const starts = res.body.items.map((a) => a.startedAt);
    expect(starts).toEqual([...starts].sort().reverse());
    expect(new Set(res.body.items.map((a) => a.tenantName))).toEqual(new Set([askiName]));

    const sample = res.body.items.find((a) => a.device && a.meter && a.subscription)!;
    const [expected] = await t.sql(
      `SELECT m.serial_no AS meter, d.serial_no AS device, s.subscription_no, coalesce(c.organization_name, c.name || ' ' || c.surname) AS customer
         FROM alarm a JOIN meter m ON m.id = a.meter_id JOIN device d ON d.id = a.device_id
         JOIN subscription s ON s.id = a.subscription_id JOIN customer c ON c.id = s.customer_id WHERE a.id = $1`,
      [sample.id],
    );
    expect(sample.meter!.serialNo).toBe(expected.meter);
    expect(sample.device!.serialNo).toBe(expected.device);
    expect(sample.subscription!.subscriptionNo).toBe(expected.subscription_no);
    expect(sample.customer!.displayName).toBe(expected.customer);

    const page2 = await list(aski, '?page=2&pageSize=5');
    const page1 = await list(aski, '?page=1&pageSize=5');
    expect(page2.body.items).toHaveLength(5);
    expect(page1.body.items.map((a) => a.id)).not.toContain(page2.body.items[0].id);
    const oldest = await list(aski, '?order=asc&pageSize=1');
    const [first] = await t.sql(`SELECT min(started_at) AS at FROM alarm WHERE tenant_id = $1`, [ids.aski]);
    expect(oldest.body.items[0].startedAt).toBe(new Date(first.at).toISOString());
  });

  it('filters by state, type, acknowledgement, asset, subscription and time', async () => {
    const total = async (query: string) => (await list(aski, query)).body.total;
    expect(await total('?state=active')).toBe(await count('tenant_id = $1 AND cleared_at IS NULL', [ids.aski]));
    expect(await total('?state=open')).toBe(await count('tenant_id = $1 AND cleared_at IS NULL AND acknowledged_at IS NULL', [ids.aski]));
    expect(await total('?state=open,acknowledged')).toBe(await total('?state=active'));
    expect(await total('?state=cleared')).toBe(await count('tenant_id = $1 AND cleared_at IS NOT NULL AND closed_at IS NULL', [ids.aski]));
    expect(await total('?type=TAMPER')).toBe(await count(`tenant_id = $1 AND type = 'TAMPER'`, [ids.aski]));
    expect(await total('?type=TAMPER,TILT&state=active')).toBe(
      await count(`tenant_id = $1 AND type IN ('TAMPER', 'TILT') AND cleared_at IS NULL`, [ids.aski]),
    );
    expect(await total('?type=TAMPER&type=TILT&state=active')).toBe(await total('?type=TAMPER,TILT&state=active'));
    expect(await total('?acknowledged=false')).toBe(await count('tenant_id = $1 AND acknowledged_at IS NULL', [ids.aski]));
    expect(await total('?acknowledged=true')).toBe(await count('tenant_id = $1 AND acknowledged_at IS NOT NULL', [ids.aski]));

    const [one] = await t.sql(`SELECT * FROM alarm WHERE tenant_id = $1 AND device_id IS NOT NULL ORDER BY started_at LIMIT 1`, [ids.aski]);
    for (const [param, column] of [
      ['meterId', 'meter_id'],
      ['deviceId', 'device_id'],
      ['subscriptionId', 'subscription_id'],
    ] as const) {
      const res = await list(aski, `?${param}=${one[column]}`);
      expect(res.body.total).toBe(await count(`${column} = $1`, [one[column]]));
      expect(res.body.items.map((a) => a.id)).toContain(one.id);
    }
    const from = new Date(one.started_at).toISOString();
    const to = new Date(new Date(one.started_at).getTime() + 1).toISOString();
    const window = await list(aski, `?from=${from}&to=${to}`);
    expect(window.body.items.map((a) => a.id)).toContain(one.id);
    expect(window.body.total).toBe(await count('tenant_id = $1 AND started_at >= $2 AND started_at < $3', [ids.aski, from, to]));

    const [sub] = await t.sql(`SELECT s.subscription_no FROM alarm a JOIN subscription s ON s.id = a.subscription_id WHERE a.id = $1`, [
      one.id,
    ]);
    const searched = await list(aski, `?search=${sub.subscription_no}`);
    expect(searched.body.items.every((a) => a.subscription?.subscriptionNo === sub.subscription_no)).toBe(true);
  });

  it('counts open alarms per type over the scope', async () => {
    const expected = async (tenantIds: string[]) => {
      const rows = await t.sql<{ type: string; n: number }>(
        `SELECT type, count(*)::int AS n FROM alarm WHERE cleared_at IS NULL AND tenant_id = ANY($1::uuid[]) GROUP BY type`,
        [tenantIds],
      );
      return Object.fromEntries(rows.map((r) => [r.type, r.n]));
    };
    const res = await t.request({ url: '/api/alarms/counts', token: aski });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.byType).sort()).toEqual([
      'BURST',
      'HIGH_USAGE',
      'LEAK',
      'LOW_BATTERY',
      'NO_SIGNAL',
      'REVERSE_FLOW',
      'TAMPER',
      'TILT',
    ]);
    const nonZero = Object.fromEntries(Object.entries(res.body.byType).filter(([, n]) => n !== 0));
    expect(nonZero).toEqual(await expected([ids.aski]));
    expect(res.body.open).toBe(await count('tenant_id = $1 AND cleared_at IS NULL', [ids.aski]));
    expect(res.body.unacknowledged).toBe(await count('tenant_id = $1 AND cleared_at IS NULL AND acknowledged_at IS NULL', [ids.aski]));

    const all = await t.request({ url: '/api/alarms/counts', token: admin });
    expect(all.body.open).toBe(await count('cleared_at IS NULL'));
    const onlyHatsu = await t.request({ url: `/api/alarms/counts?tenantId=${ids.hatsu}`, token: admin });
    expect(onlyHatsu.body.open).toBe(await count('tenant_id = $1 AND cleared_at IS NULL', [ids.hatsu]));
  });

  it('keeps each tenant to its own alarms', async () => {
    const hatsuIds = (await t.sql<{ id: string }>('SELECT id FROM alarm WHERE tenant_id = $1', [ids.hatsu])).map((r) => r.id);
    const askiAll = await list(aski, '?pageSize=200');
    expect(askiAll.body.items.length).toBe(askiAll.body.total);
    expect(askiAll.body.items.filter((a) => hatsuIds.includes(a.id))).toEqual([]);
    const hatsuAll = await list(hatsu, '?pageSize=200');
    expect(new Set(hatsuAll.body.items.map((a) => a.tenantId))).toEqual(new Set([ids.hatsu]));

    // Filtering by an invisible tenant or another tenant's meter is a 404, as opening it would be (decisions.md, Access).
    expect((await list(aski, `?tenantId=${ids.hatsu}`)).status).toBe(404);
    expect((await list(aski, `?tenantId=${ids.root}`)).status).toBe(404);
    expect((await t.request({ url: `/api/alarms/counts?tenantId=${ids.hatsu}`, token: aski })).status).toBe(404);
    const [hatsuAlarm] = await t.sql(`SELECT id, meter_id FROM alarm WHERE tenant_id = $1 LIMIT 1`, [ids.hatsu]);
    const foreignMeter = await list(aski, `?meterId=${hatsuAlarm.meter_id}`);
    expect(foreignMeter.status).toBe(404);
    expect((await t.request({ url: `/api/alarms/${hatsuAlarm.id}`, token: aski })).status).toBe(404);

    // The root sees both, and narrows to one subtree on request.
    expect((await list(admin)).body.total).toBe(await count('true'));
    const narrowed = await list(admin, `?tenantId=${ids.hatsu}&pageSize=200`);
    expect(narrowed.body.total).toBe(hatsuIds.length);
    expect(new Set(narrowed.body.items.map((a) => a.tenantId))).toEqual(new Set([ids.hatsu]));
  });

  it('shows one alarm, and answers 404 for unknown or invisible ones and 400 for a bad id', async () => {
    const [own] = await t.sql(`SELECT id, type FROM alarm WHERE tenant_id = $1 LIMIT 1`, [ids.aski]);
    const res = await t.request<AlarmRow>({ url: `/api/alarms/${own.id}`, token: aski });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: own.id, type: own.type, tenantId: ids.aski, tenantName: askiName });
    expect((await t.request({ url: '/api/alarms/00000000-0000-4000-8000-000000000000', token: aski })).status).toBe(404);
    const bad = await t.request({ url: '/api/alarms/not-a-uuid', token: aski });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toEqual(['id']);
  });

  it('refuses bad filters with 400 and the field at fault', async () => {
    for (const [query, path] of [
      ['?type=FOO', 'type'],
      ['?type=TAMPER,NOPE', 'type'],
      ['?state=shut', 'state'],
      ['?acknowledged=yes', 'acknowledged'],
      ['?meterId=123', 'meterId'],
      ['?tenantId=abc', 'tenantId'],
      ['?from=yesterday', 'from'],
      ['?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z', 'to'],
      ['?pageSize=0', 'pageSize'],
      ['?sort=severity', 'sort'],
      ['?colour=red', ''],
    ] as const) {
      const res = await list(aski, query);
      expect(res.status, query).toBe(400);
      if (path)
        expect(
          res.body.details.map((d: { path: unknown[] }) => d.path[0]),
          query,
        ).toContain(path);
    }
  });

  it('acknowledges an alarm once, in the audit log, and refuses a second time with 409', async () => {
    const [alarm] = await t.sql(
      `SELECT id FROM alarm WHERE tenant_id = $1 AND cleared_at IS NULL AND acknowledged_at IS NULL ORDER BY started_at LIMIT 1`,
      [ids.aski],
    );
    const before = (await t.request({ url: '/api/alarms/counts', token: aski })).body.unacknowledged;

    const res = await t.request<AlarmRow>({ method: 'POST', url: `/api/alarms/${alarm.id}/acknowledge`, token: aski });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.acknowledgedBy?.id).toBe(askiUserId);
    expect(res.body.acknowledgedBy?.displayName).toMatch(/\S+ \S+/);
    expect(res.body.state).toBe('ACKNOWLEDGED');
    const [stored] = await t.sql(`SELECT acknowledged_at, acknowledged_by, cleared_at FROM alarm WHERE id = $1`, [alarm.id]);
    expect(stored.acknowledged_by).toBe(askiUserId);
    expect(new Date(stored.acknowledged_at).toISOString()).toBe(res.body.acknowledgedAt);
    // Acknowledging is not clearing: only the device or the worker clears.
    expect(stored.cleared_at).toBeNull();
    const audit = await t.sql(`SELECT action, actor_id, tenant_id, after FROM audit_log WHERE entity_type = 'alarm' AND entity_id = $1`, [
      alarm.id,
    ]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'update', actor_id: askiUserId, tenant_id: ids.aski });
    expect(audit[0].after.acknowledgedBy).toBe(askiUserId);
    expect((await t.request({ url: '/api/alarms/counts', token: aski })).body.unacknowledged).toBe(before - 1);

    const again = await t.request({ method: 'POST', url: `/api/alarms/${alarm.id}/acknowledge`, token: admin });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('alreadyDone');
    const [unchanged] = await t.sql(`SELECT acknowledged_at, acknowledged_by FROM alarm WHERE id = $1`, [alarm.id]);
    expect(unchanged).toEqual({ acknowledged_at: stored.acknowledged_at, acknowledged_by: stored.acknowledged_by });
    expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity_type = 'alarm' AND entity_id = $1`, [alarm.id])).toHaveLength(1);
  });

  it('never lets a tenant acknowledge another tenant alarm, nor a read-only user any', async () => {
    const [foreign] = await t.sql(`SELECT id FROM alarm WHERE tenant_id = $1 AND acknowledged_at IS NULL LIMIT 1`, [ids.hatsu]);
    const res = await t.request({ method: 'POST', url: `/api/alarms/${foreign.id}/acknowledge`, token: aski });
    expect(res.status).toBe(404);
    const [still] = await t.sql(`SELECT acknowledged_at FROM alarm WHERE id = $1`, [foreign.id]);
    expect(still.acknowledged_at).toBeNull();
    expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity_id = $1`, [foreign.id])).toHaveLength(0);

    expect((await t.request({ method: 'POST', url: '/api/alarms/nope/acknowledge', token: aski })).status).toBe(400);
    expect(
      (await t.request({ method: 'POST', url: '/api/alarms/00000000-0000-4000-8000-000000000000/acknowledge', token: aski })).status,
    ).toBe(404);

    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      token: aski,
      body: {
        name: 'Nöbetçi',
        surname: 'Operatör',
        email: 'nobetci@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: ids.aski, role: 'Viewer', permissions: matrix({ DASHBOARD: 'r' }) }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const viewer = await t.login('nobetci@example.com', 'Parola123');
    expect((await list(viewer)).status).toBe(200);
    const [own] = await t.sql(`SELECT id FROM alarm WHERE tenant_id = $1 AND acknowledged_at IS NULL LIMIT 1`, [ids.aski]);
    expect((await t.request({ method: 'POST', url: `/api/alarms/${own.id}/acknowledge`, token: viewer })).status).toBe(403);
    expect((await t.sql(`SELECT acknowledged_at FROM alarm WHERE id = $1`, [own.id]))[0].acknowledged_at).toBeNull();

    const noDashboard = await t.request({
      method: 'POST',
      url: '/api/users',
      token: aski,
      body: {
        name: 'Sayaç',
        surname: 'Okuyucu',
        email: 'sayac@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: ids.aski, role: 'Reader', permissions: matrix({ METERS: 'r' }) }],
      },
    });
    expect(noDashboard.status).toBe(201);
    const reader = await t.login('sayac@example.com', 'Parola123');
    expect((await list(reader)).status).toBe(403);
    expect((await t.request({ url: `/api/alarms/${own.id}`, token: reader })).status).toBe(403);
  });
});
