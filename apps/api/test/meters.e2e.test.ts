import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import { makeCatalogue, makeInstallation, makeReading, makeSubscription, makeUtilities, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/** IMEIs with a valid Luhn digit, ICCIDs and IMSIs for new NB-IoT devices. */
const IMEI = ['490154203237518', '356938035643809', '353918051234561'];
const nbiot = (i: number) => ({ IMEI: IMEI[i], IMSI: '286011234567890', ICCID: '8990011234567890123' });
const lorawan = (eui: string) => ({ DevEUI: eui, JoinEUI: '70B3D57ED0019A11', AppKey: '00112233445566778899AABBCCDDEEFF' });

describe('meters', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  let meterProfiles: Record<string, string>;
  let deviceProfiles: Record<string, string>;
  let brands: Record<string, string>;
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;
  const one = async <T = any>(text: string, params: unknown[] = []) => (await t.sql<T>(text, params))[0];
  const snapshot = async () => ({
    meters: await count('meter'),
    devices: await count('device'),
    attached: await count('device', 'meter_id IS NOT NULL'),
    identifiers: await count('device_identifier'),
    periods: await count('subscription_meter'),
    audit: await count('audit_log'),
  });
  const meterOf = (tenantId: string, offset = 0) =>
    one<{ id: string; serial_no: string; brand_id: string; device_id: string; subscription_id: string }>(
      `SELECT m.id, m.serial_no, m.brand_id, d.id AS device_id, sm.subscription_id FROM meter m
         JOIN device d ON d.meter_id = m.id
         JOIN subscription_meter sm ON sm.meter_id = m.id AND sm.ended_at IS NULL
        WHERE m.tenant_id = $1 ORDER BY m.serial_no LIMIT 1 OFFSET $2`,
      [tenantId, offset],
    );
  const post = (body: unknown, token = aski) => t.request({ method: 'POST', url: '/api/meters', token, body });

  beforeAll(async () => {
    t = await startTestApp('meters');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    ids = { root: root.id, aski: a.id, hatsu: b.id };
    // The brief's catalogue, A and B in ASKİ's and HATSU's places; installations pairing profiles as the
    // seed does, with a reading each; three subscriptions of A that never had a meter.
    const catalogue = await makeCatalogue(t, { ASKI: a, HATSU: b });
    meterProfiles = Object.fromEntries(Object.entries(catalogue.meterProfiles).map(([model, p]) => [model, p.id]));
    deviceProfiles = Object.fromEntries(Object.entries(catalogue.deviceProfilesByBrand).map(([brand, p]) => [brand, p.id]));
    brands = Object.fromEntries((await t.sql<{ id: string; name: string }>('SELECT id, name FROM meter_brand')).map((r) => [r.name, r.id]));
    const install = async (tenant: Tenant, prefix: string, pairs: [string, string][], n: number) => {
      for (let i = 0; i < n; i++) {
        const [model, brand] = pairs[i % pairs.length]!;
        const { device } = await makeInstallation(t, {
          tenant,
          subscriptionNo: `${prefix}-${String(i + 1).padStart(6, '0')}`,
          meterProfile: catalogue.meterProfiles[model],
          deviceProfile: catalogue.deviceProfilesByBrand[brand],
        });
        await makeReading(t, { device, time: new Date(Date.now() - 3_600_000), indexM3: 1 + i, batteryPct: 80, rssi: -100 });
      }
    };
    await install(
      a,
      'ASK',
      [
        ['Flodis DN15 R160', 'Itron'],
        ['KT-15 R160', 'Baylan'],
        ['Aquadis+ DN20 R400', 'Ima'],
        ['UK-20 Ultrasonik R400', 'Ima'],
        ['Flodis DN15 R160', 'Manas'],
        ['KT-15 R160', 'Ima'],
      ],
      36,
    );
    await install(
      b,
      'HAT',
      [
        ['MNS-SJ15 R100', 'Manas'],
        ['CEM-YK15 R125', 'Cem'],
        ['KLP-MK25 R100', 'Klepsan'],
      ],
      6,
    );
    for (let i = 1; i <= 3; i++) await makeSubscription(t, { tenant: a, subscriptionNo: `ASK-9${String(i).padStart(5, '0')}` });
  });
  afterAll(async () => t?.close());

  describe('list and detail', () => {
    it('pages 30 by default and filters by tenant subtree, status, brand, profile and relations', async () => {
      const res = await t.request({ url: '/api/meters', token: aski });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(36);
      expect(res.body.items).toHaveLength(30);
      expect(res.body.items[0].installedAt).toMatch(/Z$/);
      expect(typeof res.body.items[0].initialIndexM3).toBe('number');
      expect((await t.request({ url: '/api/meters', token: hatsu })).body.total).toBe(6);
      expect((await t.request({ url: '/api/meters', token: admin })).body.total).toBe(42);
      expect((await t.request({ url: `/api/meters?tenantId=${ids.root}`, token: admin })).body.total).toBe(42);
      expect((await t.request({ url: `/api/meters?tenantId=${ids.hatsu}`, token: admin })).body.total).toBe(6);

      const baylan = await t.request({ url: `/api/meters?brandId=${brands.Baylan}&pageSize=100`, token: aski });
      expect(baylan.body.total).toBe(await count('meter', 'tenant_id = $1 AND brand_id = $2', [ids.aski, brands.Baylan]));
      expect(baylan.body.items.every((m: { brand: { name: string } }) => m.brand.name === 'Baylan')).toBe(true);
      const byProfile = await t.request({ url: `/api/meters?meterProfileId=${meterProfiles['KT-15 R160']}`, token: aski });
      expect(byProfile.body.total).toBe(
        await count('meter', 'tenant_id = $1 AND meter_profile_id = $2', [ids.aski, meterProfiles['KT-15 R160']]),
      );
      expect((await t.request({ url: '/api/meters?status=ACTIVE', token: aski })).body.total).toBe(
        await count('meter', `tenant_id = $1 AND status = 'ACTIVE'`, [ids.aski]),
      );
      expect((await t.request({ url: '/api/meters?hasDevice=false', token: aski })).body.total).toBe(0);
      const m = await meterOf(ids.aski);
      const search = await t.request({ url: `/api/meters?search=${m.serial_no}`, token: aski });
      expect(search.body.items.map((x: { id: string }) => x.id)).toEqual([m.id]);
      const sorted = await t.request({ url: '/api/meters?sort=lastIndexM3&order=desc&pageSize=5', token: aski });
      const idx = sorted.body.items.map((x: { lastIndexM3: number }) => x.lastIndexM3);
      expect(idx).toEqual([...idx].sort((a: number, b: number) => b - a));
      for (const q of ['status=BROKEN', 'brandId=baylan', 'hasDevice=1', 'sort=tenant', 'page=0', 'other=1']) {
        expect((await t.request({ url: `/api/meters?${q}`, token: aski })).status, q).toBe(400);
      }
      expect((await t.request({ url: `/api/meters?tenantId=${ids.hatsu}`, token: aski })).status).toBe(404);
    });

    it('shows technical info, address through the subscription, device, connectivity and valve state', async () => {
      const m = await meterOf(ids.aski);
      const res = await t.request({ url: `/api/meters/${m.id}`, token: aski });
      expect(res.status).toBe(200);
      expect(res.body.profile).toMatchObject({
        brand: expect.any(String),
        modelCode: expect.any(String),
        q3: expect.any(Number),
        rValue: expect.any(Number),
        ipRating: expect.stringMatching(/^IP/),
      });
      expect(res.body.device.id).toBe(m.device_id);
      expect(res.body.subscription.id).toBe(m.subscription_id);
      expect(res.body.address.id).toBe((await one('SELECT address_id FROM subscription WHERE id = $1', [m.subscription_id])).address_id);
      expect(res.body.connectivity.lastSeenAt).toMatch(/Z$/);
      expect(typeof res.body.connectivity.batteryPct).toBe('number');
      expect(res.body.timeZone).toBe('Europe/Istanbul');
      expect(res.body.communicationModule.effective).toBe(res.body.profile.communicationModule);
      expect(res.body.history).toHaveLength(1);
      const other = await meterOf(ids.hatsu);
      expect((await t.request({ url: `/api/meters/${other.id}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/meters/${other.id}`, token: hatsu })).status).toBe(200);
    });
  });

  describe('create', () => {
    it('creates a meter with a profile the tenant may use; installedAt keeps its instant', async () => {
      const res = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['KT-15 R160'],
        serialNo: 'BY25TEST001',
        initialIndexM3: 0.012,
        installedAt: '2025-12-08T07:18:55+03:00',
        status: 'WAREHOUSE',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        serialNo: 'BY25TEST001',
        initialIndexM3: 0.012,
        installedAt: '2025-12-08T04:18:55.000Z',
        device: null,
        subscription: null,
        hasValve: false,
        valveState: null,
      });
      expect(res.body.brand.name).toBe('Baylan');
      expect(await count('audit_log', `entity_type = 'meter' AND entity_id = $1 AND action = 'create'`, [res.body.id])).toBe(1);
      // Serial numbers are unique per brand: the same serial is refused for Baylan, free for Itron.
      const dup = await post({ tenantId: ids.aski, meterProfileId: meterProfiles['UK-20 Ultrasonik R400'], serialNo: 'BY25TEST001' });
      expect(dup.status).toBe(409);
      expect(dup.body.details[0].path).toEqual(['serialNo']);
      expect((await post({ tenantId: ids.aski, meterProfileId: meterProfiles['Flodis DN15 R160'], serialNo: 'BY25TEST001' })).status).toBe(
        201,
      );
    });

    it('refuses profiles not allowed for the tenant and bad input, changing nothing', async () => {
      const before = await snapshot();
      const base = { tenantId: ids.aski, meterProfileId: meterProfiles['KT-15 R160'], serialNo: 'BY25BAD' };
      const cases: Array<[Record<string, unknown>, number, (string | number)[]]> = [
        [{ ...base, meterProfileId: meterProfiles['ETKD-N DN15 R100'] }, 400, ['meterProfileId']],
        [{ ...base, meterProfileId: '00000000-0000-4000-8000-000000000000' }, 400, ['meterProfileId']],
        [{ ...base, installedAt: '2025-12-08 07:18:55' }, 400, ['installedAt']],
        [{ ...base, installedAt: '08.12.2025 07:18:55' }, 400, ['installedAt']],
        [{ ...base, installedAt: '2025-12-08T07:18:55' }, 400, ['installedAt']],
        [{ ...base, status: 'BROKEN' }, 400, ['status']],
        [{ ...base, communicationModule: 'WIFI' }, 400, ['communicationModule']],
        [{ ...base, initialIndexM3: -0.001 }, 400, ['initialIndexM3']],
        [{ ...base, initialIndexM3: 1e12 }, 400, ['initialIndexM3']],
        [{ ...base, initialIndexM3: 0.0001 }, 400, ['initialIndexM3']],
        [{ ...base, initialIndexM3: '5' }, 400, ['initialIndexM3']],
        [{ ...base, serialNo: 'S'.repeat(61) }, 400, ['serialNo']],
        [{ ...base, serialNo: '   ' }, 400, ['serialNo']],
        [{ ...base, valveState: 'OPEN' }, 400, ['valveState']],
        [{ ...base, device: { mode: 'borrowed' } }, 400, ['device', 'mode']],
        [{ ...base, device: { mode: 'existing' } }, 400, ['device', 'deviceId']],
        [{ ...base, lastIndexM3: 5 }, 400, []],
        [{ ...base, tenantId: undefined }, 400, ['tenantId']],
      ];
      for (const [body, status, path] of cases) {
        const res = await post(body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        if (path.length)
          expect(
            res.body.details.map((d: { path: unknown }) => d.path),
            JSON.stringify(body),
          ).toContainEqual(path);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('creates a new compatible device with the meter in one transaction; refuses an incompatible one', async () => {
      const res = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['KT-15 R160'],
        serialNo: 'BY25TEST010',
        hasValve: true,
        valveState: 'OPEN',
        device: { mode: 'new', deviceProfileId: deviceProfiles.Baylan, serialNo: 'BNB25TEST10', status: 'ACTIVE', identifiers: nbiot(0) },
      });
      expect(res.status).toBe(201);
      expect(res.body.device).toMatchObject({ serialNo: 'BNB25TEST10', brand: 'Baylan' });
      expect(res.body.valveState).toBe('OPEN');

      const before = await snapshot();
      const bad = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['KT-15 R160'],
        serialNo: 'BY25TEST011',
        device: { mode: 'new', deviceProfileId: deviceProfiles.Manas, serialNo: 'MNL25TEST11', identifiers: lorawan('70B3D5E75E00AA01') },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].path).toEqual(['device', 'deviceProfileId']);
      const badIds = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['KT-15 R160'],
        serialNo: 'BY25TEST011',
        device: {
          mode: 'new',
          deviceProfileId: deviceProfiles.Baylan,
          serialNo: 'BNB25TEST11',
          identifiers: { ...nbiot(1), IMEI: '12345' },
        },
      });
      expect(badIds.status).toBe(400);
      expect(badIds.body.details[0].path).toEqual(['device', 'identifiers', 'IMEI']);
      // A device profile A may not use (Cem is B's only).
      const foreignProfile = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['KT-15 R160'],
        serialNo: 'BY25TEST011',
        device: {
          mode: 'new',
          deviceProfileId: deviceProfiles.Cem,
          serialNo: 'CSF25TEST',
          identifiers: { ID: '00ABCDEF', PAC: '0011223344556677' },
        },
      });
      expect(foreignProfile.status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });

    it('takes a device from the inventory (same tenant, not attached elsewhere, compatible)', async () => {
      const inv = await t.request({
        method: 'POST',
        url: '/api/devices',
        token: aski,
        body: {
          tenantId: ids.aski,
          deviceProfileId: deviceProfiles.Ima,
          serialNo: 'IMA25INV001',
          identifiers: lorawan('A81758FFFE00AA01'),
        },
      });
      expect(inv.status).toBe(201);
      expect(inv.body.meter).toBeNull();
      const res = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['Flodis DN15 R160'],
        serialNo: 'I25FA000901',
        device: { mode: 'existing', deviceId: inv.body.id },
      });
      expect(res.status).toBe(201);
      expect(res.body.device.id).toBe(inv.body.id);
      // Now it is attached: another meter cannot take it.
      const busy = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['Flodis DN15 R160'],
        serialNo: 'I25FA000902',
        device: { mode: 'existing', deviceId: inv.body.id },
      });
      expect(busy.status).toBe(409);
      expect(busy.body.details[0].path).toEqual(['device', 'deviceId']);
      expect(busy.body.code).toBe('attachedElsewhere');
      // Incompatible inventory device: an NB-IoT Inodya reader does not fit a Baylan meter.
      const inodya = await t.request({
        method: 'POST',
        url: '/api/devices',
        token: aski,
        body: { tenantId: ids.aski, deviceProfileId: deviceProfiles.Inodya, serialNo: 'IND-25-000901', identifiers: nbiot(2) },
      });
      expect(inodya.status, JSON.stringify(inodya.body)).toBe(201);
      const before = await snapshot();
      const incompatible = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['KT-15 R160'],
        serialNo: 'BY25TEST020',
        device: { mode: 'existing', deviceId: inodya.body.id },
      });
      expect(incompatible.status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });

    it('fits the new meter to a subscription without a meter (history kept)', async () => {
      const sub = await one<{ id: string; subscription_no: string }>(
        `SELECT s.id, s.subscription_no FROM subscription s WHERE s.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM subscription_meter sm WHERE sm.subscription_id = s.id) ORDER BY 2 LIMIT 1`,
        [ids.aski],
      );
      const res = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['Aquadis+ DN20 R400'],
        serialNo: 'I25FA000950',
        initialIndexM3: 3.5,
        installedAt: new Date(Date.now() - 3_600_000).toISOString(),
        subscriptionId: sub.id,
      });
      expect(res.status).toBe(201);
      expect(res.body.subscription).toMatchObject({ id: sub.id, subscriptionNo: sub.subscription_no });
      expect(res.body.history[0]).toMatchObject({ subscriptionId: sub.id, initialIndexM3: 3.5, endedAt: null });
      const detail = await t.request({ url: `/api/subscriptions/${sub.id}`, token: aski });
      expect(detail.body.meter.id).toBe(res.body.id);
    });

    it('puts B’s ids into every reference field of A’s create and update: 404/400 and nothing changes', async () => {
      const hm = await meterOf(ids.hatsu);
      const hatsuInventory = await t.request({
        method: 'POST',
        url: '/api/devices',
        token: hatsu,
        body: {
          tenantId: ids.hatsu,
          deviceProfileId: deviceProfiles.Ima,
          serialNo: 'IMA25HAT001',
          identifiers: lorawan('A81758FFFE00BB01'),
        },
      });
      expect(hatsuInventory.status).toBe(201);
      const mine = await meterOf(ids.aski, 5);
      const before = await snapshot();
      const base = { tenantId: ids.aski, meterProfileId: meterProfiles['Flodis DN15 R160'], serialNo: 'I25FA000990' };
      expect((await post({ ...base, tenantId: ids.hatsu })).status).toBe(404);
      expect((await post({ ...base, tenantId: ids.root })).status).toBe(404);
      expect((await post({ ...base, subscriptionId: hm.subscription_id })).status).toBe(404);
      expect((await post({ ...base, device: { mode: 'existing', deviceId: hatsuInventory.body.id } })).status).toBe(404);
      expect((await post({ ...base, device: { mode: 'existing', deviceId: hm.device_id } })).status).toBe(404);
      // Meter and device profiles only B may use are not usable by A.
      expect((await post({ ...base, meterProfileId: meterProfiles['MNS-SJ15 R100'] })).status).toBe(400);
      const patch = (body: unknown, id = mine.id) => t.request({ method: 'PATCH', url: `/api/meters/${id}`, token: aski, body });
      expect((await patch({ subscriptionId: hm.subscription_id })).status).toBe(404);
      expect((await patch({ device: { mode: 'existing', deviceId: hatsuInventory.body.id } })).status).toBe(404);
      expect((await patch({ meterProfileId: meterProfiles['MNS-SJ15 R100'] })).status).toBe(400);
      expect((await patch({ status: 'PASSIVE' }, hm.id)).status).toBe(404);
      expect((await t.request({ method: 'DELETE', url: `/api/meters/${hm.id}`, token: aski })).status).toBe(404);
      // The root admin sees both tenants but cannot pair across them.
      const cross = await post({ ...base, device: { mode: 'existing', deviceId: hatsuInventory.body.id } }, admin);
      expect(cross.status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });

    it('needs DEVICES rights for the device configuration', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/users',
        token: aski,
        body: {
          name: 'Sayaç',
          surname: 'Memuru',
          email: 'sayac.memuru@example.com',
          password: 'Parola123',
          memberships: [{ tenantId: ids.aski, role: 'Meter clerk', permissions: matrix({ METERS: 'crud', DEVICES: 'r' }) }],
        },
      });
      expect(created.status).toBe(201);
      const clerk = await t.login('sayac.memuru@example.com', 'Parola123');
      const base = { tenantId: ids.aski, meterProfileId: meterProfiles['KT-15 R160'], serialNo: 'BY25TEST030' };
      expect(
        (
          await post(
            { ...base, device: { mode: 'new', deviceProfileId: deviceProfiles.Baylan, serialNo: 'BNB25TEST30', identifiers: nbiot(1) } },
            clerk,
          )
        ).status,
      ).toBe(403);
      expect((await post(base, clerk)).status).toBe(201);
    });
  });

  describe('transport', () => {
    it('rejects wrong content types, malformed JSON and oversized bodies, changing nothing', async () => {
      const m = await meterOf(ids.aski, 9);
      const before = await snapshot();
      for (const [method, url] of [
        ['POST', '/api/meters'],
        ['PATCH', `/api/meters/${m.id}`],
      ] as const) {
        const send = (body: string, type: string) => t.request({ method, url, token: aski, body, headers: { 'content-type': type } });
        expect((await send('<meter/>', 'application/xml')).status, url).toBe(415);
        expect((await send('{"serialNo":', 'application/json')).status, url).toBe(400);
        expect((await send(JSON.stringify({ serialNo: 'x'.repeat(t.config.BODY_LIMIT_BYTES) }), 'application/json')).status, url).toBe(413);
      }
      expect((await t.request({ method: 'PATCH', url: '/api/meters/12345', token: aski, body: { status: 'PASSIVE' } })).status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('update and delete', () => {
    it('changes the profile only when the attached device stays compatible; device none detaches', async () => {
      const created = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['KT-15 R160'],
        serialNo: 'BY25TEST040',
        device: {
          mode: 'new',
          deviceProfileId: deviceProfiles.Baylan,
          serialNo: 'BNB25TEST40',
          identifiers: { IMEI: '358240051111110', IMSI: '286021234567890', ICCID: '8990021234567890123' },
        },
      });
      expect(created.status).toBe(201);
      const id = created.body.id;
      // Baylan NB-IoT does not fit an Itron meter.
      const bad = await t.request({
        method: 'PATCH',
        url: `/api/meters/${id}`,
        token: aski,
        body: { meterProfileId: meterProfiles['Flodis DN15 R160'] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].path).toEqual(['meterProfileId']);
      const ok = await t.request({
        method: 'PATCH',
        url: `/api/meters/${id}`,
        token: aski,
        body: {
          meterProfileId: meterProfiles['UK-20 Ultrasonik R400'],
          status: 'ACTIVE',
          hasValve: true,
          valveState: 'CLOSED',
          communicationModule: 'INTEGRATED',
        },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'ACTIVE', valveState: 'CLOSED', communicationModule: { override: 'INTEGRATED' } });
      const noValve = await t.request({ method: 'PATCH', url: `/api/meters/${id}`, token: aski, body: { hasValve: false } });
      expect(noValve.body.valveState).toBeNull();
      const detached = await t.request({ method: 'PATCH', url: `/api/meters/${id}`, token: aski, body: { device: { mode: 'none' } } });
      expect(detached.status).toBe(200);
      expect(detached.body.device).toBeNull();
      expect(await count('device', `serial_no = 'BNB25TEST40' AND meter_id IS NULL`)).toBe(1);
      const inventory = await t.request({ url: '/api/devices?attached=false&pageSize=100', token: aski });
      expect(inventory.body.items.map((d: { serialNo: string }) => d.serialNo)).toContain('BNB25TEST40');

      // Delete: a meter without readings or history goes; its device stays in the inventory.
      const freed = await one<{ id: string }>('SELECT id FROM device WHERE serial_no = $1', ['BNB25TEST40']);
      const withDevice = await post({
        tenantId: ids.aski,
        meterProfileId: meterProfiles['KT-15 R160'],
        serialNo: 'BY25TEST041',
        device: { mode: 'existing', deviceId: freed.id },
      });
      expect(withDevice.status).toBe(201);
      expect((await t.request({ method: 'DELETE', url: `/api/meters/${withDevice.body.id}`, token: aski })).status).toBe(204);
      expect(await count('meter', 'id = $1', [withDevice.body.id])).toBe(0);
      expect(await count('device', `serial_no = 'BNB25TEST40' AND meter_id IS NULL`)).toBe(1);
    });

    it('takes the meter off its subscription and refuses to delete a meter with history', async () => {
      const m = await meterOf(ids.aski, 7);
      const off = await t.request({
        method: 'PATCH',
        url: `/api/meters/${m.id}`,
        token: aski,
        body: { subscriptionId: null, status: 'MAINTENANCE' },
      });
      expect(off.status).toBe(200);
      expect(off.body.subscription).toBeNull();
      expect(off.body.history[0].endedAt).toMatch(/Z$/);
      const refused = await t.request({ method: 'DELETE', url: `/api/meters/${m.id}`, token: aski });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain('retire it: set status USED or PASSIVE');
      expect(refused.body.code).toBe('hasHistory');
      expect(await count('meter', 'id = $1', [m.id])).toBe(1);
    });
  });
});
