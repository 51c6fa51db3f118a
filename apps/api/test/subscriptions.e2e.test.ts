import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import {
  makeCustomer,
  makeDevice,
  makeMeter,
  makeReading,
  makeSubscription,
  makeUtilities,
  rollUpDays,
  type Tenant,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const TC = ['10000000146', '12345678950', '11111111110', '22222222220', '33333333330', '44444444440'];
const TAX = ['1234567890', '1111111114'];

describe('subscriptions', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  let groups: Record<'NORMAL' | 'HIGH', string>;
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;
  const one = async <T = any>(text: string, params: unknown[] = []) => (await t.sql<T>(text, params))[0];
  const snapshot = async () => ({
    subscriptions: await count('subscription'),
    customers: await count('customer'),
    contacts: await count('customer_contact'),
    addresses: await count('address'),
    periods: await count('subscription_meter'),
    open: await count('subscription_meter', 'ended_at IS NULL'),
    audit: await count('audit_log'),
  });
  /** A metered subscription of a tenant, with its meter. */
  const metered = (tenantId: string, offset = 0) =>
    one<{ id: string; subscription_no: string; meter_id: string; customer_id: string; customer_type: string; address_id: string }>(
      `SELECT s.id, s.subscription_no, sm.meter_id, s.customer_id, c.customer_type, s.address_id FROM subscription s
         JOIN customer c ON c.id = s.customer_id
         JOIN subscription_meter sm ON sm.subscription_id = s.id AND sm.ended_at IS NULL
        WHERE s.tenant_id = $1 ORDER BY s.subscription_no LIMIT 1 OFFSET $2`,
      [tenantId, offset],
    );

  beforeAll(async () => {
    t = await startTestApp('subscriptions');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    ids = { root: root.id, aski: a.id, hatsu: b.id };
    const g = await t.sql<{ id: string; code: 'NORMAL' | 'HIGH' }>('SELECT id, code FROM subscription_group');
    groups = Object.fromEntries(g.map((r) => [r.code, r.id])) as typeof groups;
    // A: ASK-000001…016 metered (every fifth an organisation, every third in HIGH), with two days of
    // readings, and ASK-000017…036 without a meter; B: HAT-000001…003, metered.
    const subscription = async (tenant: Tenant, no: string, i: number, metered: boolean) => {
      const type = i % 5 === 4 ? 'ORGANIZATIONAL' : 'INDIVIDUAL';
      const customer = await makeCustomer(t, { tenant, type, address: true });
      const s = await makeSubscription(t, {
        tenant,
        customer,
        type,
        subscriptionNo: no,
        group: i % 3 === 2 ? 'HIGH' : 'NORMAL',
        address: { id: customer.addressId!, tenantId: tenant.id },
      });
      if (!metered) return;
      const device = await makeDevice(t, { tenant, meter: await makeMeter(t, { tenant, subscription: s }) });
      for (const [hoursAgo, indexM3] of [
        [50, 1],
        [26, 1.4 + i / 10],
        [2, 2 + i / 5],
      ])
        await makeReading(t, { device, time: new Date(Date.now() - hoursAgo * 3_600_000), indexM3 });
    };
    for (let i = 1; i <= 36; i++) await subscription(a, `ASK-${String(i).padStart(6, '0')}`, i, i <= 16);
    for (let i = 1; i <= 3; i++) await subscription(b, `HAT-${String(i).padStart(6, '0')}`, i, true);
    await rollUpDays(t);
  });
  afterAll(async () => t?.close());

  describe('list', () => {
    it('shows Subscription ID | TC/Tax ID | Consumption | Address, 30 per page, scoped to the caller', async () => {
      const res = await t.request({ url: '/api/subscriptions', token: aski });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(36);
      expect(res.body.items).toHaveLength(30);
      const row = res.body.items[0];
      expect(row.subscriptionNo).toBe('ASK-000001');
      expect(row.identityNo).toMatch(/^[0-9]{10,11}$/);
      expect(row.address.line).toMatch(/\S/);
      expect(typeof row.consumption30dM3).toBe('number');
      expect(row.createdAt).toMatch(/Z$/);
      expect((await t.request({ url: '/api/subscriptions', token: hatsu })).body.total).toBe(3);
      expect((await t.request({ url: '/api/subscriptions', token: admin })).body.total).toBe(39);
      expect((await t.request({ url: `/api/subscriptions?tenantId=${ids.aski}`, token: admin })).body.total).toBe(36);
    });

    it('computes the last 30 days of consumption from the daily table', async () => {
      const s = await metered(ids.aski);
      const expected = await one<{ m3: string }>(
        `SELECT coalesce(sum(consumption_m3), 0) AS m3 FROM meter_daily_consumption WHERE subscription_id = $1 AND day > (now() AT TIME ZONE 'Europe/Istanbul')::date - 30`,
        [s.id],
      );
      const res = await t.request({ url: `/api/subscriptions?search=${s.subscription_no}`, token: aski });
      expect(res.body.items[0].consumption30dM3).toBeCloseTo(Number(expected.m3), 3);
      expect(Number(expected.m3)).toBeGreaterThan(0);
      const sorted = await t.request({ url: '/api/subscriptions?sort=consumption&order=desc&pageSize=10', token: aski });
      const values = sorted.body.items.map((r: { consumption30dM3: number }) => r.consumption30dM3);
      expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    });

    it('filters by type, group, meter presence and free text', async () => {
      const noMeter = await t.request({ url: '/api/subscriptions?hasMeter=false&pageSize=100', token: aski });
      expect(noMeter.body.total).toBe(20);
      expect(noMeter.body.items.every((r: { meter: unknown }) => r.meter === null)).toBe(true);
      const orgs = await t.request({ url: '/api/subscriptions?type=ORGANIZATIONAL&pageSize=100', token: aski });
      expect(orgs.body.items.every((r: { type: string }) => r.type === 'ORGANIZATIONAL')).toBe(true);
      const high = await t.request({ url: `/api/subscriptions?groupId=${groups.HIGH}&pageSize=100`, token: aski });
      expect(high.body.items.every((r: { group: { code: string } }) => r.group.code === 'HIGH')).toBe(true);
      expect(high.body.items[0].group).toEqual({ id: groups.HIGH, code: 'HIGH', name: 'Yüksek Tüketim', nameEn: 'High Consumption' });
      const search = await t.request({ url: '/api/subscriptions?search=ASK-00001', token: aski });
      expect(search.body.items.every((r: { subscriptionNo: string }) => r.subscriptionNo.startsWith('ASK-00001'))).toBe(true);
      expect(search.body.total).toBe(10);
      for (const q of ['type=HOME', 'hasMeter=yes', 'groupId=1', 'sort=tenantId', 'pageSize=201', 'unknown=1']) {
        expect((await t.request({ url: `/api/subscriptions?${q}`, token: aski })).status, q).toBe(400);
      }
      expect((await t.request({ url: `/api/subscriptions?tenantId=${ids.hatsu}`, token: aski })).status).toBe(404);
    });
  });

  describe('detail', () => {
    it('shows customer, current meter, its device, address and meter history', async () => {
      const s = await metered(ids.aski);
      const res = await t.request({ url: `/api/subscriptions/${s.id}`, token: aski });
      expect(res.status).toBe(200);
      expect(res.body.customer.id).toBe(s.customer_id);
      expect(res.body.meter.id).toBe(s.meter_id);
      expect(res.body.device.serialNo).toMatch(/\S/);
      expect(res.body.address.id).toBe(s.address_id);
      expect(res.body.meterHistory).toHaveLength(1);
      expect(res.body.meterHistory[0]).toMatchObject({ meterId: s.meter_id, endedAt: null, finalIndexM3: null });
      expect(typeof res.body.meterHistory[0].initialIndexM3).toBe('number');
      const other = await metered(ids.hatsu);
      expect((await t.request({ url: `/api/subscriptions/${other.id}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: '/api/subscriptions/123', token: aski })).status).toBe(400);
    });
  });

  describe('create', () => {
    it('creates for an existing customer of the same type; the tenant follows the customer', async () => {
      const c = await one<{ id: string }>(`SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'INDIVIDUAL' LIMIT 1`, [
        ids.aski,
      ]);
      const res = await t.request({
        method: 'POST',
        url: '/api/subscriptions',
        token: aski,
        body: {
          subscriptionNo: 'ASK-900001',
          type: 'INDIVIDUAL',
          groupId: groups.NORMAL,
          customerId: c.id,
          address: { city: 'Ankara', district: 'Etimesgut', latitude: 39.95, longitude: 32.66 },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        subscriptionNo: 'ASK-900001',
        tenantId: ids.aski,
        type: 'INDIVIDUAL',
        meter: null,
        device: null,
        meterHistory: [],
      });
      expect(res.body.customer.id).toBe(c.id);
      expect(res.body.address).toMatchObject({ district: 'Etimesgut', latitude: 39.95 });
      expect(await count('audit_log', `entity_type = 'subscription' AND entity_id = $1 AND action = 'create'`, [res.body.id])).toBe(1);

      const dup = await t.request({
        method: 'POST',
        url: '/api/subscriptions',
        token: aski,
        body: {
          subscriptionNo: 'ASK-900001',
          type: 'INDIVIDUAL',
          groupId: groups.NORMAL,
          customerId: c.id,
          addressId: res.body.address.id,
        },
      });
      expect(dup.status).toBe(409);
      expect(dup.body.details[0].path).toEqual(['subscriptionNo']);
      // The same number is free in another tenant.
      const hc = await one<{ id: string }>(`SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'INDIVIDUAL' LIMIT 1`, [
        ids.hatsu,
      ]);
      const other = await t.request({
        method: 'POST',
        url: '/api/subscriptions',
        token: hatsu,
        body: { subscriptionNo: 'ASK-900001', type: 'INDIVIDUAL', groupId: groups.NORMAL, customerId: hc.id, address: { city: 'Hatay' } },
      });
      expect(other.status).toBe(201);
    });

    it('creates a new individual customer and the subscription in one transaction', async () => {
      const before = await snapshot();
      const res = await t.request({
        method: 'POST',
        url: '/api/subscriptions',
        token: aski,
        body: {
          tenantId: ids.aski,
          subscriptionNo: 'ASK-900002',
          type: 'INDIVIDUAL',
          groupId: groups.NORMAL,
          address: { city: 'Ankara', district: 'Mamak', street: 'Tıp Fakültesi Caddesi', latitude: 39.93, longitude: 32.9 },
          customer: {
            name: 'Zeynep',
            surname: 'Aydın',
            tcIdNo: TC[0],
            phone: '+905327776655',
            email: 'zeynep@example.com',
            contacts: [
              { name: 'Emre', surname: 'Aydın', tcIdNo: TC[1], phone: '+905327776656', details: 'Oğlu', address: { city: 'İstanbul' } },
            ],
          },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.customer).toMatchObject({ displayName: 'Zeynep Aydın', type: 'INDIVIDUAL', tcIdNo: TC[0] });
      expect(res.body.identityNo).toBe(TC[0]);
      const after = await snapshot();
      expect(after.subscriptions).toBe(before.subscriptions + 1);
      expect(after.customers).toBe(before.customers + 1);
      expect(after.contacts).toBe(before.contacts + 1);
      // The customer without an address of its own is registered at the subscription's address.
      const customer = await one<{ address_id: string }>('SELECT address_id FROM customer WHERE id = $1', [res.body.customer.id]);
      expect(customer.address_id).toBe(res.body.address.id);
    });

    it('creates a new organisation with its contact person', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/subscriptions',
        token: hatsu,
        body: {
          tenantId: ids.hatsu,
          subscriptionNo: 'HAT-900001',
          type: 'ORGANIZATIONAL',
          groupId: groups.HIGH,
          address: { city: 'Hatay', district: 'Antakya' },
          customer: {
            organizationName: 'Defne Otel A.Ş.',
            taxId: TAX[0],
            taxOffice: 'Antakya',
            contact: { name: 'Selin', surname: 'Demir', phone: '+905551112233', email: 'selin@example.com' },
            address: { city: 'Hatay', district: 'Defne' },
          },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.customer).toMatchObject({ displayName: 'Defne Otel A.Ş.', taxId: TAX[0] });
      expect(res.body.group.code).toBe('HIGH');
      const detail = await t.request({ url: `/api/customers/${res.body.customer.id}`, token: hatsu });
      expect(detail.body.contact).toMatchObject({ name: 'Selin', isPrimary: true });
      expect(detail.body.address.district).toBe('Defne');
    });

    it('validates the inline customer by the subscription type, with field paths, and changes nothing', async () => {
      const before = await snapshot();
      const c = await one<{ id: string }>(`SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'ORGANIZATIONAL' LIMIT 1`, [
        ids.aski,
      ]);
      const base = {
        tenantId: ids.aski,
        subscriptionNo: 'ASK-900099',
        type: 'INDIVIDUAL',
        groupId: groups.NORMAL,
        address: { city: 'Ankara' },
      };
      const cases: Array<[Record<string, unknown>, number, (string | number)[]]> = [
        [{ ...base, customer: { name: 'A', surname: 'B', tcIdNo: '12345678901' } }, 400, ['customer', 'tcIdNo']],
        [{ ...base, customer: { surname: 'B', tcIdNo: TC[2] } }, 400, ['customer', 'name']],
        [{ ...base, customer: { name: 'A', surname: 'B', tcIdNo: TC[2], organizationName: 'X' } }, 400, ['customer']],
        [{ ...base, type: 'ORGANIZATIONAL', customer: { name: 'A', surname: 'B', tcIdNo: TC[2] } }, 400, ['customer', 'organizationName']],
        [
          {
            ...base,
            type: 'ORGANIZATIONAL',
            customer: { organizationName: 'X', taxId: '1234567891', contact: { name: 'A', surname: 'B' } },
          },
          400,
          ['customer', 'taxId'],
        ],
        [{ ...base, tenantId: undefined, customer: { name: 'A', surname: 'B', tcIdNo: TC[2] } }, 400, ['tenantId']],
        [{ ...base, customer: { name: 'A', surname: 'B', tcIdNo: TC[2] }, customerId: c.id }, 400, ['customerId']],
        [{ ...base, tenantId: undefined }, 400, ['customerId']],
        [{ ...base, tenantId: undefined, customerId: c.id }, 400, ['type']],
        [{ ...base, address: undefined, customer: { name: 'A', surname: 'B', tcIdNo: TC[2] } }, 400, ['address']],
        [
          { ...base, groupId: '00000000-0000-4000-8000-000000000000', customer: { name: 'A', surname: 'B', tcIdNo: TC[2] } },
          400,
          ['groupId'],
        ],
        [{ ...base, type: 'HOUSEHOLD', customer: { name: 'A', surname: 'B', tcIdNo: TC[2] } }, 400, ['type']],
        [{ ...base, subscriptionNo: ' ', customer: { name: 'A', surname: 'B', tcIdNo: TC[2] } }, 400, ['subscriptionNo']],
        [{ ...base, subscriptionNo: 'X'.repeat(41), customer: { name: 'A', surname: 'B', tcIdNo: TC[2] } }, 400, ['subscriptionNo']],
        [{ ...base, customer: { name: 'A', surname: 'B', tcIdNo: TC[2] }, initialIndexM3: -1 }, 400, ['initialIndexM3']],
        [{ ...base, customer: { name: 'A', surname: 'B', tcIdNo: TC[2] }, meterStartedAt: '2025-01-01 10:00' }, 400, ['meterStartedAt']],
        [{ ...base, customer: { name: 'A', surname: 'B', tcIdNo: TC[2] }, priority: 1 }, 400, []],
      ];
      for (const [body, status, path] of cases) {
        const res = await t.request({ method: 'POST', url: '/api/subscriptions', token: aski, body });
        expect(res.status, JSON.stringify(body)).toBe(status);
        if (path.length)
          expect(
            res.body.details.map((d: { path: unknown }) => d.path),
            JSON.stringify(body),
          ).toContainEqual(path);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('rolls the new customer back when the meter cannot be assigned (one transaction)', async () => {
      const before = await snapshot();
      const busy = await metered(ids.aski, 1);
      const res = await t.request({
        method: 'POST',
        url: '/api/subscriptions',
        token: aski,
        body: {
          tenantId: ids.aski,
          subscriptionNo: 'ASK-900003',
          type: 'INDIVIDUAL',
          groupId: groups.NORMAL,
          address: { city: 'Ankara' },
          customer: { name: 'A', surname: 'B', tcIdNo: TC[3] },
          meterId: busy.meter_id,
        },
      });
      expect(res.status).toBe(409);
      expect(res.body.message).toContain(busy.subscription_no);
      expect(res.body.details[0].path).toEqual(['meterId']);
      expect(await snapshot()).toEqual(before);
    });

    it('puts B’s ids into every reference field of A’s create: 404/400 and nothing changes', async () => {
      const before = await snapshot();
      const hs = await metered(ids.hatsu);
      const askiCustomer = await one<{ id: string }>(
        `SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'INDIVIDUAL' LIMIT 1`,
        [ids.aski],
      );
      const base = { subscriptionNo: 'ASK-900004', type: 'INDIVIDUAL', groupId: groups.NORMAL };
      const post = (body: unknown, token = aski) => t.request({ method: 'POST', url: '/api/subscriptions', token, body });
      expect((await post({ ...base, customerId: hs.customer_id, address: { city: 'x' } })).status).toBe(404);
      expect(
        (await post({ ...base, tenantId: ids.hatsu, customer: { name: 'A', surname: 'B', tcIdNo: TC[4] }, address: { city: 'x' } })).status,
      ).toBe(404);
      expect(
        (await post({ ...base, tenantId: ids.root, customer: { name: 'A', surname: 'B', tcIdNo: TC[4] }, address: { city: 'x' } })).status,
      ).toBe(404);
      expect((await post({ ...base, tenantId: ids.hatsu, customerId: askiCustomer.id, address: { city: 'x' } })).status).toBe(400);
      expect((await post({ ...base, customerId: askiCustomer.id, addressId: hs.address_id })).status).toBe(404);
      expect((await post({ ...base, customerId: askiCustomer.id, address: { city: 'x' }, meterId: hs.meter_id })).status).toBe(404);
      expect(
        (
          await post({
            ...base,
            tenantId: ids.aski,
            customer: { name: 'A', surname: 'B', tcIdNo: TC[4], addressId: hs.address_id },
            address: { city: 'x' },
          })
        ).status,
      ).toBe(404);
      // The root admin sees both tenants, and still cannot mix them.
      const mixed = await post({ ...base, customerId: askiCustomer.id, address: { city: 'x' }, meterId: hs.meter_id }, admin);
      expect(mixed.status).toBe(400);
      expect(mixed.body.details[0].path).toEqual(['meterId']);
      expect((await post({ ...base, customerId: askiCustomer.id, addressId: hs.address_id }, admin)).status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });

    it('needs CUSTOMERS create to register a new customer from the subscription form', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/users',
        token: aski,
        body: {
          name: 'Abone',
          surname: 'Memuru',
          email: 'abone.memuru@example.com',
          password: 'Parola123',
          memberships: [{ tenantId: ids.aski, role: 'Clerk', permissions: matrix({ SUBSCRIPTIONS: 'crud', CUSTOMERS: 'r' }) }],
        },
      });
      expect(created.status).toBe(201);
      const clerk = await t.login('abone.memuru@example.com', 'Parola123');
      const base = {
        tenantId: ids.aski,
        subscriptionNo: 'ASK-900005',
        type: 'INDIVIDUAL',
        groupId: groups.NORMAL,
        address: { city: 'Ankara' },
      };
      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/subscriptions',
            token: clerk,
            body: { ...base, customer: { name: 'A', surname: 'B', tcIdNo: TC[5] } },
          })
        ).status,
      ).toBe(403);
      const c = await one<{ id: string }>(`SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'INDIVIDUAL' LIMIT 1`, [
        ids.aski,
      ]);
      const { tenantId: _t, ...rest } = base;
      expect(
        (await t.request({ method: 'POST', url: '/api/subscriptions', token: clerk, body: { ...rest, customerId: c.id } })).status,
      ).toBe(201);
    });
  });

  describe('transport', () => {
    it('rejects wrong content types, malformed JSON and oversized bodies on every write, changing nothing', async () => {
      const s = await metered(ids.aski, 7);
      const before = await snapshot();
      const targets: Array<['POST' | 'PATCH' | 'PUT', string]> = [
        ['POST', '/api/subscriptions'],
        ['PATCH', `/api/subscriptions/${s.id}`],
        ['PUT', `/api/subscriptions/${s.id}/meter`],
      ];
      for (const [method, url] of targets) {
        const send = (body: string, type: string) => t.request({ method, url, token: aski, body, headers: { 'content-type': type } });
        expect((await send('<subscription/>', 'application/xml')).status, url).toBe(415);
        expect((await send('{"subscriptionNo":', 'application/json')).status, url).toBe(400);
        expect(
          (await send(JSON.stringify({ subscriptionNo: 'x'.repeat(t.config.BODY_LIMIT_BYTES) }), 'application/json')).status,
          url,
        ).toBe(413);
        expect((await send('[]', 'application/json')).status, url).toBe(400);
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('meter change', () => {
    it('closes the open period at the final index and opens the next one, keeping history', async () => {
      const a = await metered(ids.aski, 1);
      const b = await metered(ids.aski, 2);
      // Free meter B first: its subscription is left without a meter.
      const off = await t.request({ method: 'PUT', url: `/api/subscriptions/${b.id}/meter`, token: aski, body: { meterId: null } });
      expect(off.status).toBe(200);
      expect(off.body.meter).toBeNull();
      expect(off.body.meterHistory[0].endedAt).toMatch(/Z$/);
      const lastB = await one<{ index_m3: string }>('SELECT index_m3 FROM reading WHERE meter_id = $1 ORDER BY time DESC LIMIT 1', [
        b.meter_id,
      ]);
      expect(off.body.meterHistory[0].finalIndexM3).toBeCloseTo(Number(lastB.index_m3), 3);

      const lastA = await one<{ index_m3: string }>('SELECT index_m3 FROM reading WHERE meter_id = $1 ORDER BY time DESC LIMIT 1', [
        a.meter_id,
      ]);
      const res = await t.request({
        method: 'PUT',
        url: `/api/subscriptions/${a.id}/meter`,
        token: aski,
        body: { meterId: b.meter_id, initialIndexM3: 12.5 },
      });
      expect(res.status).toBe(200);
      expect(res.body.meter.id).toBe(b.meter_id);
      expect(res.body.meterHistory).toHaveLength(2);
      expect(res.body.meterHistory[0]).toMatchObject({ meterId: b.meter_id, endedAt: null, initialIndexM3: 12.5 });
      expect(res.body.meterHistory[1]).toMatchObject({ meterId: a.meter_id });
      expect(res.body.meterHistory[1].finalIndexM3).toBeCloseTo(Number(lastA.index_m3), 3);
      expect(res.body.meterHistory[1].endedAt).toBe(res.body.meterHistory[0].startedAt);
      expect(await count('audit_log', `entity_type = 'subscription_meter' AND tenant_id = $1`, [ids.aski])).toBeGreaterThanOrEqual(3);

      // Meter A is free now and can go to the subscription left without one.
      const back = await t.request({
        method: 'PUT',
        url: `/api/subscriptions/${b.id}/meter`,
        token: aski,
        body: { meterId: a.meter_id, finalIndexM3: 1 },
      });
      expect(back.status).toBe(400);
      expect(back.body.details[0].path).toEqual(['finalIndexM3']);
      expect(
        (await t.request({ method: 'PUT', url: `/api/subscriptions/${b.id}/meter`, token: aski, body: { meterId: a.meter_id } })).status,
      ).toBe(200);
    });

    it('refuses busy meters, other tenants’ meters, bad dates and indexes, changing nothing', async () => {
      const a = await metered(ids.aski, 3);
      const busy = await metered(ids.aski, 4);
      const foreign = await metered(ids.hatsu, 0);
      const before = await snapshot();
      const put = (body: unknown, token = aski, id = a.id) =>
        t.request({ method: 'PUT', url: `/api/subscriptions/${id}/meter`, token, body });
      const r1 = await put({ meterId: busy.meter_id });
      expect(r1.status).toBe(409);
      expect(r1.body.message).toContain(busy.subscription_no);
      expect((await put({ meterId: a.meter_id })).status).toBe(409);
      expect((await put({ meterId: foreign.meter_id })).status).toBe(404);
      expect((await put({ meterId: foreign.meter_id }, admin)).status).toBe(400);
      expect((await put({ meterId: null }, aski, foreign.id)).status).toBe(404);
      expect((await put({ meterId: null, at: '2000-01-01T00:00:00Z' })).status).toBe(400);
      expect((await put({ meterId: null, at: new Date(Date.now() + 86_400_000).toISOString() })).status).toBe(400);
      expect((await put({ meterId: null, at: '2025-13-01T00:00:00Z' })).status).toBe(400);
      expect((await put({ meterId: null, finalIndexM3: 1.2345 })).status).toBe(400);
      expect((await put({ meterId: null, finalIndexM3: 'ten' })).status).toBe(400);
      expect((await put({ meterId: null, initialIndexM3: 1 })).status).toBe(400);
      expect((await put({ meterId: 'meter-1' })).status).toBe(400);
      expect((await put({})).status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('update and delete', () => {
    it('updates number, group and address; refuses type changes and other tenants’ customers', async () => {
      const s = await metered(ids.aski, 5);
      const res = await t.request({
        method: 'PATCH',
        url: `/api/subscriptions/${s.id}`,
        token: aski,
        body: { groupId: groups.HIGH, subscriptionNo: 'ASK-777777' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ subscriptionNo: 'ASK-777777', group: { code: 'HIGH' } });
      expect(
        (await t.request({ method: 'PATCH', url: `/api/subscriptions/${s.id}`, token: aski, body: { subscriptionNo: 'ASK-000001' } }))
          .status,
      ).toBe(409);
      const other = s.customer_type === 'INDIVIDUAL' ? 'ORGANIZATIONAL' : 'INDIVIDUAL';
      expect((await t.request({ method: 'PATCH', url: `/api/subscriptions/${s.id}`, token: aski, body: { type: other } })).status).toBe(
        400,
      );
      const hc = await one<{ id: string }>(`SELECT id FROM customer WHERE tenant_id = $1 LIMIT 1`, [ids.hatsu]);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/subscriptions/${s.id}`, token: aski, body: { customerId: hc.id } })).status,
      ).toBe(404);
      const hs = await metered(ids.hatsu, 1);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/subscriptions/${s.id}`, token: aski, body: { addressId: hs.address_id } })).status,
      ).toBe(404);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/subscriptions/${hs.id}`, token: aski, body: { isActive: false } })).status,
      ).toBe(404);
      expect((await one<{ is_active: boolean }>('SELECT is_active FROM subscription WHERE id = $1', [hs.id])).is_active).toBe(true);
    });

    it('deletes a subscription that never had a meter; refuses one with history', async () => {
      const s = await metered(ids.aski, 6);
      const refused = await t.request({ method: 'DELETE', url: `/api/subscriptions/${s.id}`, token: aski });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/deactivate/);
      const fresh = await one<{ id: string }>(
        `SELECT s.id FROM subscription s WHERE s.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM subscription_meter sm WHERE sm.subscription_id = s.id) LIMIT 1`,
        [ids.aski],
      );
      expect((await t.request({ method: 'DELETE', url: `/api/subscriptions/${fresh.id}`, token: hatsu })).status).toBe(404);
      expect((await t.request({ method: 'DELETE', url: `/api/subscriptions/${fresh.id}`, token: aski })).status).toBe(204);
      expect(await count('subscription', 'id = $1', [fresh.id])).toBe(0);
    });
  });
});
