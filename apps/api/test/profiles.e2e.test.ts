import { DEVICE_PROFILE_KEY_BY_MODEL, encodeUplink } from '@water/db';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UplinkProcessor } from '../src/modules/ingest/uplink.processor';
import { makeCatalogue, makeInstallation, makeUtilities, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

interface Ref {
  id: string;
  brand: string;
  modelCode: string;
}
const brands = (items: { brand: { name: string } }[]) => items.map((p) => p.brand.name).sort();
const refs = (items: Ref[]) => items.map((p) => `${p.brand} ${p.modelCode}`).sort();

describe('profiles', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let tenants: Record<'root' | 'aski' | 'hatsu', string>;
  let names: Record<'aski' | 'hatsu', string>;
  let meter: Record<string, string>;
  let device: Record<string, string>;
  let tech: Record<string, string>;
  let meterBrand: Record<string, string>;
  let deviceBrand: Record<string, string>;
  let ip68: string;

  const count = async (table: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  /** A valid new meter profile; tests override what they exercise. */
  const newMeterProfile = (over: Record<string, unknown> = {}) => ({
    brandId: meterBrand.Bereket,
    modelCode: 'BRK-SJ20 R100',
    meterType: 'SINGLE_JET',
    dialType: 'SUPER_DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'THREAD',
    ipRatingId: ip68,
    diameterMm: 20,
    lengthMm: 130,
    widthMm: 80,
    heightMm: 100,
    q1: 0.04,
    q2: 0.064,
    q3: 4,
    q4: 5,
    pressureLossBar: 0.63,
    communicationModule: 'RETROFIT',
    ...over,
  });

  beforeAll(async () => {
    t = await startTestApp('profiles');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    tenants = { root: root.id, aski: a.id, hatsu: b.id };
    names = { aski: a.name, hatsu: b.name };
    // The brief's catalogue with A and B in ASKİ's and HATSU's places, and installations that use some of it.
    const catalogue = await makeCatalogue(t, { ASKI: a, HATSU: b });
    const install = async (tenant: Tenant, model: string, brand: string, n: number) => {
      for (let i = 0; i < n; i++)
        await makeInstallation(t, {
          tenant,
          meterProfile: catalogue.meterProfiles[model],
          deviceProfile: catalogue.deviceProfilesByBrand[brand],
          initialIndexM3: 10 + i,
        });
    };
    await install(a, 'KT-15 R160', 'Baylan', 3);
    await install(a, 'Flodis DN15 R160', 'Itron', 2);
    await install(b, 'CEM-YK15 R125', 'Cem', 2);
    await install(b, 'MNS-SJ15 R100', 'Manas', 1);
    await install(b, 'KLP-MK25 R100', 'Klepsan', 1);
    const byName = (rows: { id: string; name: string }[]) => Object.fromEntries(rows.map((r) => [r.name, r.id]));
    meter = byName(
      await t.sql(`SELECT p.id, b.name || ' ' || p.model_code AS name FROM meter_profile p JOIN meter_brand b ON b.id = p.brand_id`),
    );
    device = byName(await t.sql(`SELECT p.id, b.name AS name FROM device_profile p JOIN device_brand b ON b.id = p.brand_id`));
    tech = byName(await t.sql('SELECT id, code AS name FROM communication_technology'));
    meterBrand = byName(await t.sql('SELECT id, name FROM meter_brand'));
    deviceBrand = byName(await t.sql('SELECT id, name FROM device_brand'));
    ip68 = (await t.sql<{ id: string }>(`SELECT id FROM ip_rating WHERE code = 'IP68'`))[0].id;
  });
  afterAll(async () => t?.close());

  describe('visibility', () => {
    it('shows ASKİ only the profiles allowed to it, HATSU and the root all of them', async () => {
      const askiMeters = await t.request({ url: '/api/meter-profiles', token: aski });
      expect(askiMeters.status).toBe(200);
      expect(askiMeters.body.total).toBe(4);
      expect(brands(askiMeters.body.items)).toEqual(['Baylan', 'Baylan', 'Itron', 'Itron']);
      const askiDevices = await t.request({ url: '/api/device-profiles', token: aski });
      expect(brands(askiDevices.body.items)).toEqual(['Baylan', 'Ima', 'Inodya', 'Itron', 'Manas']);

      for (const token of [hatsu, admin]) {
        expect((await t.request({ url: '/api/meter-profiles', token })).body.total).toBe(10);
        expect((await t.request({ url: '/api/device-profiles', token })).body.total).toBe(7);
      }
    });

    it('answers 404 for a profile the caller cannot see, on every route', async () => {
      const zenner = meter['Zenner ETKD-N DN15 R100'];
      const cem = device.Cem;
      expect((await t.request({ url: `/api/meter-profiles/${zenner}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/device-profiles/${cem}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/device-profiles/${cem}/fields`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/device-profiles/${cem}/scenarios`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/meter-profiles/${zenner}`, token: hatsu })).status).toBe(200);
      expect((await t.request({ url: `/api/device-profiles/${cem}`, token: admin })).status).toBe(200);
    });

    it('narrows related profiles and tenants in a detail to what the caller sees', async () => {
      const ima = device.Ima;
      const fromAski = await t.request({ url: `/api/device-profiles/${ima}`, token: aski });
      expect(fromAski.status).toBe(200);
      expect(fromAski.body.compatibleMeterProfiles.map((p: Ref) => p.brand).sort()).toEqual(['Baylan', 'Baylan', 'Itron', 'Itron']);
      expect(fromAski.body.allowedTenants).toEqual([{ id: tenants.aski, name: names.aski }]);
      const fromRoot = await t.request({ url: `/api/device-profiles/${ima}`, token: admin });
      expect(fromRoot.body.compatibleMeterProfiles).toHaveLength(10);
      expect(fromRoot.body.allowedTenants.map((x: { name: string }) => x.name)).toEqual([names.aski, names.hatsu]);
    });

    it('filters by the tenant that will use the profile, only for tenants the caller may see', async () => {
      const forAski = await t.request({ url: `/api/meter-profiles?tenantId=${tenants.aski}`, token: admin });
      expect(forAski.body.total).toBe(4);
      const forRoot = await t.request({ url: `/api/meter-profiles?tenantId=${tenants.root}`, token: admin });
      expect(forRoot.body.total).toBe(10);
      expect((await t.request({ url: `/api/device-profiles?tenantId=${tenants.hatsu}`, token: admin })).body.total).toBe(7);
      expect((await t.request({ url: `/api/meter-profiles?tenantId=${tenants.hatsu}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/device-profiles?tenantId=${tenants.root}`, token: hatsu })).status).toBe(404);
    });

    it('answers a filter naming a profile the caller cannot see with 404, as opening it would', async () => {
      const zenner = meter['Zenner ETKD-N DN15 R100'];
      const cem = device.Cem;
      const unknown = '00000000-0000-4000-8000-000000000001';
      for (const url of [
        `/api/device-profiles?meterProfileId=${zenner}`,
        `/api/meter-profiles?deviceProfileId=${cem}`,
        `/api/device-profiles?meterProfileId=${unknown}`,
        `/api/meter-profiles?brandId=${unknown}`,
        `/api/device-profiles?brandId=${unknown}`,
        `/api/device-profiles?technologyId=${unknown}`,
      ]) {
        const res = await t.request({ url, token: aski });
        expect(res.status, `${url}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(404);
      }
      // Visible to HATSU: the same filters answer.
      const forHatsu = await t.request({ url: `/api/device-profiles?meterProfileId=${zenner}`, token: hatsu });
      expect(forHatsu.status).toBe(200);
      expect(forHatsu.body.total).toBeGreaterThan(0);
      expect((await t.request({ url: `/api/meter-profiles?deviceProfileId=${cem}`, token: admin })).status).toBe(200);
    });
  });

  describe('meter profiles', () => {
    it('lists with paging, sorting, search and filters', async () => {
      const page = await t.request({ url: '/api/meter-profiles?pageSize=3&page=2', token: admin });
      expect(page.body).toMatchObject({ total: 10, page: 2, pageSize: 3 });
      expect(page.body.items).toHaveLength(3);
      expect((await t.request({ url: '/api/meter-profiles', token: admin })).body.pageSize).toBe(30);

      const byDiameter = await t.request({ url: '/api/meter-profiles?sort=diameterMm&order=desc', token: admin });
      expect(byDiameter.body.items[0].modelCode).toBe('WPHD-N DN50 R100');
      const search = await t.request({ url: '/api/meter-profiles?search=zenner', token: admin });
      expect(search.body.items.map((p: { modelCode: string }) => p.modelCode).sort()).toEqual(['ETKD-N DN15 R100', 'WPHD-N DN50 R100']);
      expect((await t.request({ url: '/api/meter-profiles?search=flodis', token: aski })).body.total).toBe(1);
      expect((await t.request({ url: '/api/meter-profiles?meterType=ULTRASONIC', token: admin })).body.items[0].modelCode).toBe(
        'UK-20 Ultrasonik R400',
      );
      expect((await t.request({ url: '/api/meter-profiles?communicationModule=INTEGRATED', token: admin })).body.total).toBe(1);
      expect((await t.request({ url: `/api/meter-profiles?brandId=${meterBrand.Manas}`, token: admin })).body.total).toBe(2);
      expect((await t.request({ url: `/api/meter-profiles?brandId=${meterBrand.Manas}`, token: aski })).body.total).toBe(0);
      const forCem = await t.request({ url: `/api/meter-profiles?deviceProfileId=${device.Cem}`, token: admin });
      expect(forCem.body.items.map((p: { brand: { name: string } }) => p.brand.name)).toEqual(['Cem']);

      for (const bad of ['meterType=TURBINE', 'sort=color', 'brandId=123', 'pageSize=0', 'colour=red']) {
        const res = await t.request({ url: `/api/meter-profiles?${bad}`, token: admin });
        expect(res.status, bad).toBe(400);
      }
    });

    it('shows every technical field, with decimals as numbers and R computed or entered', async () => {
      const baylan = await t.request({ url: `/api/meter-profiles/${meter['Baylan KT-15 R160']}`, token: aski });
      expect(baylan.status).toBe(200);
      expect(baylan.body).toMatchObject({
        brand: { id: meterBrand.Baylan, name: 'Baylan' },
        modelCode: 'KT-15 R160',
        meterType: 'SINGLE_JET',
        dialType: 'SUPER_DRY',
        temperatureType: 'T30',
        mountingType: 'HORIZONTAL',
        connectionType: 'THREAD',
        ipRating: { id: ip68, code: 'IP68' },
        diameterMm: 15,
        lengthMm: 110,
        widthMm: 78,
        heightMm: 100,
        q1: 0.0156,
        q2: 0.025,
        q3: 2.5,
        q4: 3.125,
        rValue: 160,
        rValueManual: true,
        pressureLossBar: 0.6,
        communicationModule: 'RETROFIT',
      });
      expect(refs(baylan.body.compatibleDeviceProfiles)).toEqual(['Baylan BYL-NB1', 'Ima IMA-LW-U1']);
      const manas = await t.request({ url: `/api/meter-profiles/${meter['Manas MNS-SJ15 R100']}`, token: hatsu });
      expect(manas.body).toMatchObject({ rValue: 100, rValueManual: false });
      expect(manas.body.allowedTenants).toEqual([{ id: tenants.hatsu, name: names.hatsu }]);
    });

    it('creates, updates and deletes a profile, computing R unless it is entered', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/meter-profiles',
        token: admin,
        body: newMeterProfile({ compatibleDeviceProfileIds: [device.Ima, device.Baylan], allowedTenantIds: [tenants.aski] }),
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        modelCode: 'BRK-SJ20 R100',
        q1: 0.04,
        q3: 4,
        rValue: 100,
        rValueManual: false,
        brand: { name: 'Bereket' },
      });
      expect(refs(created.body.compatibleDeviceProfiles)).toEqual(['Baylan BYL-NB1', 'Ima IMA-LW-U1']);
      expect(created.body.allowedTenants.map((x: { name: string }) => x.name)).toEqual([names.aski]);
      const id = created.body.id;
      expect((await t.request({ url: '/api/meter-profiles', token: aski })).body.total).toBe(5);
      expect((await t.request({ url: '/api/meter-profiles', token: hatsu })).body.total).toBe(10);

      const manual = await t.request({ method: 'PATCH', url: `/api/meter-profiles/${id}`, token: admin, body: { rValue: 125 } });
      expect(manual.body).toMatchObject({ rValue: 125, rValueManual: true });
      // A manual R stays when the rates change.
      expect(
        (await t.request({ method: 'PATCH', url: `/api/meter-profiles/${id}`, token: admin, body: { q1: 0.025, q2: 0.04 } })).body.rValue,
      ).toBe(125);
      const automatic = await t.request({ method: 'PATCH', url: `/api/meter-profiles/${id}`, token: admin, body: { rValue: null } });
      expect(automatic.body).toMatchObject({ rValue: 160, rValueManual: false });

      const renamed = await t.request({
        method: 'PATCH',
        url: `/api/meter-profiles/${id}`,
        token: admin,
        body: { modelCode: 'BRK-SJ20 R160', meterType: 'MULTI_JET', allowedTenantIds: [] },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ modelCode: 'BRK-SJ20 R160', meterType: 'MULTI_JET', allowedTenants: [] });
      expect((await t.request({ url: `/api/meter-profiles/${id}`, token: aski })).status).toBe(404);

      expect((await t.request({ method: 'DELETE', url: `/api/meter-profiles/${id}`, token: admin })).status).toBe(204);
      expect(await t.sql('SELECT 1 FROM meter_profile_device_profile WHERE meter_profile_id = $1', [id])).toEqual([]);
      const audit = await t.sql(`SELECT action FROM audit_log WHERE entity_type = 'meter_profile' AND entity_id = $1 ORDER BY id`, [id]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'update', 'update', 'update', 'delete']);
    });

    it('refuses bad input with 400 and the field path, changing nothing', async () => {
      const before = await count('meter_profile');
      const cases: [Record<string, unknown>, (string | number)[]][] = [
        [{ q2: 0.03 }, ['q2']],
        [{ q4: 3.9 }, ['q4']],
        [{ q1: 0.00001 }, ['q1']],
        [{ q1: -1 }, ['q1']],
        [{ meterType: 'TURBINE' }, ['meterType']],
        [{ communicationModule: 'LORA' }, ['communicationModule']],
        [{ brandId: 'baylan' }, ['brandId']],
        [{ brandId: '5b0a3f0e-7c1d-4e8a-9f2b-1c3d4e5f6a7b' }, ['brandId']],
        [{ ipRatingId: '5b0a3f0e-7c1d-4e8a-9f2b-1c3d4e5f6a7b' }, ['ipRatingId']],
        [{ modelCode: 'x'.repeat(61) }, ['modelCode']],
        [{ modelCode: '   ' }, ['modelCode']],
        [{ diameterMm: 15.5 }, ['diameterMm']],
        [{ rValue: 0 }, ['rValue']],
        [{ colour: 'blue' }, []],
        [{ compatibleDeviceProfileIds: ['5b0a3f0e-7c1d-4e8a-9f2b-1c3d4e5f6a7b'] }, ['compatibleDeviceProfileIds', 0]],
        [{ compatibleDeviceProfileIds: [device.Ima, device.Ima] }, ['compatibleDeviceProfileIds', 1]],
        [{ allowedTenantIds: [tenants.root] }, ['allowedTenantIds', 0]],
        [{ allowedTenantIds: [tenants.aski, '5b0a3f0e-7c1d-4e8a-9f2b-1c3d4e5f6a7b'] }, ['allowedTenantIds', 1]],
      ];
      for (const [over, path] of cases) {
        const res = await t.request({ method: 'POST', url: '/api/meter-profiles', token: admin, body: newMeterProfile(over) });
        expect(res.status, JSON.stringify(over)).toBe(400);
        expect(res.body.details[0].path, JSON.stringify(over)).toEqual(path);
      }
      const missing = await t.request({ method: 'POST', url: '/api/meter-profiles', token: admin, body: { brandId: meterBrand.Baylan } });
      expect(missing.status).toBe(400);
      expect(missing.body.details.map((d: { path: string[] }) => d.path[0])).toEqual(
        expect.arrayContaining(['modelCode', 'q1', 'ipRatingId']),
      );

      // The order is checked against the stored rates on a partial update too.
      const stored = meter['Manas MNS-SJ15 R100'];
      const patch = await t.request({ method: 'PATCH', url: `/api/meter-profiles/${stored}`, token: admin, body: { q2: 3 } });
      expect(patch.status).toBe(400);
      expect(patch.body.details[0]).toEqual({ path: ['q2'], message: 'must be at most Q3 (2.5)' });
      expect((await t.request({ method: 'PATCH', url: '/api/meter-profiles/12345', token: admin, body: {} })).status).toBe(400);
      expect(await count('meter_profile')).toBe(before);
      expect((await t.sql(`SELECT q2::float AS q2 FROM meter_profile WHERE id = $1`, [stored]))[0].q2).toBe(0.04);
    });

    it('keeps brand and model code unique', async () => {
      const clash = await t.request({
        method: 'POST',
        url: '/api/meter-profiles',
        token: admin,
        body: newMeterProfile({ brandId: meterBrand.Baylan, modelCode: 'kt-15 r160' }),
      });
      expect(clash.status).toBe(409);
      expect(clash.body.message).toBe('meter profile Baylan KT-15 R160 already exists');
      expect(clash.body.details[0].path).toEqual(['modelCode']);
      const rename = await t.request({
        method: 'PATCH',
        url: `/api/meter-profiles/${meter['Baylan UK-20 Ultrasonik R400']}`,
        token: admin,
        body: { modelCode: 'KT-15 R160' },
      });
      expect(rename.status).toBe(409);
      // The same model code under another brand is fine.
      const other = await t.request({
        method: 'POST',
        url: '/api/meter-profiles',
        token: admin,
        body: newMeterProfile({ modelCode: 'KT-15 R160' }),
      });
      expect(other.status).toBe(201);
      expect((await t.request({ method: 'DELETE', url: `/api/meter-profiles/${other.body.id}`, token: admin })).status).toBe(204);
    });

    it('refuses to delete a profile meters use, naming the count', async () => {
      const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM meter WHERE meter_profile_id = $1', [
        meter['Baylan KT-15 R160'],
      ]);
      expect(n).toBeGreaterThan(0);
      const res = await t.request({ method: 'DELETE', url: `/api/meter-profiles/${meter['Baylan KT-15 R160']}`, token: admin });
      expect(res.status).toBe(409);
      expect(res.body.message).toBe(`meter profile Baylan KT-15 R160 is used by ${n} meter${n === 1 ? '' : 's'}`);
    });
  });

  describe('who may change the catalogue', () => {
    it('gives a child tenant’s admin 403 on profiles it sees and 404 on those it does not', async () => {
      const before = await t.sql(`SELECT id, model_code, updated_at FROM meter_profile ORDER BY id`);
      const baylan = meter['Baylan KT-15 R160'];
      const zenner = meter['Zenner ETKD-N DN15 R100'];
      expect((await t.request({ method: 'POST', url: '/api/meter-profiles', token: aski, body: newMeterProfile() })).status).toBe(403);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/meter-profiles/${baylan}`, token: aski, body: { modelCode: 'Hacked' } })).status,
      ).toBe(403);
      expect((await t.request({ method: 'DELETE', url: `/api/meter-profiles/${baylan}`, token: aski })).status).toBe(403);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/meter-profiles/${zenner}`, token: aski, body: { modelCode: 'Hacked' } })).status,
      ).toBe(404);
      expect((await t.request({ method: 'DELETE', url: `/api/meter-profiles/${zenner}`, token: aski })).status).toBe(404);
      // Allowing a profile to a tenant it cannot see: the profile is invisible (404), or the right is missing (403).
      expect(
        (
          await t.request({
            method: 'PATCH',
            url: `/api/meter-profiles/${zenner}`,
            token: aski,
            body: { allowedTenantIds: [tenants.aski] },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await t.request({
            method: 'PATCH',
            url: `/api/meter-profiles/${baylan}`,
            token: aski,
            body: { allowedTenantIds: [tenants.hatsu] },
          })
        ).status,
      ).toBe(403);

      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/device-profiles',
            token: hatsu,
            body: { brandId: deviceBrand.Zenner, modelCode: 'X' },
          })
        ).status,
      ).toBe(403);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/device-profiles/${device.Baylan}`, token: aski, body: { description: 'x' } }))
          .status,
      ).toBe(403);
      expect((await t.request({ method: 'DELETE', url: `/api/device-profiles/${device.Cem}`, token: aski })).status).toBe(404);
      const scenario = { name: 'x', technologyId: tech.NBIOT, decoderSource: 'function decodeUplink(input) { return { data: {} }; }' };
      expect(
        (await t.request({ method: 'POST', url: `/api/device-profiles/${device.Baylan}/scenarios`, token: aski, body: scenario })).status,
      ).toBe(403);
      expect(
        (await t.request({ method: 'POST', url: `/api/device-profiles/${device.Cem}/scenarios`, token: aski, body: scenario })).status,
      ).toBe(404);

      expect(await t.sql(`SELECT id, model_code, updated_at FROM meter_profile ORDER BY id`)).toEqual(before);
    });

    it('allows a profile to a tenant only when its parent may use it', async () => {
      const child = await t.request({
        method: 'POST',
        url: '/api/tenants',
        token: aski,
        body: { parentId: tenants.aski, name: `${names.aski} Polatlı` },
      });
      expect(child.status).toBe(201);
      const zenner = meter['Zenner ETKD-N DN15 R100'];

      const orphan = await t.request({
        method: 'PATCH',
        url: `/api/meter-profiles/${zenner}`,
        token: admin,
        body: { allowedTenantIds: [tenants.hatsu, child.body.id] },
      });
      expect(orphan.status).toBe(400);
      expect(orphan.body.details[0].path).toEqual(['allowedTenantIds', 1]);

      const withParent = await t.request({
        method: 'PATCH',
        url: `/api/meter-profiles/${zenner}`,
        token: admin,
        body: { allowedTenantIds: [tenants.hatsu, child.body.id, tenants.aski] },
      });
      expect(withParent.status).toBe(200);
      expect(withParent.body.allowedTenants.map((x: { name: string }) => x.name)).toEqual([
        names.aski,
        `${names.aski} Polatlı`,
        names.hatsu,
      ]);
      const seen = await t.request({ url: `/api/meter-profiles/${zenner}`, token: aski });
      expect(seen.status).toBe(200);
      // ASKİ sees itself and its child, never HATSU.
      expect(seen.body.allowedTenants.map((x: { name: string }) => x.name)).toEqual([names.aski, `${names.aski} Polatlı`]);
      expect((await t.request({ url: `/api/meter-profiles?tenantId=${child.body.id}`, token: aski })).body.total).toBe(1);

      const back = await t.request({
        method: 'PATCH',
        url: `/api/meter-profiles/${zenner}`,
        token: admin,
        body: { allowedTenantIds: [tenants.hatsu] },
      });
      expect(back.status).toBe(200);
      expect((await t.request({ url: `/api/meter-profiles/${zenner}`, token: aski })).status).toBe(404);
    });

    it('refuses to take a profile away from a tenant whose meters use it', async () => {
      const [{ id, n }] = await t.sql<{ id: string; n: number }>(
        `SELECT meter_profile_id AS id, count(*)::int AS n FROM meter WHERE tenant_id = $1 GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
        [tenants.aski],
      );
      const res = await t.request({
        method: 'PATCH',
        url: `/api/meter-profiles/${id}`,
        token: admin,
        body: { allowedTenantIds: [tenants.hatsu] },
      });
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(new RegExp(`^${n} meters of ${names.aski} still use meter profile`));
      expect(
        await t.sql('SELECT 1 FROM tenant_meter_profile WHERE tenant_id = $1 AND meter_profile_id = $2', [tenants.aski, id]),
      ).toHaveLength(1);
    });
  });

  describe('device profiles', () => {
    let created: string;

    it('creates a profile whose compatibility shows from the meter side', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/device-profiles',
        token: admin,
        body: {
          brandId: deviceBrand.Zenner,
          modelCode: 'ZR-LW1',
          communicationModule: 'RETROFIT',
          batteryLifeMonths: 120,
          expectedIntervalMinutes: 1440,
          description: 'Zenner LoRaWAN pulse reader',
          technologyIds: [tech.LORAWAN],
          compatibleMeterProfileIds: [meter['Zenner ETKD-N DN15 R100'], meter['Klepsan KLP-MK25 R100']],
          allowedTenantIds: [tenants.hatsu],
        },
      });
      expect(res.status).toBe(201);
      created = res.body.id;
      expect(res.body).toMatchObject({
        modelCode: 'ZR-LW1',
        batteryLifeMonths: 120,
        expectedIntervalMinutes: 1440,
        scenarioCount: 0,
        technologies: [{ code: 'LORAWAN' }],
      });
      expect(refs(res.body.compatibleMeterProfiles)).toEqual(['Klepsan KLP-MK25 R100', 'Zenner ETKD-N DN15 R100']);

      const zenner = await t.request({ url: `/api/meter-profiles/${meter['Zenner ETKD-N DN15 R100']}`, token: hatsu });
      expect(refs(zenner.body.compatibleDeviceProfiles)).toEqual(['Ima IMA-LW-U1', 'Zenner ZR-LW1']);

      // Changed from the device side, read from the meter side: one relation.
      const patched = await t.request({
        method: 'PATCH',
        url: `/api/device-profiles/${created}`,
        token: admin,
        body: { compatibleMeterProfileIds: [meter['Klepsan KLP-MK25 R100']] },
      });
      expect(patched.status).toBe(200);
      expect(
        refs(
          (await t.request({ url: `/api/meter-profiles/${meter['Zenner ETKD-N DN15 R100']}`, token: admin })).body.compatibleDeviceProfiles,
        ),
      ).toEqual(['Ima IMA-LW-U1']);
      expect(
        refs(
          (await t.request({ url: `/api/meter-profiles/${meter['Klepsan KLP-MK25 R100']}`, token: admin })).body.compatibleDeviceProfiles,
        ),
      ).toContain('Zenner ZR-LW1');
      // And from the meter side back.
      await t.request({
        method: 'PATCH',
        url: `/api/meter-profiles/${meter['Cem CEM-YK15 R125']}`,
        token: admin,
        body: { compatibleDeviceProfileIds: [device.Cem, device.Ima, created] },
      });
      expect(refs((await t.request({ url: `/api/device-profiles/${created}`, token: admin })).body.compatibleMeterProfiles)).toEqual([
        'Cem CEM-YK15 R125',
        'Klepsan KLP-MK25 R100',
      ]);
      expect(await t.sql('SELECT 1 FROM meter_profile_device_profile WHERE device_profile_id = $1', [created])).toHaveLength(2);

      expect((await t.request({ url: '/api/device-profiles?search=zr-lw', token: hatsu })).body.total).toBe(1);
      expect((await t.request({ url: '/api/device-profiles?search=zr-lw', token: aski })).body.total).toBe(0);
      expect((await t.request({ url: `/api/device-profiles?technologyId=${tech.NBIOT}`, token: admin })).body.total).toBe(2);
      expect((await t.request({ url: `/api/device-profiles?meterProfileId=${meter['Cem CEM-YK15 R125']}`, token: admin })).body.total).toBe(
        3,
      );
    });

    it('refuses bad input with the field path and a duplicate model with 409', async () => {
      const before = await count('device_profile');
      const base = { brandId: deviceBrand.Zenner, modelCode: 'ZR-NB1' };
      const cases: [Record<string, unknown>, (string | number)[]][] = [
        [{ communicationModule: 'NONE', batteryLifeMonths: 60 }, ['batteryLifeMonths']],
        [{ communicationModule: 'WIRELESS' }, ['communicationModule']],
        [{ technologyIds: ['5b0a3f0e-7c1d-4e8a-9f2b-1c3d4e5f6a7b'] }, ['technologyIds', 0]],
        [{ technologyIds: [tech.NBIOT, tech.NBIOT] }, ['technologyIds', 1]],
        [{ expectedIntervalMinutes: 0 }, ['expectedIntervalMinutes']],
        [{ description: 'x'.repeat(501) }, ['description']],
        [{ compatibleMeterProfileIds: ['nope'] }, ['compatibleMeterProfileIds', 0]],
        [{ brandId: meterBrand.Bereket }, ['brandId']],
      ];
      for (const [over, path] of cases) {
        const res = await t.request({ method: 'POST', url: '/api/device-profiles', token: admin, body: { ...base, ...over } });
        expect(res.status, JSON.stringify(over)).toBe(400);
        expect(res.body.details[0].path, JSON.stringify(over)).toEqual(path);
      }
      const duplicate = await t.request({
        method: 'POST',
        url: '/api/device-profiles',
        token: admin,
        body: { brandId: deviceBrand.Zenner, modelCode: 'zr-lw1' },
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.message).toBe('device profile Zenner ZR-LW1 already exists');
      // Battery life is checked against the stored module on a partial update.
      const none = await t.request({
        method: 'PATCH',
        url: `/api/device-profiles/${created}`,
        token: admin,
        body: { communicationModule: 'NONE' },
      });
      expect(none.status).toBe(400);
      expect(none.body.details[0].path).toEqual(['batteryLifeMonths']);
      expect(await count('device_profile')).toBe(before);
      const ok = await t.request({
        method: 'PATCH',
        url: `/api/device-profiles/${created}`,
        token: admin,
        body: { communicationModule: 'NONE', batteryLifeMonths: null },
      });
      expect(ok.body).toMatchObject({ communicationModule: 'NONE', batteryLifeMonths: null });
      await t.request({
        method: 'PATCH',
        url: `/api/device-profiles/${created}`,
        token: admin,
        body: { communicationModule: 'RETROFIT', batteryLifeMonths: 120 },
      });
    });

    it('gives the device form the identifier fields of the profile’s technologies', async () => {
      const fields = await t.request({ url: `/api/device-profiles/${device.Ima}/fields`, token: aski });
      expect(fields.status).toBe(200);
      expect(fields.body.map((f: { key: string }) => f.key)).toEqual(['DevEUI', 'JoinEUI', 'AppKey']);
      expect(fields.body[0]).toMatchObject({
        technologyId: tech.LORAWAN,
        technologyCode: 'LORAWAN',
        label: 'DevEUI',
        labelEn: 'DevEUI',
        valueType: 'HEX',
        length: 16,
        regex: '^[a-fA-F0-9]{16}$',
        isRequired: true,
        isUnique: true,
        isSecret: false,
      });
      expect(fields.body[2]).toMatchObject({ key: 'AppKey', isSecret: true });
      const nbiot = await t.request({ url: `/api/device-profiles/${device.Baylan}/fields`, token: aski });
      expect(nbiot.body.map((f: { key: string }) => f.key)).toEqual(['IMEI', 'IMSI', 'ICCID']);

      await t.request({
        method: 'PATCH',
        url: `/api/device-profiles/${created}`,
        token: admin,
        body: { technologyIds: [tech.LORAWAN, tech.WMBUS] },
      });
      const both = await t.request({ url: `/api/device-profiles/${created}/fields`, token: hatsu });
      expect(both.body.map((f: { technologyCode: string; key: string }) => `${f.technologyCode}.${f.key}`)).toEqual([
        'LORAWAN.DevEUI',
        'LORAWAN.JoinEUI',
        'LORAWAN.AppKey',
        'WMBUS.ManufacturerCode',
        'WMBUS.MeterId',
        'WMBUS.Version',
        'WMBUS.DeviceType',
        'WMBUS.AesKey',
      ]);
    });

    it('manages message scenarios, bumping the version on every change', async () => {
      const seeded = await t.request({ url: `/api/device-profiles/${device.Ima}/scenarios`, token: aski });
      expect(seeded.status).toBe(200);
      expect(seeded.body.map((s: { fPort: number | null }) => s.fPort)).toEqual([1, 2]);
      expect(seeded.body[0].decoderSource).toMatch(/function decodeUplink/);

      const url = `/api/device-profiles/${created}/scenarios`;
      const source = 'function decodeUplink(input) { return { data: { indexM3: 0 } }; }';
      const before = await count('message_scenario');
      const cases: [Record<string, unknown>, (string | number)[]][] = [
        [{ technologyId: tech.NBIOT }, ['technologyId']],
        [{ decoderSource: 'function decode(bytes) { return {}; }' }, ['decoderSource']],
        [{ decoderSource: `${source}//${'x'.repeat(65_536)}` }, ['decoderSource']],
        [{ fPort: 256 }, ['fPort']],
        [{ fPort: -1 }, ['fPort']],
        [{ fieldMapping: { index: 7 } }, ['fieldMapping', 'index']],
        [{ fieldMapping: ['indexM3'] }, ['fieldMapping']],
        [{ name: '' }, ['name']],
        [{ run: true }, []],
      ];
      for (const [over, path] of cases) {
        const res = await t.request({
          method: 'POST',
          url,
          token: admin,
          body: { name: 'Index', technologyId: tech.LORAWAN, decoderSource: source, ...over },
        });
        expect(res.status, JSON.stringify(over).slice(0, 80)).toBe(400);
        expect(res.body.details[0].path, JSON.stringify(over).slice(0, 80)).toEqual(path);
      }
      expect(await count('message_scenario')).toBe(before);

      const scenario = await t.request({
        method: 'POST',
        url,
        token: admin,
        body: { name: 'Daily index', technologyId: tech.LORAWAN, fPort: 1, decoderSource: source, fieldMapping: { volume: 'indexM3' } },
      });
      expect(scenario.status).toBe(201);
      expect(scenario.body).toMatchObject({
        name: 'Daily index',
        fPort: 1,
        version: 1,
        isActive: true,
        fieldMapping: { volume: 'indexM3' },
        technology: { code: 'LORAWAN' },
      });
      const sid = scenario.body.id;

      const v2 = await t.request({ method: 'PATCH', url: `${url}/${sid}`, token: admin, body: { fPort: null, isActive: false } });
      expect(v2.body).toMatchObject({ fPort: null, isActive: false, version: 2 });
      const v3 = await t.request({
        method: 'PATCH',
        url: `${url}/${sid}`,
        token: admin,
        body: { decoderSource: source.replace('0', '1') },
      });
      expect(v3.body.version).toBe(3);
      expect((await t.request({ method: 'PATCH', url: `${url}/${sid}`, token: admin, body: { technologyId: tech.SIGFOX } })).status).toBe(
        400,
      );
      expect((await t.request({ url: `/api/device-profiles/${created}`, token: admin })).body.scenarios).toEqual([
        expect.objectContaining({ id: sid, version: 3 }),
      ]);
      // A scenario is addressed through its own profile only.
      expect(
        (
          await t.request({
            method: 'PATCH',
            url: `/api/device-profiles/${device.Ima}/scenarios/${sid}`,
            token: admin,
            body: { name: 'x' },
          })
        ).status,
      ).toBe(404);

      // A technology still used by a scenario stays on the profile.
      const drop = await t.request({
        method: 'PATCH',
        url: `/api/device-profiles/${created}`,
        token: admin,
        body: { technologyIds: [tech.WMBUS] },
      });
      expect(drop.status).toBe(409);
      expect(drop.body.message).toMatch(/^LoRaWAN of device profile Zenner ZR-LW1 is used by 1 message scenario/);

      expect((await t.request({ method: 'DELETE', url: `${url}/${sid}`, token: admin })).status).toBe(204);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/device-profiles/${created}`, token: admin, body: { technologyIds: [tech.WMBUS] } }))
          .status,
      ).toBe(200);
      const audit = await t.sql(`SELECT action FROM audit_log WHERE entity_type = 'message_scenario' AND entity_id = $1 ORDER BY id`, [
        sid,
      ]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'update', 'delete']);
    });

    it('refuses to break what is installed: used profiles, attached pairs', async () => {
      const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM device WHERE device_profile_id = $1', [device.Cem]);
      const inUse = await t.request({ method: 'DELETE', url: `/api/device-profiles/${device.Cem}`, token: admin });
      expect(inUse.status).toBe(409);
      expect(inUse.body.message).toBe(`device profile Cem CEM-SFX01 is used by ${n} devices`);

      const [pair] = await t.sql<{ meter_profile_id: string; device_profile_id: string }>(
        `SELECT m.meter_profile_id, d.device_profile_id FROM device d JOIN meter m ON m.id = d.meter_id LIMIT 1`,
      );
      const rest = (
        await t.sql<{ id: string }>(
          'SELECT meter_profile_id AS id FROM meter_profile_device_profile WHERE device_profile_id = $1 AND meter_profile_id <> $2',
          [pair.device_profile_id, pair.meter_profile_id],
        )
      ).map((r) => r.id);
      const unpair = await t.request({
        method: 'PATCH',
        url: `/api/device-profiles/${pair.device_profile_id}`,
        token: admin,
        body: { compatibleMeterProfileIds: rest },
      });
      expect(unpair.status).toBe(409);
      expect(
        await t.sql('SELECT 1 FROM meter_profile_device_profile WHERE meter_profile_id = $1 AND device_profile_id = $2', [
          pair.meter_profile_id,
          pair.device_profile_id,
        ]),
      ).toHaveLength(1);

      expect((await t.request({ method: 'DELETE', url: `/api/device-profiles/${created}`, token: admin })).status).toBe(204);
      expect(await t.sql('SELECT 1 FROM meter_profile_device_profile WHERE device_profile_id = $1', [created])).toEqual([]);
      expect(await t.sql('SELECT 1 FROM tenant_device_profile WHERE device_profile_id = $1', [created])).toEqual([]);
    });
  });

  describe('decoder test panel', () => {
    let scenarioUrl: string;
    beforeAll(async () => {
      const scenarios = await t.request({ url: `/api/device-profiles/${device.Ima}/scenarios`, token: aski });
      const index = scenarios.body.find((s: { fPort: number | null }) => s.fPort === 1);
      scenarioUrl = `/api/device-profiles/${device.Ima}/scenarios/${index.id}/test`;
    });

    it('runs the stored decoder on a payload, or the editor text, with its console lines', async () => {
      const stored = await t.request({
        method: 'POST',
        url: scenarioUrl,
        token: aski,
        body: { payloadHex: '4901 0001E240 57 00'.replace(/\s/g, '') },
      });
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({
        function: 'decodeUplink',
        data: { indexM3: 123.456, batteryPct: 87, valve: 'OPEN' },
        warnings: [],
        errors: [],
        logs: [],
      });

      const decoderSource = `const crypto = require('crypto');
        function decodeUplink(input) { console.log('port', input.fPort, 'len', input.bytes.length); return { data: { sha: crypto.createHash('sha256').update(Buffer.from(input.bytes)).digest('hex').slice(0, 8), none: undefined } }; }
        function encodeDownlink(input) { console.info('encoding', input.data); return { bytes: [input.data.valve === 'CLOSED' ? 2 : 1], fPort: 3 }; }
        function decodeDownlink(input) { return { data: { valve: input.bytes[0] === 2 ? 'CLOSED' : 'OPEN', port: input.fPort } }; }`;
      const up = await t.request({
        method: 'POST',
        url: scenarioUrl,
        token: aski,
        body: { payloadBase64: Buffer.from('abc').toString('base64'), fPort: 9, decoderSource },
      });
      expect(up.status).toBe(200);
      expect(up.body).toEqual({
        function: 'decodeUplink',
        data: { sha: createHash('sha256').update('abc').digest('hex').slice(0, 8), none: null },
        warnings: [],
        errors: [],
        logs: ['port 9 len 3'],
      });

      const enc = await t.request({
        method: 'POST',
        url: scenarioUrl,
        token: aski,
        body: { function: 'encodeDownlink', data: { valve: 'CLOSED' }, decoderSource },
      });
      expect(enc.status).toBe(200);
      expect(enc.body).toEqual({
        function: 'encodeDownlink',
        bytes: [2],
        payloadHex: '02',
        fPort: 3,
        warnings: [],
        errors: [],
        logs: ['info: encoding {"valve":"CLOSED"}'],
      });
      const dec = await t.request({
        method: 'POST',
        url: scenarioUrl,
        token: aski,
        body: { function: 'decodeDownlink', payloadHex: enc.body.payloadHex, fPort: 3, decoderSource },
      });
      expect(dec.body).toEqual({ function: 'decodeDownlink', data: { valve: 'CLOSED', port: 3 }, warnings: [], errors: [], logs: [] });
      // The stored decoder has no downlink codec: said so, not a failure of the request.
      const none = await t.request({ method: 'POST', url: scenarioUrl, token: aski, body: { function: 'encodeDownlink', data: {} } });
      expect(none.body.errors).toEqual(['decoder defines no encodeDownlink(input) function']);

      for (const [body, path] of [
        [{ function: 'encodeDownlink' }, ['data']],
        [{ function: 'encodeDownlink', data: {}, payloadHex: '00' }, ['payloadHex']],
        [{ function: 'decodeUplink', payloadHex: '00', data: {} }, ['data']],
        [{ function: 'decodeDownlink' }, ['payloadHex']],
        [{ function: 'eval', payloadHex: '00' }, ['function']],
        [{ payloadHex: '00', timeoutMs: 1001 }, ['timeoutMs']],
      ] as [Record<string, unknown>, string[]][]) {
        const res = await t.request({ method: 'POST', url: scenarioUrl, token: aski, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.details[0].path, JSON.stringify(body)).toEqual(path);
      }
    });

    it('stops a runaway decoder at its budget while the API answers other requests', async () => {
      const started = Date.now();
      const runaway = t.request({
        method: 'POST',
        url: scenarioUrl,
        token: aski,
        body: {
          payloadHex: '00',
          timeoutMs: 300,
          decoderSource: "function decodeUplink() { return { data: { m: /^(a+)+$/.test('a'.repeat(40) + 'b') } }; }",
        },
      });
      // Meanwhile the API answers: health, and another decoder test on the other thread.
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      expect((await t.request({ url: '/api/health' })).status).toBe(200);
      const other = await t.request({ method: 'POST', url: scenarioUrl, token: aski, body: { payloadHex: '490100000001' + '6400' } });
      const otherMs = Date.now() - t0;
      expect(other.body.data).toMatchObject({ indexM3: 0.001, batteryPct: 100 });
      const res = await runaway;
      const elapsed = Date.now() - started;
      expect(otherMs).toBeLessThan(250);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        function: 'decodeUplink',
        data: null,
        warnings: [],
        errors: ['timeout: the decoder ran longer than its 300 ms budget and was stopped'],
        logs: [],
      });
      expect(elapsed).toBeLessThan(2 * 300 + 500);
      expect(elapsed).toBeGreaterThanOrEqual(300);
      // The next decode works normally.
      const next = await t.request({
        method: 'POST',
        url: scenarioUrl,
        token: aski,
        body: { payloadHex: '4901 0001E240 57 00'.replace(/\s/g, '') },
      });
      expect(next.body.data).toMatchObject({ indexM3: 123.456 });
    });
  });

  describe('runaway decoders in the worker', () => {
    it('stores the uplinks of a decoder that never ends as FAILED with `timeout`, the rest of the batch as usual, and then skips it for a while', async () => {
      const rows = await t.sql<{ id: string; tenant_id: string; profile_id: string; model: string; last: string }>(
        `SELECT DISTINCT ON (p.id) d.id, d.tenant_id, p.id AS profile_id, p.model_code AS model, m.last_index_m3::text AS last
           FROM device d JOIN device_profile p ON p.id = d.device_profile_id JOIN meter m ON m.id = d.meter_id
          WHERE d.status = 'ACTIVE' ORDER BY p.id, d.serial_no`,
      );
      const usable = rows.filter((r) => DEVICE_PROFILE_KEY_BY_MODEL[r.model]);
      expect(usable.length).toBeGreaterThanOrEqual(2);
      const [bad, good] = usable as [(typeof usable)[0], (typeof usable)[0]];
      await t.sql(`UPDATE message_scenario SET version = version + 1, decoder_source = $2 WHERE device_profile_id = $1`, [
        bad.profile_id,
        "function decodeUplink() { return { data: { indexM3: /^(a+)+$/.test('a'.repeat(40) + 'b') ? 1 : 2 } }; }",
      ]);
      const worker = await startTestWorker(t.config, { MQTT_ENABLED: false, DECODER_TIMEOUT_MS: 100 });
      try {
        const processor = worker.get(UplinkProcessor);
        const at = Date.now() - 3_600_000;
        const envelope = (d: typeof bad, k: number) => {
          const up = encodeUplink(DEVICE_PROFILE_KEY_BY_MODEL[d.model]!, { indexM3: Number(d.last) + 0.001 * (k + 1), batteryPct: 70 });
          const time = new Date(at + k * 60_000).toISOString();
          return {
            deviceId: d.id,
            tenantId: d.tenant_id,
            integrationId: null,
            receivedAt: time,
            deviceTime: time,
            fPort: up.fPort,
            fCnt: 900_000 + k,
            payloadHex: up.payload.toString('hex'),
            rx: null,
            source: 'simulator' as const,
          };
        };
        const batch = [envelope(bad, 0), envelope(good, 0), envelope(bad, 1), envelope(bad, 2), envelope(good, 1)];
        const started = Date.now();
        await processor.process(batch);
        // A batch's decodes run side by side on the threads: three stopped at their budget (each ≤ 2 × 100 ms + slack).
        expect(Date.now() - started).toBeLessThan(3 * (2 * 100 + 500));
        // Stopped three times in a row, the decoder is not even run for the next batch.
        await processor.process([envelope(bad, 3)]);
        const stored = await t.sql<{ device_id: string; f_cnt: number; status: string; errors: { errors: string[] } | null }>(
          `SELECT device_id, f_cnt, status, errors FROM uplink WHERE device_id = ANY($1) AND f_cnt >= 900000 ORDER BY device_id, f_cnt`,
          [[bad.id, good.id]],
        );
        const of = (d: typeof bad) => stored.filter((r) => r.device_id === d.id);
        expect(of(good).map((r) => r.status)).toEqual(['DECODED', 'DECODED']);
        expect(of(bad).map((r) => r.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
        expect(
          of(bad)
            .slice(0, 3)
            .map((r) => r.errors!.errors),
        ).toEqual(Array(3).fill(['timeout: the decoder ran longer than its 100 ms budget and was stopped']));
        expect(of(bad)[3]!.errors!.errors[0]).toMatch(/^timeout: .*\(not run: stopped 3 times in a row, runs again from /);
      } finally {
        await worker.close();
      }
    });
  });
});
