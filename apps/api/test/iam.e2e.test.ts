import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import { makeInstallation, makeMeterProfile, makeUtilities } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

interface Node {
  id: string;
  name: string;
  parentId: string | null;
  children: Node[];
}
const flatten = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

describe('tenant isolation and IAM', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  let names: Record<'root' | 'aski' | 'hatsu', string>;
  /** The administrators' e-mails: of utility A and of utility B. */
  let aEmail: string;
  let bEmail: string;

  beforeAll(async () => {
    t = await startTestApp('iam');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    ids = { root: root.id, aski: a.id, hatsu: b.id };
    names = { root: root.name, aski: a.name, hatsu: b.name };
    [aEmail, bEmail] = [aAdmin.user.email, bAdmin.user.email];
    // A legacy TC ID that fails the checksum (as the brief's users have).
    await t.sql(`UPDATE app_user SET tc_id_no = '12345678903' WHERE id = $1`, [bAdmin.user.id]);
    // A may use two Baylan and two Itron meter profiles, B a Zenner one too; three installations in A, two in B.
    const allowedToA = await Promise.all(
      (['baylan-kt15', 'baylan-uk20', 'itron-flodis15', 'itron-aquadis20'] as const).map((key) =>
        makeMeterProfile(t, { key, tenants: [a, b] }),
      ),
    );
    const zenner = await makeMeterProfile(t, { key: 'zenner-etkd15', tenants: [b] });
    for (let i = 0; i < 3; i++) await makeInstallation(t, { tenant: a, meterProfile: allowedToA[i] });
    for (const meterProfile of [allowedToA[0]!, zenner]) await makeInstallation(t, { tenant: b, meterProfile });
  });
  afterAll(async () => t?.close());

  it('shows each utility’s user only their own subtree, never an ancestor or a sibling', async () => {
    const tree = async (token: string) => flatten((await t.request({ url: '/api/tenants', token })).body);
    const all = await tree(admin);
    expect(all.map((n) => n.name).sort()).toEqual([names.root, names.aski, names.hatsu].sort());
    expect((await t.request({ url: '/api/tenants', token: admin })).body).toHaveLength(1);

    for (const [token, own, others] of [
      [aski, names.aski, [ids.root, ids.hatsu]],
      [hatsu, names.hatsu, [ids.root, ids.aski]],
    ] as const) {
      const nodes = await tree(token);
      expect(nodes.map((n) => n.name)).toEqual([own]);
      // Even the parent's id is withheld.
      expect(nodes[0].parentId).toBeNull();
      const me = await t.request({ url: '/api/auth/me', token });
      expect(me.body.tenants.map((x: { name: string }) => x.name)).toEqual([own]);
      expect(me.body.tenants[0].parentId).toBeNull();
      for (const other of others) {
        const res = await t.request({ url: `/api/tenants/${other}`, token });
        expect(res.status).toBe(404);
      }
    }
  });

  it('shows tenant detail with company info, stats over the subtree, users and allowed profiles', async () => {
    const res = await t.request({ url: `/api/tenants/${ids.aski}`, token: aski });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe(names.aski);
    expect(res.body.parentId).toBeNull();
    expect(res.body.stats.meters).toBe(3);
    expect(res.body.stats.devices).toBe(3);
    expect(res.body.stats.customers).toBe(3);
    expect(res.body.users.map((u: { email: string }) => u.email)).toEqual([aEmail]);
    expect(res.body.allowedMeterProfiles.map((p: { brand: string }) => p.brand).sort()).toEqual(['Baylan', 'Baylan', 'Itron', 'Itron']);
    const root = await t.request({ url: `/api/tenants/${ids.root}`, token: admin });
    expect(root.body.isRoot).toBe(true);
    expect(root.body.stats.meters).toBe(5);
    expect(root.body.stats.childTenants).toBe(2);
    const askiFromRoot = await t.request({ url: `/api/tenants/${ids.aski}`, token: admin });
    expect(askiFromRoot.body.parentId).toBe(ids.root);
  });

  it('lets a parent manage child tenants and keeps the tree sound', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/tenants',
      token: aski,
      body: {
        parentId: ids.aski,
        name: 'A Çankaya Bölge',
        contactEmail: 'cankaya@example.com',
        contactPhone: '+903124445566',
        address: { city: 'Ankara', district: 'Çankaya', latitude: 39.9, longitude: 32.86 },
        allowedMeterProfileIds: [],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const child = created.body.id;
    expect(created.body.parentId).toBe(ids.aski);
    expect(created.body.address.district).toBe('Çankaya');

    // ASKİ cannot create under HATSU or the root, which it cannot see.
    const foreign = await t.request({ method: 'POST', url: '/api/tenants', token: aski, body: { parentId: ids.hatsu, name: 'x' } });
    expect(foreign.status).toBe(404);
    // Nor move its child there.
    expect((await t.request({ method: 'PATCH', url: `/api/tenants/${child}`, token: aski, body: { parentId: ids.hatsu } })).status).toBe(
      404,
    );
    // A tenant cannot move under its own descendant.
    const cycle = await t.request({ method: 'PATCH', url: `/api/tenants/${ids.aski}`, token: admin, body: { parentId: child } });
    expect(cycle.status).toBe(400);
    // Only profiles the parent may use can be allowed (B's Zenner is not A's).
    const zenner = (
      await t.sql<{ id: string }>(
        `SELECT p.id FROM meter_profile p JOIN meter_brand b ON b.id = p.brand_id WHERE b.name = 'Zenner' LIMIT 1`,
      )
    )[0].id;
    const bad = await t.request({ method: 'PATCH', url: `/api/tenants/${child}`, token: aski, body: { allowedMeterProfileIds: [zenner] } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toEqual(['allowedMeterProfileIds', 0]);

    // Deleting a tenant that still holds children or assets is refused with the reason.
    const refused = await t.request({ method: 'DELETE', url: `/api/tenants/${ids.aski}`, token: admin });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/children.*customers|customers/);
    expect(refused.body).toMatchObject({ code: 'inUse', params: { childTenant: expect.any(Number), customer: expect.any(Number) } });
    const root = await t.request({ method: 'DELETE', url: `/api/tenants/${ids.root}`, token: admin });
    expect(root.status).toBe(409);
    expect(root.body.code).toBe('rootTenant');

    const deleted = await t.request({ method: 'DELETE', url: `/api/tenants/${child}`, token: aski });
    expect(deleted.status).toBe(204);
    const audit = await t.sql(`SELECT action FROM audit_log WHERE entity_type = 'tenant' AND entity_id = $1 ORDER BY id`, [child]);
    expect(audit.map((a) => a.action)).toEqual(['create', 'delete']);
  });

  it('enforces the permission matrix: read-only rights cannot write, missing rights cannot read', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      token: aski,
      body: {
        name: 'Okur',
        surname: 'Yazar',
        email: 'okur@example.com',
        password: 'Parola123',
        tcIdNo: '10000000146',
        memberships: [{ tenantId: ids.aski, role: 'Viewer', permissions: matrix({ DASHBOARD: 'r', METERS: 'r', USERS: 'r' }) }],
      },
    });
    expect(created.status).toBe(201);
    const viewer = await t.login('okur@example.com', 'Parola123');
    // Read-only on users: listing works, creating is forbidden.
    expect((await t.request({ url: '/api/users', token: viewer })).status).toBe(200);
    const create = await t.request({
      method: 'POST',
      url: '/api/users',
      token: viewer,
      body: {
        name: 'A',
        surname: 'B',
        email: 'ab@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: ids.aski, role: 'x', permissions: matrix({}) }],
      },
    });
    expect(create.status).toBe(403);
    // Read-only meters: listing works, creating one is forbidden; no customers right: no customers.
    expect((await t.request({ url: '/api/meters', token: viewer })).status).toBe(200);
    const profile = (
      await t.sql<{ id: string }>(`SELECT p.id FROM meter_profile p JOIN meter_brand b ON b.id = p.brand_id WHERE b.name = 'Itron' LIMIT 1`)
    )[0].id;
    const meter = await t.request({
      method: 'POST',
      url: '/api/meters',
      token: viewer,
      body: {
        tenantId: ids.aski,
        meterProfileId: profile,
        serialNo: 'RO-0001',
        initialIndexM3: 0,
        status: 'WAREHOUSE',
        device: { mode: 'none' },
      },
    });
    expect(meter.status).toBe(403);
    expect((await t.sql(`SELECT 1 FROM meter WHERE serial_no = 'RO-0001'`)).length).toBe(0);
    expect((await t.request({ url: '/api/customers', token: viewer })).status).toBe(403);
    // No tenants right at all: the module is closed.
    expect((await t.request({ url: '/api/tenants', token: viewer })).status).toBe(403);
    expect((await t.request({ url: `/api/tenants/${ids.aski}`, token: viewer })).status).toBe(403);
  });

  it('applies changed rights, deactivation and new tenants to sessions already open, on their next request', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      token: aski,
      body: {
        name: 'Oturum',
        surname: 'Açık',
        email: 'oturum@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: ids.aski, role: 'Viewer', permissions: matrix({ DASHBOARD: 'r', METERS: 'r' }) }],
      },
    });
    expect(created.status).toBe(201);
    const session = await t.login('oturum@example.com', 'Parola123');
    // Twice: the second answer comes from the node's cached rights.
    expect((await t.request({ url: '/api/meters', token: session })).status).toBe(200);
    expect((await t.request({ url: '/api/meters', token: session })).status).toBe(200);

    const narrowed = await t.request({
      method: 'PUT',
      url: `/api/users/${created.body.id}/memberships/${ids.aski}`,
      token: aski,
      body: { role: 'Viewer', permissions: matrix({ DASHBOARD: 'r' }) },
    });
    expect(narrowed.status).toBe(200);
    expect((await t.request({ url: '/api/meters', token: session })).status).toBe(403);

    // A tenant created under ASKİ is in the scope of ASKİ's already-open session at once.
    await t.request({ url: '/api/tenants', token: aski });
    const child = await t.request({
      method: 'POST',
      url: '/api/tenants',
      token: admin,
      body: { parentId: ids.aski, name: 'Oturum Alt', planStatus: 'ACTIVE' },
    });
    expect(child.status).toBe(201);
    expect((await t.request({ url: `/api/tenants/${child.body.id}`, token: aski })).status).toBe(200);

    const off = await t.request({ method: 'PATCH', url: `/api/users/${created.body.id}`, token: aski, body: { isActive: false } });
    expect(off.status).toBe(200);
    expect((await t.request({ url: '/api/auth/me', token: session })).status).toBe(401);
  });

  it('never lets anyone grant more than they hold', async () => {
    const limited = await t.request({
      method: 'POST',
      url: '/api/users',
      token: aski,
      body: {
        name: 'Sınırlı',
        surname: 'Yönetici',
        email: 'sinirli@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: ids.aski, role: 'User admin', permissions: matrix({ USERS: 'crud', METERS: 'r' }) }],
      },
    });
    expect(limited.status).toBe(201);
    const token = await t.login('sinirli@example.com', 'Parola123');
    const escalate = await t.request({
      method: 'POST',
      url: '/api/users',
      token,
      body: {
        name: 'X',
        surname: 'Y',
        email: 'xy@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: ids.aski, role: 'x', permissions: matrix({ METERS: 'crud' }) }],
      },
    });
    expect(escalate.status).toBe(403);
    const self = await t.request({
      method: 'PUT',
      url: `/api/users/${limited.body.id}/memberships/${ids.aski}`,
      token,
      body: { role: 'x', permissions: matrix({ USERS: 'crud', METERS: 'crud' }) },
    });
    expect(self.status).toBe(403);
    const ok = await t.request({
      method: 'POST',
      url: '/api/users',
      token,
      body: {
        name: 'X',
        surname: 'Y',
        email: 'xy@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: ids.aski, role: 'x', permissions: matrix({ METERS: 'r' }) }],
      },
    });
    expect(ok.status).toBe(201);
  });

  it('keeps users of other tenants invisible and protects users who also belong elsewhere', async () => {
    const hatsuUser = (await t.sql<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [bEmail]))[0].id;
    // A second administrator of the root (nobody changes their own memberships, so the super admin cannot add itself).
    const full = matrix({
      DASHBOARD: 'crud',
      LIVE_READINGS: 'crud',
      SUBSCRIPTIONS: 'crud',
      CUSTOMERS: 'crud',
      METERS: 'crud',
      DEVICES: 'crud',
      PROFILES: 'crud',
      DEFINITIONS: 'crud',
      TENANTS: 'crud',
      USERS: 'crud',
    });
    const second = await t.request({
      method: 'POST',
      url: '/api/users',
      token: admin,
      body: {
        name: 'Kök',
        surname: 'Yönetici',
        email: 'kok@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: ids.root, role: 'Administrator', permissions: full }],
      },
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const rootUser = second.body.id as string;
    expect((await t.request({ url: `/api/users/${hatsuUser}`, token: aski })).status).toBe(404);
    expect((await t.request({ method: 'PATCH', url: `/api/users/${hatsuUser}`, token: aski, body: { name: 'Hacked' } })).status).toBe(404);
    const list = await t.request({ url: '/api/users?pageSize=100', token: aski });
    expect(list.body.items.map((u: { email: string }) => u.email)).not.toContain(bEmail);
    // Filtering by an invisible tenant is a 404, not an empty list.
    expect((await t.request({ url: `/api/users?tenantId=${ids.hatsu}`, token: aski })).status).toBe(404);

    // A root admin is added to ASKİ: ASKİ now sees them but cannot change their password, delete them or remove them.
    const add = await t.request({
      method: 'PUT',
      url: `/api/users/${rootUser}/memberships/${ids.aski}`,
      token: admin,
      body: { role: 'Observer', permissions: matrix({ DASHBOARD: 'r' }) },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    const seen = await t.request({ url: `/api/users/${rootUser}`, token: aski });
    expect(seen.status, JSON.stringify([seen.body, add.body.memberships])).toBe(200);
    expect(seen.body.memberships.map((m: { tenantName: string }) => m.tenantName)).toEqual([names.aski]);
    expect(
      (await t.request({ method: 'PATCH', url: `/api/users/${rootUser}`, token: aski, body: { password: 'Takeover123' } })).status,
    ).toBe(403);
    expect((await t.request({ method: 'DELETE', url: `/api/users/${rootUser}`, token: aski })).status).toBe(403);
    expect((await t.request({ method: 'DELETE', url: `/api/users/${rootUser}/memberships/${ids.aski}`, token: aski })).status).toBe(403);
    expect((await t.request({ method: 'DELETE', url: `/api/users/${rootUser}/memberships/${ids.aski}`, token: admin })).status).toBe(204);
    expect((await t.request({ url: `/api/users/${rootUser}`, token: aski })).status).toBe(404);
  });

  it('validates user input: TC checksum for new values, unique email, field paths', async () => {
    const base = {
      name: 'Ali',
      surname: 'Veli',
      password: 'Parola123',
      memberships: [{ tenantId: ids.hatsu, role: 'x', permissions: matrix({ DASHBOARD: 'r' }) }],
    };
    const badTc = await t.request({
      method: 'POST',
      url: '/api/users',
      token: hatsu,
      body: { ...base, email: 'ali@example.com', tcIdNo: '12345678901' },
    });
    expect(badTc.status).toBe(400);
    expect(badTc.body.details[0].path).toEqual(['tcIdNo']);
    const dup = await t.request({ method: 'POST', url: '/api/users', token: hatsu, body: { ...base, email: bEmail.toUpperCase() } });
    expect(dup.status).toBe(409);
    const weak = await t.request({
      method: 'POST',
      url: '/api/users',
      token: hatsu,
      body: { ...base, email: 'w@example.com', password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect((await t.request({ url: '/api/users/not-a-uuid', token: hatsu })).status).toBe(400);
    // A legacy TC ID fails the checksum but stays editable: updating the name keeps it.
    const me = (await t.sql<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [bEmail]))[0].id;
    const upd = await t.request({
      method: 'PATCH',
      url: `/api/users/${me}`,
      token: hatsu,
      body: { phone: '+907776665545', tcIdNo: '12345678903' },
    });
    expect(upd.status).toBe(200);
    const count = await t.sql('SELECT count(*)::int AS n FROM app_user');
    expect(count[0].n).toBeGreaterThan(3);
  });

  it('shows a user detail with activity log and assigned tenants', async () => {
    const me = (await t.sql<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [aEmail]))[0].id;
    const res = await t.request({ url: `/api/users/${me}`, token: admin });
    expect(res.status).toBe(200);
    expect(res.body.activity.lastLoginAt).not.toBeNull();
    expect(res.body.activity.logins.length).toBeGreaterThan(0);
    expect(res.body.activity.actions.some((a: { entityType: string }) => a.entityType === 'user')).toBe(true);
    expect(res.body.memberships[0]).toMatchObject({ tenantName: names.aski, role: 'Administrator' });
  });
});
