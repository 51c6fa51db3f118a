import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCatalogue, makeInstallation, makeUser, makeUtilities, tokenFor } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * GET /api/meters/brands and /api/devices/brands: the lists' brand filters offer only brands of the tenant's own
 * meters or devices (issue 21).
 */
describe('brands in use', () => {
  let t: TestApp;
  let tokens: Record<'root' | 'aski' | 'hatsu' | 'noMeters' | 'liveOnly', string>;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;

  beforeAll(async () => {
    t = await startTestApp('asset_brands');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    ids = { root: root.id, aski: a.id, hatsu: b.id };
    const catalogue = await makeCatalogue(t, { ASKI: a, HATSU: b });
    const install = async (tenant: typeof a, no: string, model: string, brand: string) =>
      makeInstallation(t, {
        tenant,
        subscriptionNo: no,
        meterProfile: catalogue.meterProfiles[model],
        deviceProfile: catalogue.deviceProfilesByBrand[brand],
      });
    // A has Baylan and Itron meters (twice Baylan), B only Manas; the catalogue holds more brands than that.
    await install(a, 'ASK-000001', 'KT-15 R160', 'Baylan');
    await install(a, 'ASK-000002', 'KT-15 R160', 'Ima');
    await install(a, 'ASK-000003', 'Flodis DN15 R160', 'Itron');
    await install(b, 'HAT-000001', 'MNS-SJ15 R100', 'Manas');
    const clerk = await makeUser(t, { tenant: a, permissions: { CUSTOMERS: 'r' } });
    const watcher = await makeUser(t, { tenant: a, permissions: { LIVE_READINGS: 'r' } });
    tokens = {
      root: rootAdmin.token,
      aski: aAdmin.token,
      hatsu: bAdmin.token,
      noMeters: await tokenFor(t, clerk),
      liveOnly: await tokenFor(t, watcher),
    };
  });
  afterAll(async () => t?.close());

  describe.each([
    { path: 'meters', table: 'meter', aski: 2 },
    { path: 'devices', table: 'device', aski: 3 },
  ])('$path', (kind) => {
    const brandsOf = async (token: string, query = '') => {
      const res = await t.request({ url: `/api/${kind.path}/brands${query}`, token });
      expect(res.status).toBe(200);
      return (res.body.items as { id: string; name: string }[]).map((b) => b.name);
    };

    it("lists each brand of the caller's assets once, by name, and no brand without a meter there", async () => {
      const all = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${kind.table}_brand`);
      expect(all[0]!.n).toBeGreaterThan(3);
      const aski = await brandsOf(tokens.aski);
      const expected = await t.sql<{ name: string }>(
        `SELECT DISTINCT b.name FROM ${kind.table} x JOIN ${kind.table}_brand b ON b.id = x.brand_id WHERE x.tenant_id = $1 ORDER BY b.name`,
        [ids.aski],
      );
      expect(expected).toHaveLength(kind.aski);
      expect(aski).toEqual(expected.map((r) => r.name));
    });

    it("keeps tenants apart: a utility never sees another's brands, the root sees its subtree or one tenant's", async () => {
      const aski = await brandsOf(tokens.aski);
      const hatsu = await brandsOf(tokens.hatsu);
      expect(hatsu).toHaveLength(1);
      expect(aski).not.toContain(hatsu[0]);
      expect((await brandsOf(tokens.root)).sort()).toEqual([...aski, ...hatsu].sort());
      expect(await brandsOf(tokens.root, `?tenantId=${ids.hatsu}`)).toEqual(hatsu);
      // A tenant outside the caller's tree is not a filter it may use.
      const res = await t.request({ url: `/api/${kind.path}/brands?tenantId=${ids.hatsu}`, token: tokens.aski });
      expect([403, 404]).toContain(res.status);
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const res = await t.request({ url: `/api/${kind.path}/brands?tenantId=not-a-uuid`, token: tokens.aski });
      expect(res.status).toBe(400);
      expect(res.body.details.some((d: { path: unknown }) => JSON.stringify(d.path).includes('tenantId'))).toBe(true);
      expect((await t.request({ url: `/api/${kind.path}/brands?sort=name`, token: tokens.aski })).status).toBe(400);
    });

    it('answers only a caller who may read them', async () => {
      expect((await t.request({ url: `/api/${kind.path}/brands`, token: tokens.noMeters })).status).toBe(403);
      expect((await t.request({ url: `/api/${kind.path}/brands` })).status).toBe(401);
    });
  });

  describe('live readings (GET /api/readings/live/brands)', () => {
    const live = (token: string, query = '') => t.request({ url: `/api/readings/live/brands${query}`, token });
    const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((b) => b.name);

    it('gives a user with only the live readings right the brands of the meters it sees there', async () => {
      expect((await t.request({ url: '/api/meters/brands', token: tokens.liveOnly })).status).toBe(403);
      const res = await live(tokens.liveOnly);
      expect(res.status).toBe(200);
      const expected = await t.sql<{ name: string }>(
        `SELECT DISTINCT b.name FROM meter x JOIN meter_brand b ON b.id = x.brand_id WHERE x.tenant_id = $1 ORDER BY b.name`,
        [ids.aski],
      );
      expect(expected).toHaveLength(2);
      expect(names(res)).toEqual(expected.map((r) => r.name));
    });

    it("keeps tenants apart: another utility's brands never show, and its id is not a filter", async () => {
      const hatsu = names(await live(tokens.hatsu));
      expect(hatsu).toHaveLength(1);
      expect(names(await live(tokens.liveOnly))).not.toContain(hatsu[0]);
      expect(names(await live(tokens.root, `?tenantId=${ids.hatsu}`))).toEqual(hatsu);
      expect((await live(tokens.root)).body.items).toHaveLength(3);
      expect((await live(tokens.liveOnly, `?tenantId=${ids.hatsu}`)).status).toBe(404);
    });

    it('refuses a caller without the live readings right, and bad input', async () => {
      expect((await live(tokens.noMeters)).status).toBe(403);
      expect((await t.request({ url: '/api/readings/live/brands' })).status).toBe(401);
      const bad = await live(tokens.liveOnly, '?tenantId=nope');
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].path).toEqual(['tenantId']);
    });
  });
});
