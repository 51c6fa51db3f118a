import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import { makeUtilities } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/** The audit log view: who changed what and when, within the caller's tenants, secrets never shown. */
describe('audit log', () => {
  let t: TestApp;
  let root: string;
  let aski: string;
  let hatsu: string;
  const ids: Record<string, string> = {};
  let world: Awaited<ReturnType<typeof makeUtilities>>;

  beforeAll(async () => {
    t = await startTestApp('audit');
    world = await makeUtilities(t);
    root = world.rootAdmin.token;
    aski = world.aAdmin.token;
    hatsu = world.bAdmin.token;
    ids.aski = world.a.id;
    ids.hatsu = world.b.id;
    // One change in each utility, made by the root's administrator, and one by utility A's own.
    for (const [tenant, token] of [
      ['aski', root],
      ['hatsu', root],
      ['aski', aski],
    ] as const) {
      const res = await t.request({
        method: 'POST',
        url: '/api/integrations',
        token,
        body: { tenantId: ids[tenant], kind: 'TTN', name: `audit ${tenant}` },
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists a tenant’s changes to its readers only, newest first, with who made them', async () => {
    const asAski = await t.request({ url: '/api/audit-log?entityType=integration', token: aski });
    expect(asAski.status).toBe(200);
    expect(asAski.body.items.length).toBe(2);
    expect(asAski.body.items.every((e: { tenantId: string }) => e.tenantId === ids.aski)).toBe(true);
    expect(asAski.body.items[0]).toMatchObject({
      action: 'create',
      entityType: 'integration',
      tenantName: world.a.name,
      actorEmail: world.aAdmin.user.email,
    });
    expect(new Date(asAski.body.items[0].createdAt) >= new Date(asAski.body.items[1].createdAt)).toBe(true);
    const asHatsu = await t.request({ url: '/api/audit-log?entityType=integration', token: hatsu });
    expect(asHatsu.body.items.map((e: { tenantId: string }) => e.tenantId)).toEqual([ids.hatsu]);
    const asRoot = await t.request({ url: '/api/audit-log?entityType=integration', token: root });
    expect(asRoot.body.total).toBe(3);
    // Filters: by the user who made the change, by tenant, by time.
    const rootUser = world.rootAdmin.user.id;
    const byRoot = await t.request({ url: `/api/audit-log?entityType=integration&userId=${rootUser}&tenantId=${ids.aski}`, token: root });
    expect(byRoot.body.total).toBe(1);
    const future = await t.request({
      url: `/api/audit-log?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      token: root,
    });
    expect(future.body.total).toBe(0);
  });

  it('never shows a secret, even one an older release wrote into a snapshot', async () => {
    const created = await t.request({ url: '/api/audit-log?entityType=integration', token: aski });
    expect(JSON.stringify(created.body)).not.toMatch(/"secret"\s*:\s*"[^[]/);
    await t.sql(
      `INSERT INTO audit_log (tenant_id, action, entity_type, entity_id, before, after) VALUES ($1, 'update', 'legacy', 'x', $2, $3)`,
      [
        ids.aski,
        JSON.stringify({ secretHash: 'abc', name: 'n' }),
        JSON.stringify({ nested: { password: 'hunter2', apiKey: 'k' }, tokens: ['t'] }),
      ],
    );
    const res = await t.request({ url: '/api/audit-log?entityType=legacy', token: aski });
    expect(res.body.items[0].before).toEqual({ secretHash: '[secret]', name: 'n' });
    expect(res.body.items[0].after).toEqual({ nested: { password: '[secret]', apiKey: '[secret]' }, tokens: '[secret]' });
    const csv = await t.request({ url: '/api/audit-log/export.csv?entityType=legacy', token: aski });
    expect(csv.body).not.toContain('hunter2');
  });

  it('exports the filtered log as CSV within the caller’s tenants', async () => {
    const res = await t.request({ url: '/api/audit-log/export.csv?entityType=integration', token: hatsu });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-log-.*\.csv"/);
    const lines = (res.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('time,action,entity type,entity id,tenant,user,user email,request id,before,after');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(world.b.name);
    expect(res.body).not.toContain(world.a.name);
  });

  it('answers bad filters with 400, another tenant’s filter with 404, and users without the right with 403', async () => {
    expect((await t.request({ url: '/api/audit-log?userId=nope', token: aski })).status).toBe(400);
    expect((await t.request({ url: '/api/audit-log?action=drop', token: aski })).status).toBe(400);
    expect((await t.request({ url: `/api/audit-log?tenantId=${ids.hatsu}`, token: aski })).status).toBe(404);
    const refused = await t.request({ url: `/api/audit-log/export.csv?tenantId=${ids.hatsu}`, token: aski });
    expect(refused.body).toMatchObject({ statusCode: 404 });
    expect(refused.status).toBe(404);
    const viewer = await t.request({
      method: 'POST',
      url: '/api/users',
      token: aski,
      body: {
        name: 'Meter',
        surname: 'Reader',
        email: 'reader.audit@example.com',
        password: 'Parola123.',
        memberships: [{ tenantId: ids.aski, role: 'Viewer', permissions: matrix({ METERS: 'r' }) }],
      },
    });
    expect(viewer.status).toBe(201);
    const token = await t.login('reader.audit@example.com', 'Parola123.');
    expect((await t.request({ url: '/api/audit-log', token })).status).toBe(403);
    expect((await t.request({ url: '/api/audit-log' })).status).toBe(401);
  });
});
