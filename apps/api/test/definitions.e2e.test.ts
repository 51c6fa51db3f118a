import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDevice, makeDeviceProfile, makeMeter, makeMeterProfile, makeSubscription, makeUtilities } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('definitions', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;

  const count = async (table: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const idOf = async (table: string, column: string, value: string) =>
    (await t.sql<{ id: string }>(`SELECT id FROM ${table} WHERE ${column} = $1`, [value]))[0].id;

  beforeAll(async () => {
    t = await startTestApp('definitions');
    const { a, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    // What the in-use checks find: both Baylan meter profiles (IP68), one with meters; the four
    // LoRaWAN device profiles with their decoders, the Ima one on devices; NORMAL subscriptions.
    const kt15 = await makeMeterProfile(t, { key: 'baylan-kt15', tenants: [a] });
    await makeMeterProfile(t, { key: 'baylan-uk20' });
    const ima = await makeDeviceProfile(t, { key: 'ima-lorawan', tenants: [a] });
    for (const key of ['manas-lorawan', 'itron-lorawan', 'klepsan-lorawan'] as const) await makeDeviceProfile(t, { key });
    for (let i = 0; i < 2; i++) {
      const subscription = await makeSubscription(t, { tenant: a, group: 'NORMAL' });
      await makeDevice(t, { tenant: a, profile: ima, meter: await makeMeter(t, { tenant: a, profile: kt15, subscription }) });
    }
  });
  afterAll(async () => t?.close());

  describe('fixed lists', () => {
    it('gives every signed-in user the brief’s lists as codes, and nobody else', async () => {
      const res = await t.request({ url: '/api/definitions/enums', token: aski });
      expect(res.status).toBe(200);
      expect(res.body.subscriptionTypes).toEqual(['INDIVIDUAL', 'ORGANIZATIONAL']);
      expect(res.body.meterTypes).toHaveLength(9);
      expect(res.body.dialTypes).toEqual(['SEMI_DRY', 'DRY', 'SUPER_DRY', 'WET']);
      expect(res.body.temperatureTypes).toEqual(['T30', 'T90']);
      expect(res.body.mountingTypes).toEqual(['VERTICAL', 'HORIZONTAL', 'BOTH']);
      expect(res.body.connectionTypes).toEqual(['THREAD', 'FLANGE']);
      expect(res.body.meterStatuses).toHaveLength(7);
      expect(res.body.deviceStatuses).toEqual(res.body.meterStatuses);
      expect(res.body.communicationModules).toEqual(['INTEGRATED', 'RETROFIT', 'NONE']);
      expect(res.body.valveStates).toContain('OPEN');
      expect(res.body.alarmTypes).toEqual(expect.arrayContaining(['TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW']));
      expect((await t.request({ url: '/api/definitions/enums' })).status).toBe(401);
    });
  });

  describe('brands', () => {
    it('lists the reference brands to any tenant with paging, sorting and search', async () => {
      const all = await t.request({ url: '/api/definitions/meter-brands', token: hatsu });
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(9);
      expect(all.body.pageSize).toBe(30);
      expect(all.body.items.map((b: { name: string }) => b.name)).toEqual([
        'Baylan',
        'Bereket',
        'Cem',
        'Itron',
        'Klepsan',
        'Manas',
        'Teksan',
        'Türkoğlu',
        'Zenner',
      ]);

      const page = await t.request({ url: '/api/definitions/meter-brands?pageSize=2&page=2&order=desc', token: aski });
      expect(page.body.items.map((b: { name: string }) => b.name)).toEqual(['Teksan', 'Manas']);
      expect(page.body.total).toBe(9);

      const search = await t.request({ url: '/api/definitions/device-brands?search=IN', token: aski });
      expect(search.body.items.map((b: { name: string }) => b.name)).toEqual(['Inodya']);
      const devices = await t.request({ url: '/api/definitions/device-brands', token: aski });
      expect(devices.body.total).toBe(8);

      const one = await t.request({ url: `/api/definitions/meter-brands/${all.body.items[0].id}`, token: aski });
      expect(one.body).toMatchObject({ name: 'Baylan', isActive: true });
    });

    it('lets the root create, rename and delete a brand, refusing duplicates', async () => {
      const created = await t.request({ method: 'POST', url: '/api/definitions/meter-brands', token: admin, body: { name: '  Sensus ' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Sensus', isActive: true });

      const duplicate = await t.request({ method: 'POST', url: '/api/definitions/meter-brands', token: admin, body: { name: 'sensus' } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.details[0].path).toEqual(['name']);
      // The reason in machine-readable form, for a client to say in its own language (packages/shared api-errors.ts).
      expect(duplicate.body).toMatchObject({ code: 'alreadyExists', details: [{ path: ['name'], code: 'alreadyExists' }] });
      const renameClash = await t.request({
        method: 'PATCH',
        url: `/api/definitions/meter-brands/${created.body.id}`,
        token: admin,
        body: { name: 'BAYLAN' },
      });
      expect(renameClash.status).toBe(409);

      const renamed = await t.request({
        method: 'PATCH',
        url: `/api/definitions/meter-brands/${created.body.id}`,
        token: admin,
        body: { name: 'Sensus Metering', isActive: false },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Sensus Metering', isActive: false });
      const inactive = await t.request({ url: '/api/definitions/meter-brands?isActive=false', token: aski });
      expect(inactive.body.items.map((b: { name: string }) => b.name)).toEqual(['Sensus Metering']);

      const deleted = await t.request({ method: 'DELETE', url: `/api/definitions/meter-brands/${created.body.id}`, token: admin });
      expect(deleted.status).toBe(204);
      const audit = await t.sql(`SELECT action FROM audit_log WHERE entity_type = 'meter_brand' AND entity_id = $1 ORDER BY id`, [
        created.body.id,
      ]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    });

    it('refuses to delete a brand still in use, naming what uses it', async () => {
      const baylan = await idOf('meter_brand', 'name', 'Baylan');
      const res = await t.request({ method: 'DELETE', url: `/api/definitions/meter-brands/${baylan}`, token: admin });
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/^meter brand Baylan is used by 2 meter profiles and \d+ meters/);
      expect(res.body.code).toBe('inUse');
      expect(res.body.params).toEqual({ meterProfile: 2, meter: expect.any(Number) });
      const ima = await idOf('device_brand', 'name', 'Ima');
      const device = await t.request({ method: 'DELETE', url: `/api/definitions/device-brands/${ima}`, token: admin });
      expect(device.status).toBe(409);
      expect(device.body.message).toMatch(/^device brand Ima is used by 1 device profile/);
      expect(await count('meter_brand')).toBe(9);
    });

    it('keeps a child tenant’s admin from changing what every tenant shares', async () => {
      const baylan = await idOf('meter_brand', 'name', 'Baylan');
      const before = await count('meter_brand');
      const create = await t.request({ method: 'POST', url: '/api/definitions/meter-brands', token: aski, body: { name: 'Askibrand' } });
      expect(create.status).toBe(403);
      expect(create.body.message).toMatch(/root tenant/);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/definitions/meter-brands/${baylan}`, token: aski, body: { name: 'Renamed' } }))
          .status,
      ).toBe(403);
      expect((await t.request({ method: 'DELETE', url: `/api/definitions/meter-brands/${baylan}`, token: hatsu })).status).toBe(403);
      expect(
        (await t.request({ method: 'POST', url: '/api/definitions/technologies', token: hatsu, body: { code: 'ZIGBEE', name: 'Zigbee' } }))
          .status,
      ).toBe(403);
      const group = await idOf('subscription_group', 'code', 'NORMAL');
      expect(
        (
          await t.request({
            method: 'PATCH',
            url: `/api/definitions/subscription-groups/${group}`,
            token: aski,
            body: { dailyThresholdM3: 99 },
          })
        ).status,
      ).toBe(403);
      expect(await count('meter_brand')).toBe(before);
      expect((await t.sql(`SELECT name FROM meter_brand WHERE id = $1`, [baylan]))[0].name).toBe('Baylan');
      expect((await t.sql(`SELECT daily_threshold_m3::float AS v FROM subscription_group WHERE id = $1`, [group]))[0].v).toBe(1.5);
    });

    it('answers bad input with 400 and the field path, changing nothing', async () => {
      const before = await count('meter_brand');
      const unknown = await t.request({
        method: 'POST',
        url: '/api/definitions/meter-brands',
        token: admin,
        body: { name: 'X', country: 'TR' },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.details[0].message).toMatch(/country|unrecognized/i);
      const long = await t.request({ method: 'POST', url: '/api/definitions/meter-brands', token: admin, body: { name: 'x'.repeat(101) } });
      expect(long.status).toBe(400);
      expect(long.body.details[0].path).toEqual(['name']);
      const blank = await t.request({ method: 'POST', url: '/api/definitions/device-brands', token: admin, body: { name: '   ' } });
      expect(blank.status).toBe(400);
      expect(
        (await t.request({ method: 'PATCH', url: '/api/definitions/meter-brands/not-a-uuid', token: admin, body: { name: 'Y' } })).status,
      ).toBe(400);
      expect((await t.request({ url: '/api/definitions/meter-brands?pageSize=1000', token: admin })).status).toBe(400);
      expect((await t.request({ url: '/api/definitions/meter-brands?sort=color', token: admin })).status).toBe(400);
      expect((await t.request({ url: '/api/definitions/meter-brands/5b0a3f0e-7c1d-4e8a-9f2b-1c3d4e5f6a7b', token: admin })).status).toBe(
        404,
      );
      expect(await count('meter_brand')).toBe(before);
    });
  });

  describe('IP ratings', () => {
    it('lists in display order and manages codes', async () => {
      const list = await t.request({ url: '/api/definitions/ip-ratings', token: aski });
      expect(list.body.items.map((r: { code: string }) => r.code)).toEqual(['IP44', 'IP54', 'IP65', 'IP66', 'IP67', 'IP68']);

      const created = await t.request({
        method: 'POST',
        url: '/api/definitions/ip-ratings',
        token: admin,
        body: { code: 'ip69k', description: 'High-pressure wash-down', sortOrder: 7 },
      });
      expect(created.status).toBe(201);
      expect(created.body.code).toBe('IP69K');
      expect(created.body.descriptionEn).toBeNull();
      expect((await t.request({ method: 'POST', url: '/api/definitions/ip-ratings', token: admin, body: { code: 'IP69K' } })).status).toBe(
        409,
      );
      const bad = await t.request({ method: 'POST', url: '/api/definitions/ip-ratings', token: admin, body: { code: 'IP6' } });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].path).toEqual(['code']);

      const ip68 = await idOf('ip_rating', 'code', 'IP68');
      const inUse = await t.request({ method: 'DELETE', url: `/api/definitions/ip-ratings/${ip68}`, token: admin });
      expect(inUse.status).toBe(409);
      expect(inUse.body.message).toMatch(/^IP rating IP68 is used by \d+ meter profiles/);
      expect((await t.request({ method: 'DELETE', url: `/api/definitions/ip-ratings/${created.body.id}`, token: admin })).status).toBe(204);
    });

    it('describes a rating in Turkish and English; either description finds it', async () => {
      const ip68 = (await t.request({ url: '/api/definitions/ip-ratings?search=IP68', token: hatsu })).body.items[0];
      expect(ip68).toMatchObject({
        description: 'Toz geçirmez, sürekli suya daldırmaya karşı korumalı (sayaç çukurları)',
        descriptionEn: 'Dust tight, protected against continuous immersion (meter pits)',
      });
      for (const search of ['SUREKLI SUYA', 'continuous immersion']) {
        const found = await t.request({ url: `/api/definitions/ip-ratings?search=${encodeURIComponent(search)}`, token: hatsu });
        expect(found.body.items.map((r: { code: string }) => r.code)).toEqual(['IP68']);
      }
      const created = await t.request({
        method: 'POST',
        url: '/api/definitions/ip-ratings',
        token: admin,
        body: { code: 'IPX8', description: 'Suya daldırmaya karşı', descriptionEn: 'Immersion beyond 1 m' },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const tooLong = await t.request({
        method: 'PATCH',
        url: `/api/definitions/ip-ratings/${id}`,
        token: admin,
        body: { descriptionEn: 'x'.repeat(201) },
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.details[0].path).toEqual(['descriptionEn']);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/definitions/ip-ratings/${id}`, token: aski, body: { descriptionEn: 'X' } })).status,
      ).toBe(403);
      const cleared = await t.request({
        method: 'PATCH',
        url: `/api/definitions/ip-ratings/${id}`,
        token: admin,
        body: { descriptionEn: '' },
      });
      expect(cleared.body).toMatchObject({ description: 'Suya daldırmaya karşı', descriptionEn: null });
      expect((await t.request({ method: 'DELETE', url: `/api/definitions/ip-ratings/${id}`, token: admin })).status).toBe(204);
    });
  });

  describe('subscription groups', () => {
    it('carries an editable daily threshold, always above zero', async () => {
      const list = await t.request({ url: '/api/definitions/subscription-groups', token: hatsu });
      expect(list.body.items).toEqual([
        expect.objectContaining({ code: 'HIGH', name: 'Yüksek Tüketim', nameEn: 'High Consumption', dailyThresholdM3: 10 }),
        expect.objectContaining({ code: 'NORMAL', name: 'Normal Tüketim', nameEn: 'Normal Consumption', dailyThresholdM3: 1.5 }),
      ]);
      const normal = list.body.items[1].id;

      const updated = await t.request({
        method: 'PATCH',
        url: `/api/definitions/subscription-groups/${normal}`,
        token: admin,
        body: { dailyThresholdM3: 2.25 },
      });
      expect(updated.status).toBe(200);
      expect(updated.body.dailyThresholdM3).toBe(2.25);

      for (const value of [0, -1, 1.2345, '3']) {
        const bad = await t.request({
          method: 'PATCH',
          url: `/api/definitions/subscription-groups/${normal}`,
          token: admin,
          body: { dailyThresholdM3: value },
        });
        expect(bad.status).toBe(400);
        expect(bad.body.details[0].path).toEqual(['dailyThresholdM3']);
      }
      expect((await t.sql(`SELECT daily_threshold_m3::float AS v FROM subscription_group WHERE id = $1`, [normal]))[0].v).toBe(2.25);

      const created = await t.request({
        method: 'POST',
        url: '/api/definitions/subscription-groups',
        token: admin,
        body: { code: 'INDUSTRIAL', name: 'Industrial', dailyThresholdM3: 50 },
      });
      expect(created.status).toBe(201);
      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/definitions/subscription-groups',
            token: admin,
            body: { code: 'INDUSTRIAL', name: 'Again', dailyThresholdM3: 5 },
          })
        ).status,
      ).toBe(409);
      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/definitions/subscription-groups',
            token: admin,
            body: { code: 'lower case', name: 'x', dailyThresholdM3: 5 },
          })
        ).status,
      ).toBe(400);

      const inUse = await t.request({ method: 'DELETE', url: `/api/definitions/subscription-groups/${normal}`, token: admin });
      expect(inUse.status).toBe(409);
      expect(inUse.body.message).toMatch(/^subscription group Normal Tüketim is used by \d+ subscriptions/);
      expect(
        (await t.request({ method: 'DELETE', url: `/api/definitions/subscription-groups/${created.body.id}`, token: admin })).status,
      ).toBe(204);
    });

    it('has a Turkish name and an optional English one, both found by search', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/definitions/subscription-groups',
        token: admin,
        body: { code: 'PUBLIC_BUILDINGS', name: 'Kamu Binaları', nameEn: 'Public Buildings', dailyThresholdM3: 20 },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Kamu Binaları', nameEn: 'Public Buildings' });
      const id = created.body.id as string;

      // Either name finds it, folded the Turkish way ("KAMU BINALARI" and "public build").
      for (const search of ['KAMU BINALARI', 'public build', 'BİNA']) {
        const found = await t.request({ url: `/api/definitions/subscription-groups?search=${encodeURIComponent(search)}`, token: hatsu });
        expect(found.body.items.map((g: { id: string }) => g.id)).toEqual([id]);
      }
      const byEnglish = await t.request({ url: '/api/definitions/subscription-groups?search=consumption', token: hatsu });
      expect(byEnglish.body.items.map((g: { code: string }) => g.code).sort()).toEqual(['HIGH', 'NORMAL']);

      // Too long, or a Turkish name cleared: 400 and nothing changed.
      for (const body of [{ nameEn: 'x'.repeat(101) }, { name: 'y'.repeat(101) }, { name: '  ' }, { nameEn: 5 }]) {
        const bad = await t.request({ method: 'PATCH', url: `/api/definitions/subscription-groups/${id}`, token: admin, body });
        expect(bad.status).toBe(400);
        expect(bad.body.details[0].path).toEqual([Object.keys(body)[0]]);
      }
      const nul = await t.request({
        method: 'PATCH',
        url: `/api/definitions/subscription-groups/${id}`,
        token: admin,
        body: { nameEn: 'a\u0000b' },
      });
      expect(nul.status).toBe(400);
      expect((await t.sql(`SELECT name, name_en FROM subscription_group WHERE id = $1`, [id]))[0]).toEqual({
        name: 'Kamu Binaları',
        name_en: 'Public Buildings',
      });

      // An empty English name clears it; a user without the right at the root cannot change it.
      const cleared = await t.request({
        method: 'PATCH',
        url: `/api/definitions/subscription-groups/${id}`,
        token: admin,
        body: { nameEn: '' },
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body.nameEn).toBeNull();
      const refused = await t.request({
        method: 'PATCH',
        url: `/api/definitions/subscription-groups/${id}`,
        token: hatsu,
        body: { nameEn: 'X' },
      });
      expect(refused.status).toBe(403);
      expect((await t.sql(`SELECT name_en FROM subscription_group WHERE id = $1`, [id]))[0].name_en).toBeNull();
      await t.request({ method: 'DELETE', url: `/api/definitions/subscription-groups/${id}`, token: admin });
    });
  });

  describe('communication technologies', () => {
    const field = (over: Record<string, unknown> = {}) => ({
      key: 'NodeId',
      label: 'Node ID',
      valueType: 'HEX',
      length: 8,
      regex: '^[0-9a-fA-F]{8}$',
      ...over,
    });

    it('lists the nine technologies with their identifier fields', async () => {
      const list = await t.request({ url: '/api/definitions/technologies', token: aski });
      expect(list.status).toBe(200);
      expect(list.body.items.map((x: { code: string }) => x.code)).toEqual([
        'SIGFOX',
        'LORAWAN',
        'NBIOT',
        'WMBUS',
        'MIOTY',
        'WIFI',
        'BLUETOOTH',
        'NFC',
        'OMS',
      ]);
      const lorawan = list.body.items[1];
      expect(lorawan.transports).toEqual(['MQTT', 'HTTP', 'API']);
      expect(lorawan.fields.map((f: { key: string }) => f.key)).toEqual(['DevEUI', 'JoinEUI', 'AppKey']);
      expect(lorawan.fields[0]).toMatchObject({
        valueType: 'HEX',
        length: 16,
        regex: '^[a-fA-F0-9]{16}$',
        isRequired: true,
        isUnique: true,
        isSecret: false,
      });
      expect(lorawan.fields[2]).toMatchObject({ key: 'AppKey', isSecret: true });
      const search = await t.request({ url: '/api/definitions/technologies?search=lora', token: aski });
      expect(search.body.items.map((x: { code: string }) => x.code)).toEqual(['LORAWAN']);
    });

    it('keeps identifier field labels in Turkish and English: seeded both, written, cleared; a bad one changes nothing', async () => {
      const list = await t.request({ url: '/api/definitions/technologies', token: aski });
      const mioty = list.body.items.find((x: { code: string }) => x.code === 'MIOTY');
      const networkKey = mioty.fields.find((f: { key: string }) => f.key === 'NetworkKey');
      expect(networkKey).toMatchObject({ label: 'Ağ anahtarı', labelEn: 'Network key' });
      const wmbus = list.body.items.find((x: { code: string }) => x.code === 'WMBUS');
      expect(wmbus.fields.find((f: { key: string }) => f.key === 'MeterId')).toMatchObject({
        label: 'Sayaç kimliği (ikincil adres)',
        labelEn: 'Meter ID (secondary address)',
      });
      const url = `/api/definitions/technologies/${mioty.id}/fields/${networkKey.id}`;

      const tooLong = await t.request({ method: 'PATCH', url, token: admin, body: { labelEn: 'x'.repeat(101) } });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.details[0]).toMatchObject({ path: ['labelEn'], code: 'tooLong', params: { max: 100 } });
      expect((await t.request({ method: 'PATCH', url, token: aski, body: { labelEn: 'X' } })).status).toBe(403);
      expect(await t.sql(`SELECT label, label_en FROM communication_technology_field WHERE id = $1`, [networkKey.id])).toEqual([
        { label: 'Ağ anahtarı', label_en: 'Network key' },
      ]);

      const cleared = await t.request({ method: 'PATCH', url, token: admin, body: { labelEn: '' } });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ label: 'Ağ anahtarı', labelEn: null });
      const written = await t.request({ method: 'PATCH', url, token: admin, body: { labelEn: '  Network key  ' } });
      expect(written.body).toMatchObject({ label: 'Ağ anahtarı', labelEn: 'Network key' });

      const created = await t.request({
        method: 'POST',
        url: `/api/definitions/technologies/${mioty.id}/fields`,
        token: admin,
        body: field({ key: 'Channel', label: 'Kanal', labelEn: 'Channel', length: 2, regex: '^[0-9a-fA-F]{2}$', isRequired: false }),
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ label: 'Kanal', labelEn: 'Channel' });
      const withoutEn = await t.request({
        method: 'POST',
        url: `/api/definitions/technologies/${mioty.id}/fields`,
        token: admin,
        body: field({ key: 'Band', label: 'Bant', length: 2, regex: '^[0-9a-fA-F]{2}$', isRequired: false }),
      });
      expect(withoutEn.body.labelEn).toBeNull();
      for (const id of [created.body.id, withoutEn.body.id]) {
        expect(
          (await t.request({ method: 'DELETE', url: `/api/definitions/technologies/${mioty.id}/fields/${id}`, token: admin })).status,
        ).toBe(204);
      }
    });

    it('creates a technology with fields and manages the fields one by one', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/definitions/technologies',
        token: admin,
        body: {
          code: 'ZIGBEE',
          name: 'Zigbee',
          transports: ['MQTT'],
          sortOrder: 10,
          fields: [
            field({ isUnique: true }),
            field({ key: 'LinkKey', label: 'Link key', length: 32, regex: '^[0-9a-fA-F]{32}$', isSecret: true }),
          ],
        },
      });
      expect(created.status).toBe(201);
      expect(created.body.fields.map((f: { key: string; isSecret: boolean }) => [f.key, f.isSecret])).toEqual([
        ['NodeId', false],
        ['LinkKey', true],
      ]);
      const id = created.body.id;
      expect(
        (await t.request({ method: 'POST', url: '/api/definitions/technologies', token: admin, body: { code: 'ZIGBEE', name: 'Again' } }))
          .status,
      ).toBe(409);

      const added = await t.request({
        method: 'POST',
        url: `/api/definitions/technologies/${id}/fields`,
        token: admin,
        body: field({ key: 'PanId', label: 'PAN ID', length: 4, regex: '^[0-9a-fA-F]{4}$', isRequired: false }),
      });
      expect(added.status).toBe(201);
      expect(
        (
          await t.request({
            method: 'POST',
            url: `/api/definitions/technologies/${id}/fields`,
            token: admin,
            body: field({ key: 'panid' }),
          })
        ).status,
      ).toBe(409);
      const changed = await t.request({
        method: 'PATCH',
        url: `/api/definitions/technologies/${id}/fields/${added.body.id}`,
        token: admin,
        body: { label: 'PAN identifier', sortOrder: 5 },
      });
      expect(changed.status).toBe(200);
      expect(added.body.sortOrder).toBe(3);
      expect(changed.body).toMatchObject({ key: 'PanId', label: 'PAN identifier', sortOrder: 5, isRequired: false });
      expect(
        (await t.request({ method: 'DELETE', url: `/api/definitions/technologies/${id}/fields/${added.body.id}`, token: admin })).status,
      ).toBe(204);

      const renamed = await t.request({
        method: 'PATCH',
        url: `/api/definitions/technologies/${id}`,
        token: admin,
        body: { name: 'Zigbee 3.0', transports: ['MQTT', 'API'] },
      });
      expect(renamed.body).toMatchObject({ code: 'ZIGBEE', name: 'Zigbee 3.0', transports: ['MQTT', 'API'] });
      expect(renamed.body.fields).toHaveLength(2);

      expect((await t.request({ method: 'DELETE', url: `/api/definitions/technologies/${id}`, token: admin })).status).toBe(204);
      expect(await t.sql(`SELECT id FROM communication_technology_field WHERE technology_id = $1`, [id])).toEqual([]);
    });

    it('refuses patterns that are not anchored or do not compile, in JavaScript or in PostgreSQL', async () => {
      const before = await count('communication_technology');
      const cases: [unknown, (string | number)[]][] = [
        [[field({ regex: '^[a-f$' })], ['fields', 0, 'regex']],
        [[field({ regex: '[0-9]{8}' })], ['fields', 0, 'regex']],
        [[field({ regex: '^[0-9]{8}\\$' })], ['fields', 0, 'regex']],
        [
          [field(), field({ key: 'Other', regex: '^(?<id>[0-9]{8})$' })],
          ['fields', 1, 'regex'],
        ],
        [
          [field(), field({ key: 'nodeid' })],
          ['fields', 1, 'key'],
        ],
        [[field({ valueType: 'BASE64' })], ['fields', 0, 'valueType']],
        [[field({ length: 0 })], ['fields', 0, 'length']],
        [[field({ regex: `^${'a'.repeat(300)}$` })], ['fields', 0, 'regex']],
        [[field({ color: 'red' })], ['fields', 0]],
      ];
      for (const [fields, path] of cases) {
        const res = await t.request({
          method: 'POST',
          url: '/api/definitions/technologies',
          token: admin,
          body: { code: 'THREAD_NET', name: 'Thread', fields },
        });
        expect(res.status, JSON.stringify(fields)).toBe(400);
        expect(res.body.details[0].path).toEqual(path);
      }
      const transports = await t.request({
        method: 'POST',
        url: '/api/definitions/technologies',
        token: admin,
        body: { code: 'THREAD_NET', name: 'Thread', transports: ['MQTT', 'MQTT'] },
      });
      expect(transports.status).toBe(400);
      expect(transports.body.details[0].path).toEqual(['transports', 1]);
      const badTransport = await t.request({
        method: 'POST',
        url: '/api/definitions/technologies',
        token: admin,
        body: { code: 'THREAD_NET', name: 'Thread', transports: ['COAP'] },
      });
      expect(badTransport.body.details[0].path).toEqual(['transports', 0]);
      expect(await count('communication_technology')).toBe(before);
    });

    it('protects identifiers already stored: in-use fields and technologies stay, patterns cannot reject stored values', async () => {
      const lorawan = await idOf('communication_technology', 'code', 'LORAWAN');
      const devEui = (
        await t.sql<{ id: string }>(`SELECT id FROM communication_technology_field WHERE technology_id = $1 AND key = 'DevEUI'`, [lorawan])
      )[0].id;

      const tech = await t.request({ method: 'DELETE', url: `/api/definitions/technologies/${lorawan}`, token: admin });
      expect(tech.status).toBe(409);
      expect(tech.body.message).toMatch(
        /^communication technology LoRaWAN is used by 4 device profiles, \d+ message scenarios and \d+ device identifiers/,
      );

      const fieldDelete = await t.request({
        method: 'DELETE',
        url: `/api/definitions/technologies/${lorawan}/fields/${devEui}`,
        token: admin,
      });
      expect(fieldDelete.status).toBe(409);
      expect(fieldDelete.body.message).toMatch(/^field DevEUI of LoRaWAN is used by \d+ device identifiers/);

      const narrower = await t.request({
        method: 'PATCH',
        url: `/api/definitions/technologies/${lorawan}/fields/${devEui}`,
        token: admin,
        body: { regex: '^[A-F0-9]{12}$' },
      });
      expect(narrower.status).toBe(409);
      expect(narrower.body.details[0].path).toEqual(['regex']);
      // Upper-case only would reject stored lower-case values too, if any; an equivalent pattern is fine.
      const same = await t.request({
        method: 'PATCH',
        url: `/api/definitions/technologies/${lorawan}/fields/${devEui}`,
        token: admin,
        body: { regex: '^[0-9a-fA-F]{16}$' },
      });
      expect(same.status).toBe(200);
      expect((await t.request({ url: `/api/definitions/technologies/${lorawan}`, token: aski })).body.fields[0].regex).toBe(
        '^[0-9a-fA-F]{16}$',
      );
    });
  });
});
