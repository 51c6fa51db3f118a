import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCatalogue, makeInstallation, makeReading, makeUtilities, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const lorawan = (eui: string, appKey = '00112233445566778899AABBCCDDEEFF') => ({
  DevEUI: eui,
  JoinEUI: '70B3D57ED0019A11',
  AppKey: appKey,
});

describe('devices', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  let deviceProfiles: Record<string, string>;
  let meterProfiles: Record<string, string>;
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;
  const one = async <T = any>(text: string, params: unknown[] = []) => (await t.sql<T>(text, params))[0];
  const snapshot = async () => ({
    devices: await count('device'),
    attached: await count('device', 'meter_id IS NOT NULL'),
    identifiers: await count('device_identifier'),
    identifierValues: (await one<{ v: string }>(`SELECT string_agg(value, ',' ORDER BY device_id, field_id) AS v FROM device_identifier`))
      .v,
    audit: await count('audit_log'),
  });
  /** A LoRaWAN device of a tenant (made in beforeAll) with its identifiers. */
  const loraDevice = (tenantId: string, offset = 0) =>
    one<{ id: string; serial_no: string; meter_id: string; dev_eui: string; app_key: string }>(
      `SELECT d.id, d.serial_no, d.meter_id,
              max(i.value) FILTER (WHERE f.key = 'DevEUI') AS dev_eui, max(i.value) FILTER (WHERE f.key = 'AppKey') AS app_key
         FROM device d JOIN device_identifier i ON i.device_id = d.id JOIN communication_technology_field f ON f.id = i.field_id
        WHERE d.tenant_id = $1 GROUP BY d.id HAVING max(i.value) FILTER (WHERE f.key = 'DevEUI') IS NOT NULL
        ORDER BY d.serial_no LIMIT 1 OFFSET $2`,
      [tenantId, offset],
    );
  const post = (body: unknown, token = aski) => t.request({ method: 'POST', url: '/api/devices', token, body });
  const newMeter = async (serialNo: string, model = 'Flodis DN15 R160', token = aski, tenantId = ids.aski) => {
    const res = await t.request({
      method: 'POST',
      url: '/api/meters',
      token,
      body: { tenantId, meterProfileId: meterProfiles[model], serialNo },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp('devices');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    ids = { root: root.id, aski: a.id, hatsu: b.id };
    // The brief's catalogue, A and B in ASKİ's and HATSU's places; installations pairing profiles as the seed does.
    const catalogue = await makeCatalogue(t, { ASKI: a, HATSU: b });
    deviceProfiles = Object.fromEntries(Object.entries(catalogue.deviceProfilesByBrand).map(([brand, p]) => [brand, p.id]));
    meterProfiles = Object.fromEntries(Object.entries(catalogue.meterProfiles).map(([model, p]) => [model, p.id]));
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
    const askiPairs: [string, string][] = [
      ['Flodis DN15 R160', 'Itron'],
      ['KT-15 R160', 'Baylan'],
      ['Aquadis+ DN20 R400', 'Ima'],
      ['UK-20 Ultrasonik R400', 'Ima'],
      ['Flodis DN15 R160', 'Manas'],
      ['Flodis DN15 R160', 'Inodya'],
    ];
    await install(a, 'ASK', askiPairs, 36);
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
  });
  afterAll(async () => t?.close());

  describe('list and detail', () => {
    it('pages the caller’s devices with filters for tenant, status, brand, profile and the inventory', async () => {
      const res = await t.request({ url: '/api/devices', token: aski });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(36);
      expect(res.body.items).toHaveLength(30);
      expect((await t.request({ url: '/api/devices', token: hatsu })).body.total).toBe(6);
      expect((await t.request({ url: '/api/devices', token: admin })).body.total).toBe(42);
      expect((await t.request({ url: '/api/devices?attached=false', token: aski })).body.total).toBe(0);
      expect((await t.request({ url: '/api/devices?attached=true', token: aski })).body.total).toBe(36);
      const ima = await t.request({ url: `/api/devices?deviceProfileId=${deviceProfiles.Ima}&pageSize=100`, token: aski });
      expect(ima.body.total).toBe(await count('device', 'tenant_id = $1 AND device_profile_id = $2', [ids.aski, deviceProfiles.Ima]));
      const brandId = (await one<{ id: string }>(`SELECT id FROM device_brand WHERE name = 'Baylan'`)).id;
      const baylan = await t.request({ url: `/api/devices?brandId=${brandId}&pageSize=100`, token: aski });
      expect(baylan.body.items.every((d: { brand: { name: string } }) => d.brand.name === 'Baylan')).toBe(true);
      expect((await t.request({ url: '/api/devices?status=ACTIVE', token: aski })).body.total).toBe(
        await count('device', `tenant_id = $1 AND status = 'ACTIVE'`, [ids.aski]),
      );

      const d = await loraDevice(ids.aski);
      const byEui = await t.request({ url: `/api/devices?search=${d.dev_eui.toLowerCase()}`, token: aski });
      expect(byEui.body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);
      expect(byEui.body.items[0].networkId).toEqual({ key: 'DevEUI', value: d.dev_eui });
      // Secrets are not searchable.
      expect((await t.request({ url: `/api/devices?search=${d.app_key}`, token: aski })).body.total).toBe(0);
      // Another tenant's identifiers find nothing.
      const hd = await loraDevice(ids.hatsu);
      expect((await t.request({ url: `/api/devices?search=${hd.dev_eui}`, token: aski })).body.total).toBe(0);
      for (const q of ['attached=maybe', 'status=LOST', 'deviceProfileId=x', 'sort=identifiers', 'x=1']) {
        expect((await t.request({ url: `/api/devices?${q}`, token: aski })).status, q).toBe(400);
      }
      expect((await t.request({ url: `/api/devices?tenantId=${ids.hatsu}`, token: aski })).status).toBe(404);
    });

    it('shows profile, meter, identifiers with secrets masked, status, last seen, battery and signal', async () => {
      const d = await loraDevice(ids.aski);
      const res = await t.request({ url: `/api/devices/${d.id}`, token: aski });
      expect(res.status).toBe(200);
      expect(res.body.profile.technologies.map((x: { code: string }) => x.code)).toEqual(['LORAWAN']);
      expect(res.body.meter.id).toBe(d.meter_id);
      expect(res.body.meter.subscription.subscriptionNo).toMatch(/^ASK-/);
      expect(res.body.address).not.toBeNull();
      expect(res.body.identifiers.DevEUI).toMatchObject({
        label: 'DevEUI',
        labelEn: 'DevEUI',
        value: d.dev_eui,
        isSecret: false,
        hasValue: true,
        isUnique: true,
      });
      expect(res.body.identifiers.AppKey).toMatchObject({ value: `••••••••••••${d.app_key.slice(-4)}`, isSecret: true, hasValue: true });
      expect(JSON.stringify(res.body)).not.toContain(d.app_key);
      expect(res.body.lastSeenAt).toMatch(/Z$/);
      expect(typeof res.body.batteryPct).toBe('number');
      expect(typeof res.body.rssi).toBe('number');
      const list = await t.request({ url: '/api/devices?pageSize=200', token: aski });
      expect(JSON.stringify(list.body)).not.toContain(d.app_key);
      const hd = await loraDevice(ids.hatsu);
      expect((await t.request({ url: `/api/devices/${hd.id}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: '/api/devices/zzz', token: aski })).status).toBe(400);
    });
  });

  describe('create', () => {
    it('creates an inventory device with identifiers checked against its profile’s technology fields', async () => {
      const res = await post({
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles.Ima,
        serialNo: 'IMA25NEW001',
        status: 'WAREHOUSE',
        identifiers: lorawan('a81758fffe00cc01', 'FFEEDDCCBBAA99887766554433221A2B'),
      });
      expect(res.status).toBe(201);
      expect(res.body.meter).toBeNull();
      expect(res.body.identifiers.DevEUI.value).toBe('a81758fffe00cc01');
      expect(res.body.identifiers.AppKey).toEqual(expect.objectContaining({ value: '••••••••••••1A2B', hasValue: true }));
      expect(await count('device_identifier', 'device_id = $1', [res.body.id])).toBe(3);
      const audit = await t.sql(`SELECT after::text AS after FROM audit_log WHERE entity_type = 'device' AND entity_id = $1`, [
        res.body.id,
      ]);
      expect(audit).toHaveLength(1);
      expect(audit[0].after).not.toContain('FFEEDDCCBBAA99887766554433221A2B');
      expect(audit[0].after).toContain('[secret]');
    });

    it('rejects missing, malformed and unknown identifier fields with paths, changing nothing', async () => {
      const before = await snapshot();
      const base = { tenantId: ids.aski, deviceProfileId: deviceProfiles.Ima, serialNo: 'IMA25BAD001' };
      const cases: Array<[Record<string, unknown>, number, (string | number)[]]> = [
        [{ ...base, identifiers: { DevEUI: 'A81758FFFE00DD01', JoinEUI: '70B3D57ED0019A11' } }, 400, ['identifiers', 'AppKey']],
        [{ ...base, identifiers: { ...lorawan('A81758FFFE00DD01'), DevEUI: 'XYZ' } }, 400, ['identifiers', 'DevEUI']],
        [{ ...base, identifiers: { ...lorawan('A81758FFFE00DD01'), AppKey: '0011' } }, 400, ['identifiers', 'AppKey']],
        [{ ...base, identifiers: { ...lorawan('A81758FFFE00DD01'), IMEI: '490154203237518' } }, 400, ['identifiers', 'IMEI']],
        [{ ...base, identifiers: { ...lorawan('A81758FFFE00DD01'), DevEUI: 'A'.repeat(101) } }, 400, ['identifiers', 'DevEUI']],
        [{ ...base, identifiers: 'A81758FFFE00DD01' }, 400, ['identifiers']],
        [{ ...base, identifiers: { DevEUI: 12 } }, 400, ['identifiers', 'DevEUI']],
        [
          {
            ...base,
            deviceProfileId: deviceProfiles.Baylan,
            identifiers: { IMEI: '490154203237519', IMSI: '286011234567890', ICCID: '8990011234567890123' },
          },
          400,
          ['identifiers', 'IMEI'],
        ],
        [
          { ...base, deviceProfileId: deviceProfiles.Cem, identifiers: { ID: '00ABCDEF', PAC: '0011223344556677' } },
          400,
          ['deviceProfileId'],
        ],
        [{ ...base, status: 'LOST', identifiers: lorawan('A81758FFFE00DD01') }, 400, ['status']],
        [{ ...base, serialNo: '', identifiers: lorawan('A81758FFFE00DD01') }, 400, ['serialNo']],
        [{ ...base, meterId: 'meter', identifiers: lorawan('A81758FFFE00DD01') }, 400, ['meterId']],
        [{ ...base, brandId: deviceProfiles.Ima, identifiers: lorawan('A81758FFFE00DD01') }, 400, []],
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

    it('keeps identifying fields unique platform-wide (409 naming the field) and serials unique per brand', async () => {
      const before = await snapshot();
      const hd = await loraDevice(ids.hatsu);
      // A DevEUI of a device of B, in lower case: still taken, and A learns nothing else about it.
      const dup = await post({
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles.Ima,
        serialNo: 'IMA25DUP001',
        identifiers: lorawan(hd.dev_eui.toLowerCase()),
      });
      expect(dup.status).toBe(409);
      expect(dup.body.details[0].path).toEqual(['identifiers', 'DevEUI']);
      expect(dup.body.message).toContain('DevEUI');
      expect(dup.body.message).not.toContain(hd.serial_no);
      const d = await loraDevice(ids.aski);
      const brand = await one<{ name: string }>('SELECT b.name FROM device d JOIN device_brand b ON b.id = d.brand_id WHERE d.id = $1', [
        d.id,
      ]);
      const serial = await post({
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles[brand.name],
        serialNo: d.serial_no,
        identifiers: lorawan('A81758FFFE00EE01'),
      });
      expect(serial.status).toBe(409);
      expect(serial.body.details[0].path).toEqual(['serialNo']);
      expect(await snapshot()).toEqual(before);
    });

    it('attaches on create only to a free, compatible meter of the same tenant', async () => {
      const freeItron = await newMeter('I25FA001001');
      const freeBaylan = await newMeter('BY25DEV0001', 'KT-15 R160');
      const seeded = await loraDevice(ids.aski);
      const hatsuMeter = await one<{ id: string }>('SELECT id FROM meter WHERE tenant_id = $1 LIMIT 1', [ids.hatsu]);
      const before = await snapshot();
      const base = {
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles.Manas,
        serialNo: 'MNL25NEW001',
        identifiers: lorawan('70B3D5E75E00FF01'),
      };
      expect((await post({ ...base, meterId: hatsuMeter.id })).status).toBe(404);
      expect((await post({ ...base, meterId: seeded.meter_id })).status).toBe(409);
      const incompatible = await post({ ...base, meterId: freeBaylan });
      expect(incompatible.status).toBe(400);
      expect(incompatible.body.details[0].path).toEqual(['deviceProfileId']);
      expect((await post({ ...base, meterId: hatsuMeter.id }, admin)).status).toBe(400);
      expect(await snapshot()).toEqual(before);
      const ok = await post({ ...base, meterId: freeItron });
      expect(ok.status).toBe(201);
      expect(ok.body.meter.id).toBe(freeItron);
    });
  });

  describe('transport', () => {
    it('rejects wrong content types, malformed JSON and oversized bodies, changing nothing', async () => {
      const d = await loraDevice(ids.aski, 9);
      const before = await snapshot();
      for (const [method, url] of [
        ['POST', '/api/devices'],
        ['PATCH', `/api/devices/${d.id}`],
        ['POST', `/api/devices/${d.id}/attach`],
      ] as const) {
        const send = (body: string, type: string) => t.request({ method, url, token: aski, body, headers: { 'content-type': type } });
        expect((await send('<device/>', 'application/xml')).status, url).toBe(415);
        expect((await send('{"serialNo":', 'application/json')).status, url).toBe(400);
        expect((await send(JSON.stringify({ serialNo: 'x'.repeat(t.config.BODY_LIMIT_BYTES) }), 'application/json')).status, url).toBe(413);
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('update, attach, detach, delete', () => {
    it('keeps a secret when it is omitted or sent back masked, replaces it when a new one is given', async () => {
      const created = await post({
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles.Itron,
        serialNo: 'CY5-25000001',
        identifiers: lorawan('0018B20000AA0001', '0123456789ABCDEF0123456789ABCDEF'),
      });
      expect(created.status).toBe(201);
      const id = created.body.id;
      const stored = async () =>
        (
          await one<{ value: string }>(
            `SELECT i.value FROM device_identifier i JOIN communication_technology_field f ON f.id = i.field_id WHERE i.device_id = $1 AND f.key = 'AppKey'`,
            [id],
          )
        ).value;
      const r1 = await t.request({
        method: 'PATCH',
        url: `/api/devices/${id}`,
        token: aski,
        body: { identifiers: { JoinEUI: '0018B24441524632' } },
      });
      expect(r1.status).toBe(200);
      expect(r1.body.identifiers.JoinEUI.value).toBe('0018B24441524632');
      expect(await stored()).toBe('0123456789ABCDEF0123456789ABCDEF');
      const r2 = await t.request({
        method: 'PATCH',
        url: `/api/devices/${id}`,
        token: aski,
        body: { identifiers: { ...lorawan('0018B20000AA0001'), AppKey: r1.body.identifiers.AppKey.value } },
      });
      expect(r2.status).toBe(200);
      expect(await stored()).toBe('0123456789ABCDEF0123456789ABCDEF');
      const r3 = await t.request({
        method: 'PATCH',
        url: `/api/devices/${id}`,
        token: aski,
        body: { identifiers: { AppKey: 'ABCDEF0123456789ABCDEF0123456789' } },
      });
      expect(r3.body.identifiers.AppKey.value).toBe('••••••••••••6789');
      expect(await stored()).toBe('ABCDEF0123456789ABCDEF0123456789');
      const cleared = await t.request({ method: 'PATCH', url: `/api/devices/${id}`, token: aski, body: { identifiers: { DevEUI: null } } });
      expect(cleared.status).toBe(400);
      expect(cleared.body.details[0].path).toEqual(['identifiers', 'DevEUI']);
      const audit = await t.sql(
        `SELECT coalesce(before::text, '') || coalesce(after::text, '') AS text FROM audit_log WHERE entity_type = 'device' AND entity_id = $1`,
        [id],
      );
      expect(audit.length).toBe(4);
      for (const a of audit) {
        expect(a.text).not.toContain('0123456789ABCDEF0123456789ABCDEF');
        expect(a.text).not.toContain('ABCDEF0123456789ABCDEF0123456789');
      }
    });

    it('changes profile only to one the tenant may use, re-checking identifiers and the meter', async () => {
      const created = await post({
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles.Ima,
        serialNo: 'IMA25PRF001',
        identifiers: lorawan('A81758FFFE00AB01'),
      });
      const id = created.body.id;
      // Manas LoRaWAN has the same fields: the identifiers carry over.
      const manas = await t.request({
        method: 'PATCH',
        url: `/api/devices/${id}`,
        token: aski,
        body: { deviceProfileId: deviceProfiles.Manas },
      });
      expect(manas.status).toBe(200);
      expect(manas.body.brand.name).toBe('Manas');
      expect(manas.body.identifiers.DevEUI.value).toBe('A81758FFFE00AB01');
      // NB-IoT needs its own fields.
      const nb = await t.request({
        method: 'PATCH',
        url: `/api/devices/${id}`,
        token: aski,
        body: { deviceProfileId: deviceProfiles.Inodya },
      });
      expect(nb.status).toBe(400);
      expect(nb.body.details.map((d: { path: unknown }) => d.path)).toContainEqual(['identifiers', 'IMEI']);
      const nbOk = await t.request({
        method: 'PATCH',
        url: `/api/devices/${id}`,
        token: aski,
        body: {
          deviceProfileId: deviceProfiles.Inodya,
          identifiers: { IMEI: '867433040000015', IMSI: '286031234567890', ICCID: '8990031234567890123' },
        },
      });
      expect(nbOk.status).toBe(200);
      expect(Object.keys(nbOk.body.identifiers)).toEqual(['IMEI', 'IMSI', 'ICCID']);
      expect(await count('device_identifier', 'device_id = $1', [id])).toBe(3);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/devices/${id}`, token: aski, body: { deviceProfileId: deviceProfiles.Klepsan } }))
          .status,
      ).toBe(400);
    });

    it('attaches, moves and detaches with the pairing rules; PATCH meterId does the same', async () => {
      const created = await post({
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles.Ima,
        serialNo: 'IMA25ATT001',
        identifiers: lorawan('A81758FFFE00AC01'),
      });
      const id = created.body.id;
      const m1 = await newMeter('I25FA001101');
      const m2 = await newMeter('BY25DEV0101', 'KT-15 R160');
      const attached = await t.request({ method: 'POST', url: `/api/devices/${id}/attach`, token: aski, body: { meterId: m1 } });
      expect(attached.status).toBe(200);
      expect(attached.body.meter.id).toBe(m1);
      const moved = await t.request({ method: 'PATCH', url: `/api/devices/${id}`, token: aski, body: { meterId: m2 } });
      expect(moved.status).toBe(200);
      expect(moved.body.meter.id).toBe(m2);
      expect(await count('device', 'meter_id = $1', [m1])).toBe(0);
      const seeded = await loraDevice(ids.aski, 3);
      expect(
        (await t.request({ method: 'POST', url: `/api/devices/${id}/attach`, token: aski, body: { meterId: seeded.meter_id } })).status,
      ).toBe(409);
      const detached = await t.request({ method: 'POST', url: `/api/devices/${id}/detach`, token: aski });
      expect(detached.status).toBe(200);
      expect(detached.body.meter).toBeNull();
      expect((await t.request({ method: 'POST', url: `/api/devices/${id}/detach`, token: aski })).status).toBe(409);
      expect((await t.request({ method: 'PATCH', url: `/api/devices/${id}`, token: aski, body: { meterId: m1 } })).body.meter.id).toBe(m1);
      expect((await t.request({ method: 'PATCH', url: `/api/devices/${id}`, token: aski, body: { meterId: null } })).body.meter).toBeNull();
      expect((await t.request({ method: 'POST', url: `/api/devices/${id}/attach`, token: aski, body: {} })).status).toBe(400);
    });

    it('puts B’s ids into every reference field of A’s device writes: 404/400 and nothing changes', async () => {
      const created = await post({
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles.Ima,
        serialNo: 'IMA25ISO001',
        identifiers: lorawan('A81758FFFE00AD01'),
      });
      const id = created.body.id;
      const hd = await loraDevice(ids.hatsu);
      const hatsuMeter = await newMeter('I25FA009001', 'Flodis DN15 R160', hatsu, ids.hatsu);
      const before = await snapshot();
      const base = { deviceProfileId: deviceProfiles.Ima, serialNo: 'IMA25ISO002', identifiers: lorawan('A81758FFFE00AD02') };
      expect((await post({ ...base, tenantId: ids.hatsu })).status).toBe(404);
      expect((await post({ ...base, tenantId: ids.root })).status).toBe(404);
      expect((await post({ ...base, tenantId: ids.aski, meterId: hatsuMeter })).status).toBe(404);
      expect((await t.request({ method: 'PATCH', url: `/api/devices/${id}`, token: aski, body: { meterId: hatsuMeter } })).status).toBe(
        404,
      );
      expect(
        (await t.request({ method: 'POST', url: `/api/devices/${id}/attach`, token: aski, body: { meterId: hatsuMeter } })).status,
      ).toBe(404);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/devices/${id}`, token: aski, body: { deviceProfileId: deviceProfiles.Cem } }))
          .status,
      ).toBe(400);
      expect((await t.request({ method: 'PATCH', url: `/api/devices/${hd.id}`, token: aski, body: { status: 'PASSIVE' } })).status).toBe(
        404,
      );
      expect((await t.request({ method: 'POST', url: `/api/devices/${hd.id}/detach`, token: aski })).status).toBe(404);
      expect((await t.request({ method: 'DELETE', url: `/api/devices/${hd.id}`, token: aski })).status).toBe(404);
      expect(
        (await t.request({ method: 'POST', url: `/api/devices/${id}/attach`, token: admin, body: { meterId: hatsuMeter } })).status,
      ).toBe(400);
      expect(await snapshot()).toEqual(before);
    });

    it('deletes a device without readings; a device with readings is retired instead', async () => {
      const seeded = await loraDevice(ids.aski, 5);
      const refused = await t.request({ method: 'DELETE', url: `/api/devices/${seeded.id}`, token: aski });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain('retire it');
      const created = await post({
        tenantId: ids.aski,
        deviceProfileId: deviceProfiles.Ima,
        serialNo: 'IMA25DEL001',
        identifiers: lorawan('A81758FFFE00AE01'),
      });
      expect((await t.request({ method: 'DELETE', url: `/api/devices/${created.body.id}`, token: aski })).status).toBe(204);
      expect(await count('device_identifier', 'device_id = $1', [created.body.id])).toBe(0);
      // The DevEUI is free again.
      expect(
        (
          await post({
            tenantId: ids.aski,
            deviceProfileId: deviceProfiles.Ima,
            serialNo: 'IMA25DEL002',
            identifiers: lorawan('A81758FFFE00AE01'),
          })
        ).status,
      ).toBe(201);
    });
  });
});
