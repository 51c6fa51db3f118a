import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import { makeDeviceProfile, makeInstallation, makeMeterProfile, makeUtilities, tokenFor, type User } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const FULL = matrix({
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

/**
 * Who may do what to whom (issue 15, privilege escalation): a user is changed only by someone who
 * holds every right the user holds, nobody changes their own memberships, a tenant's plan, parent and
 * allowed profiles are set from its parent, and list filters naming an invisible object answer 404.
 */
describe('privilege escalation', () => {
  let t: TestApp;
  let root: string;
  let aski: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  let users: Record<'root' | 'aski' | 'hatsu', string>;
  let askiAdmin: User;
  let child: string;

  const userRow = async (id: string) =>
    (
      await t.sql<{ email: string; password_hash: string; is_active: boolean; name: string }>(
        'SELECT email, password_hash, is_active, name FROM app_user WHERE id = $1',
        [id],
      )
    )[0];
  const rights = (id: string) =>
    t.sql(
      `SELECT m.tenant_id, m.role, p.module, p.can_create, p.can_read, p.can_update, p.can_delete
         FROM membership m JOIN membership_permission p ON p.membership_id = m.id WHERE m.user_id = $1 ORDER BY m.tenant_id, p.module`,
      [id],
    );
  const createUser = async (token: string, email: string, memberships: { tenantId: string; permissions: ReturnType<typeof matrix> }[]) => {
    const res = await t.request({
      method: 'POST',
      url: '/api/users',
      token,
      body: {
        name: 'Test',
        surname: email.split('@')[0],
        email,
        password: 'Parola123',
        memberships: memberships.map((m) => ({ ...m, role: 'Member' })),
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp('privilege');
    const world = await makeUtilities(t);
    [root, aski] = [world.rootAdmin.token, world.aAdmin.token];
    ids = { root: world.root.id, aski: world.a.id, hatsu: world.b.id };
    users = { root: world.rootAdmin.user.id, aski: world.aAdmin.user.id, hatsu: world.bAdmin.user.id };
    askiAdmin = world.aAdmin.user;
    // Profiles both utilities may use, and one of each kind only B may use; an installation in each.
    const [sharedMeter, bOnlyMeter] = await Promise.all([
      makeMeterProfile(t, { tenants: [world.a, world.b] }),
      makeMeterProfile(t, { key: 'zenner-etkd15', tenants: [world.b] }),
    ]);
    const [sharedDevice] = await Promise.all([
      makeDeviceProfile(t, { tenants: [world.a, world.b] }),
      makeDeviceProfile(t, { key: 'itron-lorawan', tenants: [world.b] }),
    ]);
    await makeInstallation(t, { tenant: world.a, meterProfile: sharedMeter, deviceProfile: sharedDevice });
    await makeInstallation(t, { tenant: world.b, meterProfile: bOnlyMeter, deviceProfile: sharedDevice });
    const created = await t.request({
      method: 'POST',
      url: '/api/tenants',
      token: aski,
      body: { parentId: ids.aski, name: 'A Alt Bölge', allowedMeterProfileIds: [] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    child = created.body.id;
  });
  afterAll(async () => t?.close());

  describe('users', () => {
    it('a USERS-only user can neither take over nor demote nor remove a full administrator', async () => {
      await createUser(aski, 'usersonly@example.com', [{ tenantId: ids.aski, permissions: matrix({ USERS: 'crud' }) }]);
      const token = await t.login('usersonly@example.com', 'Parola123');
      // The administrator also belongs to a child tenant, so removing that membership would be possible.
      const extra = await t.request({
        method: 'PUT',
        url: `/api/users/${users.aski}/memberships/${child}`,
        token: root,
        body: { role: 'Administrator', permissions: FULL },
      });
      expect(extra.status, JSON.stringify(extra.body)).toBe(200);

      const before = await userRow(users.aski);
      const rightsBefore = await rights(users.aski);
      const attempts = [
        { method: 'PATCH' as const, url: `/api/users/${users.aski}`, body: { password: 'Takeover123' } },
        { method: 'PATCH' as const, url: `/api/users/${users.aski}`, body: { email: 'takeover@example.com' } },
        { method: 'PATCH' as const, url: `/api/users/${users.aski}`, body: { isActive: false } },
        { method: 'PATCH' as const, url: `/api/users/${users.aski}`, body: { name: 'Ele geçirildi' } },
        // Within the caller's own rights (USERS only), so the grant rule alone does not stop it.
        {
          method: 'PUT' as const,
          url: `/api/users/${users.aski}/memberships/${ids.aski}`,
          body: { role: 'Member', permissions: matrix({ USERS: 'r' }) },
        },
        { method: 'PUT' as const, url: `/api/users/${users.aski}/memberships/${child}`, body: { role: 'Member', permissions: matrix({}) } },
        { method: 'DELETE' as const, url: `/api/users/${users.aski}/memberships/${child}` },
        { method: 'DELETE' as const, url: `/api/users/${users.aski}` },
      ];
      for (const a of attempts) {
        const res = await t.request({ ...a, token });
        expect(res.status, `${a.method} ${a.url} ${JSON.stringify(a.body)}: ${JSON.stringify(res.body)}`).toBe(403);
        expect(res.body.message).toMatch(/rights you do not hold/);
      }
      expect(await userRow(users.aski)).toEqual(before);
      expect(await rights(users.aski)).toEqual(rightsBefore);
      // The console is told: no membership of the administrator is the caller's to manage.
      const seen = await t.request({ url: `/api/users/${users.aski}`, token });
      expect(seen.body.memberships.map((m: { canManage: boolean }) => m.canManage)).toEqual([false, false]);
      await tokenFor(t, askiAdmin);
    });

    it('a USERS-only user manages users whose rights it holds, and no others', async () => {
      const token = await t.login('usersonly@example.com', 'Parola123');
      const lesser = await createUser(aski, 'lesser@example.com', [{ tenantId: ids.aski, permissions: matrix({ USERS: 'r' }) }]);
      const wider = await createUser(aski, 'wider@example.com', [{ tenantId: ids.aski, permissions: matrix({ DASHBOARD: 'r' }) }]);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/users/${lesser}`, token, body: { name: 'Değişti', password: 'Yenisi123' } })).status,
      ).toBe(200);
      expect(
        (
          await t.request({
            method: 'PUT',
            url: `/api/users/${lesser}/memberships/${ids.aski}`,
            token,
            body: { role: 'x', permissions: matrix({ USERS: 'cru' }) },
          })
        ).status,
      ).toBe(200);
      const refused = await t.request({ method: 'PATCH', url: `/api/users/${wider}`, token, body: { password: 'Yenisi123' } });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/DASHBOARD/);
      expect((await t.request({ method: 'PATCH', url: `/api/users/${wider}`, token, body: { isActive: false } })).status).toBe(403);
      expect((await userRow(wider)).is_active).toBe(true);
      expect((await t.request({ method: 'DELETE', url: `/api/users/${lesser}`, token })).status).toBe(204);
    });

    it('an administrator manages a lesser user: identity, password, memberships, activation, deletion', async () => {
      const lesser = await createUser(aski, 'lesser2@example.com', [
        { tenantId: ids.aski, permissions: matrix({ METERS: 'r', USERS: 'r' }) },
      ]);
      expect(
        (
          await t.request({
            method: 'PATCH',
            url: `/api/users/${lesser}`,
            token: aski,
            body: { email: 'lesser2b@example.com', password: 'Yenisi123' },
          })
        ).status,
      ).toBe(200);
      expect((await t.request({ url: `/api/users/${lesser}`, token: aski })).body.memberships[0].canManage).toBe(true);
      expect(
        (
          await t.request({
            method: 'PUT',
            url: `/api/users/${lesser}/memberships/${child}`,
            token: aski,
            body: { role: 'x', permissions: matrix({ METERS: 'cru' }) },
          })
        ).status,
      ).toBe(200);
      expect((await t.request({ method: 'DELETE', url: `/api/users/${lesser}/memberships/${child}`, token: aski })).status).toBe(204);
      expect((await t.request({ method: 'PATCH', url: `/api/users/${lesser}`, token: aski, body: { isActive: false } })).status).toBe(200);
      expect((await t.request({ method: 'DELETE', url: `/api/users/${lesser}`, token: aski })).status).toBe(204);
      expect(await t.sql('SELECT 1 FROM app_user WHERE id = $1', [lesser])).toHaveLength(0);
    });

    it('counts rights inherited from an ancestor: the parent admin manages a child-tenant admin, a USERS-only user does not', async () => {
      const childAdmin = await createUser(aski, 'altyonetici@example.com', [
        { tenantId: child, permissions: matrix({ METERS: 'crud', USERS: 'crud' }) },
      ]);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/users/${childAdmin}`, token: aski, body: { phone: '+905321112233' } })).status,
      ).toBe(200);
      const token = await t.login('usersonly@example.com', 'Parola123');
      expect((await t.request({ method: 'PATCH', url: `/api/users/${childAdmin}`, token, body: { password: 'Takeover123' } })).status).toBe(
        403,
      );
      // The child admin cannot touch the parent's administrator, who is invisible to them.
      const childToken = await t.login('altyonetici@example.com', 'Parola123');
      expect(
        (await t.request({ method: 'PATCH', url: `/api/users/${users.aski}`, token: childToken, body: { password: 'Takeover123' } }))
          .status,
      ).toBe(403);
    });

    it('nobody changes their own memberships, not even a root administrator', async () => {
      const rightsBefore = await rights(users.aski);
      const own = await t.request({
        method: 'PUT',
        url: `/api/users/${users.aski}/memberships/${ids.aski}`,
        token: aski,
        body: { role: 'Administrator', permissions: matrix({ USERS: 'crud' }) },
      });
      expect(own.status).toBe(403);
      expect(own.body.message).toMatch(/your own memberships/);
      expect(
        (await t.request({ url: `/api/users/${users.aski}`, token: aski })).body.memberships.every(
          (m: { canManage: boolean }) => !m.canManage,
        ),
      ).toBe(true);
      expect((await t.request({ method: 'DELETE', url: `/api/users/${users.aski}/memberships/${child}`, token: aski })).status).toBe(403);
      expect(await rights(users.aski)).toEqual(rightsBefore);
      const rootBefore = await rights(users.root);
      expect(
        (
          await t.request({
            method: 'PUT',
            url: `/api/users/${users.root}/memberships/${ids.hatsu}`,
            token: root,
            body: { role: 'x', permissions: matrix({ DASHBOARD: 'r' }) },
          })
        ).status,
      ).toBe(403);
      expect(await rights(users.root)).toEqual(rootBefore);
      // Their own identity stays theirs to edit.
      expect(
        (await t.request({ method: 'PATCH', url: `/api/users/${users.aski}`, token: aski, body: { phone: '+905329998877' } })).status,
      ).toBe(200);
    });
  });

  describe('tenants', () => {
    const tenantRow = async (id: string) =>
      (
        await t.sql(
          `SELECT parent_id, plan_type, plan_status, contact_name,
                  ARRAY(SELECT meter_profile_id::text FROM tenant_meter_profile WHERE tenant_id = t.id ORDER BY 1) AS meters,
                  ARRAY(SELECT device_profile_id::text FROM tenant_device_profile WHERE tenant_id = t.id ORDER BY 1) AS devices
             FROM tenant t WHERE id = $1`,
          [id],
        )
      )[0];
    const hatsuOnlyDevice = async () =>
      (
        await t.sql<{ id: string }>(
          `SELECT device_profile_id AS id FROM tenant_device_profile WHERE tenant_id = $1
            EXCEPT SELECT device_profile_id FROM tenant_device_profile WHERE tenant_id = $2 LIMIT 1`,
          [ids.hatsu, ids.aski],
        )
      )[0].id;

    it('a tenant admin edits its own contact and address but not its allow-lists, plan or parent (403 naming the field)', async () => {
      const before = await tenantRow(ids.aski);
      const foreign = await hatsuOnlyDevice();
      const attempts: [Record<string, unknown>, string][] = [
        [{ allowedDeviceProfileIds: [...before.devices, foreign] }, 'allowedDeviceProfileIds'],
        [{ allowedMeterProfileIds: [] }, 'allowedMeterProfileIds'],
        [{ planType: `${before.plan_type}-PLUS` }, 'planType'],
        [{ planStatus: before.plan_status === 'ACTIVE' ? 'PASSIVE' : 'ACTIVE' }, 'planStatus'],
        // Its own parent (invisible to it) named in a PATCH is refused, not ignored.
        [{ parentId: ids.root, contactName: 'Ali' }, 'parentId'],
      ];
      for (const [body, field] of attempts) {
        const res = await t.request({ method: 'PATCH', url: `/api/tenants/${ids.aski}`, token: aski, body });
        expect(res.status, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe(403);
        expect(res.body.message).toContain(field);
        expect(res.body.details?.[0]?.path).toEqual([field]);
      }
      expect(await tenantRow(ids.aski)).toEqual(before);

      const ok = await t.request({
        method: 'PATCH',
        url: `/api/tenants/${ids.aski}`,
        token: aski,
        body: {
          contactName: 'Yeni',
          contactPhone: '+903125556677',
          address: { city: 'Ankara', district: 'Yenimahalle' },
          planType: before.plan_type,
        },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.contactName).toBe('Yeni');
      expect(ok.body.address.district).toBe('Yenimahalle');
      // Still unable to create a device with the profile it tried to grant itself.
      expect((await tenantRow(ids.aski)).devices).not.toContain(foreign);
    });

    it("the parent's administrator (the root for a top-level tenant) sets them", async () => {
      const foreign = await hatsuOnlyDevice();
      const before = await tenantRow(ids.aski);
      const res = await t.request({
        method: 'PATCH',
        url: `/api/tenants/${ids.aski}`,
        token: root,
        body: { planType: 'PREMIUM', allowedDeviceProfileIds: [...before.devices, foreign] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const after = await tenantRow(ids.aski);
      expect(after.plan_type).toBe('PREMIUM');
      expect(after.devices).toContain(foreign);

      // ASKİ is the parent of its child tenant: its admin sets the child's plan and lists, the child's own admin cannot.
      await createUser(aski, 'altplan@example.com', [{ tenantId: child, permissions: matrix({ TENANTS: 'crud', USERS: 'crud' }) }]);
      const childToken = await t.login('altplan@example.com', 'Parola123');
      const childBefore = await tenantRow(child);
      const own = await t.request({ method: 'PATCH', url: `/api/tenants/${child}`, token: childToken, body: { planStatus: 'PASSIVE' } });
      expect(own.status).toBe(403);
      const widen = await t.request({
        method: 'PATCH',
        url: `/api/tenants/${child}`,
        token: childToken,
        body: { allowedDeviceProfileIds: [foreign] },
      });
      expect(widen.status).toBe(403);
      expect(await tenantRow(child)).toEqual(childBefore);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/tenants/${child}`, token: childToken, body: { contactName: 'Alt' } })).status,
      ).toBe(200);
      const fromParent = await t.request({
        method: 'PATCH',
        url: `/api/tenants/${child}`,
        token: aski,
        body: { planStatus: 'PASSIVE', allowedDeviceProfileIds: [foreign] },
      });
      expect(fromParent.status, JSON.stringify(fromParent.body)).toBe(200);
      expect((await tenantRow(child)).plan_status).toBe('PASSIVE');
    });

    it("keeps a child's allowed profiles within its parent's, also when it moves", async () => {
      const hatsuOnlyMeter = (
        await t.sql<{ id: string }>(
          `SELECT meter_profile_id AS id FROM tenant_meter_profile WHERE tenant_id = $1
            EXCEPT SELECT meter_profile_id FROM tenant_meter_profile WHERE tenant_id = $2 LIMIT 1`,
          [ids.hatsu, ids.aski],
        )
      )[0].id;
      const under = await t.request({
        method: 'POST',
        url: '/api/tenants',
        token: root,
        body: { parentId: ids.hatsu, name: 'HATSU Alt', allowedMeterProfileIds: [hatsuOnlyMeter] },
      });
      expect(under.status, JSON.stringify(under.body)).toBe(201);
      // Moving it under ASKİ, which may not use that meter profile, is refused.
      const move = await t.request({ method: 'PATCH', url: `/api/tenants/${under.body.id}`, token: root, body: { parentId: ids.aski } });
      expect(move.status, JSON.stringify(move.body)).toBe(400);
      expect(move.body.details[0].path).toEqual(['allowedMeterProfileIds', 0]);
      expect((await tenantRow(under.body.id)).parent_id).toBe(ids.hatsu);
    });

    it('a tenant is deleted from its parent, not by its own admins', async () => {
      const childToken = await t.login('altplan@example.com', 'Parola123');
      const own = await t.request({ method: 'DELETE', url: `/api/tenants/${child}`, token: childToken });
      expect(own.status, JSON.stringify(own.body)).toBe(403);
      expect(own.body.message).toMatch(/parent tenant/);
      expect((await t.request({ method: 'DELETE', url: `/api/tenants/${ids.aski}`, token: aski })).status).toBe(403);
      expect(await t.sql('SELECT 1 FROM tenant WHERE id = $1', [child])).toHaveLength(1);
      expect((await t.request({ method: 'DELETE', url: `/api/tenants/${child}`, token: aski })).status).toBe(204);
    });
  });

  describe('list filters naming an invisible object', () => {
    it('answer 404, as opening the object would', async () => {
      const one = async (q: string, params: unknown[] = []) => (await t.sql<{ id: string }>(q, params))[0].id;
      const hatsuMeter = await one('SELECT id FROM meter WHERE tenant_id = $1 LIMIT 1', [ids.hatsu]);
      const hatsuDevice = await one('SELECT id FROM device WHERE tenant_id = $1 LIMIT 1', [ids.hatsu]);
      const hatsuCustomer = await one('SELECT id FROM customer WHERE tenant_id = $1 LIMIT 1', [ids.hatsu]);
      const hatsuSubscription = await one('SELECT id FROM subscription WHERE tenant_id = $1 LIMIT 1', [ids.hatsu]);
      // A meter profile only B may use.
      const zenner = await one(`SELECT p.id FROM meter_profile p JOIN meter_brand b ON b.id = p.brand_id WHERE b.name = 'Zenner' LIMIT 1`);
      const nowhere = '00000000-0000-4000-8000-000000000000';
      const cases = [
        `/api/meters?meterProfileId=${zenner}`,
        `/api/meters?brandId=${nowhere}`,
        `/api/devices?deviceProfileId=${nowhere}`,
        `/api/devices?brandId=${nowhere}`,
        `/api/alarms?meterId=${hatsuMeter}`,
        `/api/alarms?deviceId=${hatsuDevice}`,
        `/api/alarms?subscriptionId=${hatsuSubscription}`,
        `/api/subscriptions?customerId=${hatsuCustomer}`,
        `/api/subscriptions?groupId=${nowhere}`,
        `/api/readings/live?meterId=${hatsuMeter}`,
        `/api/readings/live?brandId=${nowhere}`,
        `/api/uplinks?deviceId=${hatsuDevice}`,
        `/api/meter-profiles?brandId=${nowhere}`,
        `/api/device-profiles?technologyId=${nowhere}`,
        `/api/users?tenantId=${ids.hatsu}`,
        `/api/customers?tenantId=${ids.hatsu}`,
      ];
      for (const url of cases) {
        const res = await t.request({ url, token: aski });
        expect(res.status, `${url}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(404);
      }
      // The same filters with the caller's own objects work.
      const askiMeter = await one('SELECT id FROM meter WHERE tenant_id = $1 LIMIT 1', [ids.aski]);
      const askiCustomer = await one('SELECT id FROM customer WHERE tenant_id = $1 LIMIT 1', [ids.aski]);
      for (const url of [
        `/api/alarms?meterId=${askiMeter}`,
        `/api/subscriptions?customerId=${askiCustomer}`,
        `/api/readings/live?meterId=${askiMeter}`,
      ]) {
        expect((await t.request({ url, token: aski })).status, url).toBe(200);
      }
    });
  });
});
