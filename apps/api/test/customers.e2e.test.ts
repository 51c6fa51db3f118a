import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import { makeAddress, makeCustomer, makeDevice, makeMeter, makeSubscription, makeUtilities } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/** Valid TC ID numbers (both check digits right) and tax numbers for new records. */
const TC = ['10000000146', '12345678950', '11111111110', '22222222220', '33333333330'];
const TAX = ['1234567890', '1111111114'];

describe('customers and addresses', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  let askiName: string;
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;
  const one = async <T = any>(text: string, params: unknown[] = []) => (await t.sql<T>(text, params))[0];

  beforeAll(async () => {
    t = await startTestApp('customers');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    ids = { root: root.id, aski: a.id, hatsu: b.id };
    askiName = a.name;
    // A: 35 customers (two organisations with their contact person), one of them with two
    // subscriptions at addresses of their own, one metered; B: 3.
    for (let i = 0; i < 32; i++) await makeCustomer(t, { tenant: a, address: true });
    for (let i = 0; i < 2; i++)
      await makeCustomer(t, { tenant: a, type: 'ORGANIZATIONAL', address: true, contact: { name: 'Kemal', surname: 'Sorumlu' } });
    const two = await makeCustomer(t, { tenant: a, address: true });
    const first = await makeSubscription(t, {
      tenant: a,
      customer: two,
      subscriptionNo: 'ABONE-0001',
      address: await makeAddress(t, { tenant: a }),
    });
    await makeSubscription(t, { tenant: a, customer: two, address: await makeAddress(t, { tenant: a }) });
    await makeDevice(t, { tenant: a, meter: await makeMeter(t, { tenant: a, subscription: first }) });
    for (let i = 0; i < 3; i++) await makeCustomer(t, { tenant: b, address: true });
  });
  afterAll(async () => t?.close());

  describe('list', () => {
    it('pages 30 by default within the caller’s tenants, with search, sort and filters', async () => {
      const res = await t.request({ url: '/api/customers', token: aski });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(35);
      expect(res.body.items).toHaveLength(30);
      expect(res.body.pageSize).toBe(30);
      expect(new Set(res.body.items.map((c: { tenantName: string }) => c.tenantName))).toEqual(new Set([askiName]));
      const names = res.body.items.map((c: { displayName: string }) => c.displayName);
      expect([...names].sort((a: string, b: string) => a.localeCompare(b, 'en'))).toHaveLength(30);

      expect((await t.request({ url: '/api/customers', token: hatsu })).body.total).toBe(3);
      expect((await t.request({ url: '/api/customers', token: admin })).body.total).toBe(38);
      expect((await t.request({ url: `/api/customers?tenantId=${ids.hatsu}`, token: admin })).body.total).toBe(3);

      const orgs = await t.request({ url: '/api/customers?type=ORGANIZATIONAL&pageSize=100', token: aski });
      expect(orgs.body.total).toBeGreaterThan(0);
      expect(
        orgs.body.items.every(
          (c: { type: string; taxId: string; identityNo: string }) => c.type === 'ORGANIZATIONAL' && c.identityNo === c.taxId,
        ),
      ).toBe(true);

      const some = await one<{ tc_id_no: string; surname: string }>(
        `SELECT tc_id_no, surname FROM customer WHERE tenant_id = $1 AND tc_id_no IS NOT NULL LIMIT 1`,
        [ids.aski],
      );
      const byTc = await t.request({ url: `/api/customers?search=${some.tc_id_no}`, token: aski });
      expect(byTc.body.total).toBe(1);
      expect(byTc.body.items[0].tcIdNo).toBe(some.tc_id_no);
      const bySub = await t.request({ url: `/api/customers?search=ABONE-0001`, token: aski });
      expect(bySub.body.total).toBe(1);

      const bySubs = await t.request({ url: '/api/customers?sort=subscriptions&order=desc', token: aski });
      expect(bySubs.body.items[0].subscriptionCount).toBe(2);
      const page2 = await t.request({ url: '/api/customers?page=2', token: aski });
      expect(page2.body.items).toHaveLength(5);
    });

    it('rejects bad list queries with field paths', async () => {
      for (const q of [
        'type=PERSON',
        'pageSize=0',
        'pageSize=1000',
        'page=-1',
        'sort=password',
        'tenantId=abc',
        'foo=bar',
        `search=${'x'.repeat(101)}`,
      ]) {
        const res = await t.request({ url: `/api/customers?${q}`, token: aski });
        expect(res.status, q).toBe(400);
        expect(res.body.details.length, q).toBeGreaterThan(0);
      }
    });

    it('never lists or filters by another tenant’s customers', async () => {
      expect((await t.request({ url: `/api/customers?tenantId=${ids.hatsu}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/customers?tenantId=${ids.root}`, token: aski })).status).toBe(404);
      const hatsuTc = await one<{ tc_id_no: string }>(
        `SELECT tc_id_no FROM customer WHERE tenant_id = $1 AND tc_id_no IS NOT NULL LIMIT 1`,
        [ids.hatsu],
      );
      expect((await t.request({ url: `/api/customers?search=${hatsuTc.tc_id_no}`, token: aski })).body.total).toBe(0);
    });
  });

  describe('detail', () => {
    it('shows info, addresses (own, subscriptions’, contacts’), subscriptions with meter and device', async () => {
      const c = await one<{ id: string }>(
        `SELECT c.id FROM customer c WHERE c.tenant_id = $1 AND (SELECT count(*) FROM subscription s WHERE s.customer_id = c.id) = 2 LIMIT 1`,
        [ids.aski],
      );
      const res = await t.request({ url: `/api/customers/${c.id}`, token: aski });
      expect(res.status).toBe(200);
      expect(res.body.subscriptions).toHaveLength(2);
      const withMeter = res.body.subscriptions.filter((s: { meter: unknown }) => s.meter);
      expect(withMeter).toHaveLength(1);
      expect(withMeter[0].meter.serialNo).toMatch(/\S/);
      expect(withMeter[0].device.serialNo).toMatch(/\S/);
      expect(withMeter[0].meter.since).toMatch(/Z$/);
      const usedBy = res.body.addresses.flatMap((a: { usedBy: string[] }) => a.usedBy);
      expect(usedBy).toContain('customer');
      expect(usedBy.filter((u: string) => u.startsWith('subscription:'))).toHaveLength(2);
      expect(res.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      const org = await one<{ id: string }>(`SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'ORGANIZATIONAL' LIMIT 1`, [
        ids.aski,
      ]);
      const orgRes = await t.request({ url: `/api/customers/${org.id}`, token: aski });
      expect(orgRes.body.contact).toMatchObject({ isPrimary: true });
      expect(orgRes.body.contact.name).toMatch(/\S/);
      expect(orgRes.body.identityNo).toBe(orgRes.body.taxId);
    });

    it('answers 404 for another tenant’s customer and 400 for a malformed id', async () => {
      const other = await one<{ id: string }>(`SELECT id FROM customer WHERE tenant_id = $1 LIMIT 1`, [ids.hatsu]);
      expect((await t.request({ url: `/api/customers/${other.id}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/customers/${other.id}`, token: hatsu })).status).toBe(200);
      expect((await t.request({ url: `/api/customers/${other.id}`, token: admin })).status).toBe(200);
      expect((await t.request({ url: '/api/customers/not-a-uuid', token: aski })).status).toBe(400);
      expect((await t.request({ url: '/api/customers/00000000-0000-4000-8000-000000000000', token: aski })).status).toBe(404);
    });
  });

  describe('create', () => {
    it('creates an individual with an inline address and an extra contact, audited', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: aski,
        body: {
          tenantId: ids.aski,
          type: 'INDIVIDUAL',
          name: ' Ayşe ',
          surname: 'Yılmaz',
          tcIdNo: TC[0],
          phone: '+905321112233',
          email: 'Ayse.Yilmaz@Example.com',
          address: {
            city: 'Ankara',
            district: 'Çankaya',
            street: 'Atatürk Bulvarı',
            buildingNo: '12',
            latitude: 39.91,
            longitude: 32.85,
            uavtCode: '1234567890',
          },
          contacts: [
            {
              name: 'Mehmet',
              surname: 'Yılmaz',
              tcIdNo: TC[1],
              phone: '+905329998877',
              details: 'Eşi',
              address: { city: 'Ankara', district: 'Keçiören' },
            },
          ],
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        type: 'INDIVIDUAL',
        name: 'Ayşe',
        displayName: 'Ayşe Yılmaz',
        email: 'ayse.yilmaz@example.com',
        identityNo: TC[0],
        subscriptionCount: 0,
      });
      expect(res.body.address).toMatchObject({ district: 'Çankaya', latitude: 39.91, longitude: 32.85 });
      expect(res.body.contacts).toHaveLength(1);
      expect(res.body.contacts[0]).toMatchObject({ name: 'Mehmet', isPrimary: false, address: { district: 'Keçiören' } });
      expect(res.body.contact).toBeNull();
      const audit = await t.sql(
        `SELECT action, entity_type FROM audit_log WHERE tenant_id = $1 AND entity_type IN ('customer','customer_contact','address') ORDER BY id`,
        [ids.aski],
      );
      expect(audit.map((a) => `${a.action} ${a.entity_type}`)).toEqual(
        expect.arrayContaining(['create customer', 'create customer_contact', 'create address']),
      );
    });

    it('creates an organisation with its contact person as primary contact', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: hatsu,
        body: {
          tenantId: ids.hatsu,
          type: 'ORGANIZATIONAL',
          organizationName: 'Antakya Fırıncılar Kooperatifi',
          taxId: TAX[0],
          taxOffice: 'Antakya',
          contact: { name: 'Hüseyin', surname: 'Kara', phone: '+905551234567', email: 'huseyin@example.com' },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.contact).toMatchObject({ name: 'Hüseyin', surname: 'Kara', isPrimary: true });
      expect(res.body.identityNo).toBe(TAX[0]);
      expect(await count('customer_contact', 'customer_id = $1 AND is_primary', [res.body.id])).toBe(1);
    });

    it('validates fields per type with paths, and changes nothing', async () => {
      const before = await count('customer');
      const addresses = await count('address');
      const cases: Array<[unknown, (string | number)[]]> = [
        [{ tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: '12345678901' }, ['tcIdNo']],
        [{ tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: '0234567895' }, ['tcIdNo']],
        [{ tenantId: ids.aski, type: 'INDIVIDUAL', surname: 'B', tcIdNo: TC[2] }, ['name']],
        [{ tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2], phone: '05321234567' }, ['phone']],
        [{ tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2], email: 'not-an-email' }, ['email']],
        [{ tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A'.repeat(101), surname: 'B', tcIdNo: TC[2] }, ['name']],
        [{ tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2], organizationName: 'X' }, []],
        [{ tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2], isVip: true }, []],
        [{ tenantId: ids.aski, type: 'PERSON', name: 'A', surname: 'B', tcIdNo: TC[2] }, ['type']],
        [{ tenantId: 'aski', type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2] }, ['tenantId']],
        [
          { tenantId: ids.aski, type: 'ORGANIZATIONAL', organizationName: 'X', taxId: '1234567891', contact: { name: 'A', surname: 'B' } },
          ['taxId'],
        ],
        [{ tenantId: ids.aski, type: 'ORGANIZATIONAL', organizationName: 'X', taxId: TAX[1] }, ['contact']],
        [
          { tenantId: ids.aski, type: 'ORGANIZATIONAL', organizationName: 'X', taxId: TAX[1], contact: { name: 'A' } },
          ['contact', 'surname'],
        ],
        [
          { tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2], address: { latitude: 91, longitude: 0 } },
          ['address', 'latitude'],
        ],
        [
          { tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2], address: { latitude: 39 } },
          ['address', 'longitude'],
        ],
        [
          { tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2], address: { uavtCode: '12' } },
          ['address', 'uavtCode'],
        ],
        [
          {
            tenantId: ids.aski,
            type: 'INDIVIDUAL',
            name: 'A',
            surname: 'B',
            tcIdNo: TC[2],
            contacts: [{ name: 'C', tcIdNo: '12345678901' }],
          },
          ['contacts', 0, 'tcIdNo'],
        ],
        [
          { tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[2], contacts: [{ surname: 'C' }] },
          ['contacts', 0, 'name'],
        ],
      ];
      for (const [body, path] of cases) {
        const res = await t.request({ method: 'POST', url: '/api/customers', token: aski, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.message).toBeTruthy();
        if (path.length)
          expect(
            res.body.details.map((d: { path: unknown }) => d.path),
            JSON.stringify(body),
          ).toContainEqual(path);
      }
      expect(await count('customer')).toBe(before);
      expect(await count('address')).toBe(addresses);
    });

    it('refuses a TC ID No already registered in the tenant (409) but allows it in another tenant', async () => {
      const body = { type: 'INDIVIDUAL', name: 'Ali', surname: 'Can', tcIdNo: TC[3] };
      expect((await t.request({ method: 'POST', url: '/api/customers', token: aski, body: { ...body, tenantId: ids.aski } })).status).toBe(
        201,
      );
      const dup = await t.request({ method: 'POST', url: '/api/customers', token: aski, body: { ...body, tenantId: ids.aski } });
      expect(dup.status).toBe(409);
      expect(dup.body.details[0].path).toEqual(['tcIdNo']);
      expect(
        (await t.request({ method: 'POST', url: '/api/customers', token: hatsu, body: { ...body, tenantId: ids.hatsu } })).status,
      ).toBe(201);
    });

    it('rejects wrong content types, malformed JSON and oversized bodies', async () => {
      const before = await count('customer');
      const xml = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: aski,
        body: '<customer/>',
        headers: { 'content-type': 'application/xml' },
      });
      expect(xml.status).toBe(415);
      const text = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: aski,
        body: 'name=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(400);
      const bad = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: aski,
        body: '{"name":',
        headers: { 'content-type': 'application/json' },
      });
      expect(bad.status).toBe(400);
      const huge = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: aski,
        body: JSON.stringify({
          tenantId: ids.aski,
          type: 'INDIVIDUAL',
          name: 'x',
          surname: 'y',
          tcIdNo: TC[4],
          address: { extraDetails: 'x'.repeat(t.config.BODY_LIMIT_BYTES) },
        }),
        headers: { 'content-type': 'application/json' },
      });
      expect(huge.status).toBe(413);
      expect(await count('customer')).toBe(before);
    });
  });

  describe('tenant isolation on writes', () => {
    it('puts B’s ids into every reference field of A’s writes: 404/400 and nothing changes', async () => {
      const hatsuAddress = await one<{ id: string }>(`SELECT id FROM address WHERE tenant_id = $1 LIMIT 1`, [ids.hatsu]);
      const hatsuCustomer = await one<{ id: string }>(
        `SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'INDIVIDUAL' LIMIT 1`,
        [ids.hatsu],
      );
      const askiCustomer = await one<{ id: string; address_id: string }>(
        `SELECT id, address_id FROM customer WHERE tenant_id = $1 AND customer_type = 'INDIVIDUAL' LIMIT 1`,
        [ids.aski],
      );
      const before = {
        customers: await count('customer'),
        contacts: await count('customer_contact'),
        addresses: await count('address'),
        audit: await count('audit_log'),
      };

      const base = { type: 'INDIVIDUAL', name: 'X', surname: 'Y', tcIdNo: TC[4] };
      expect((await t.request({ method: 'POST', url: '/api/customers', token: aski, body: { ...base, tenantId: ids.hatsu } })).status).toBe(
        404,
      );
      expect((await t.request({ method: 'POST', url: '/api/customers', token: aski, body: { ...base, tenantId: ids.root } })).status).toBe(
        404,
      );
      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/customers',
            token: aski,
            body: { ...base, tenantId: ids.aski, addressId: hatsuAddress.id },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/customers',
            token: aski,
            body: { ...base, tenantId: ids.aski, contacts: [{ name: 'C', addressId: hatsuAddress.id }] },
          })
        ).status,
      ).toBe(404);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/customers/${askiCustomer.id}`, token: aski, body: { addressId: hatsuAddress.id } }))
          .status,
      ).toBe(404);
      expect(
        (
          await t.request({
            method: 'POST',
            url: `/api/customers/${askiCustomer.id}/contacts`,
            token: aski,
            body: { name: 'C', addressId: hatsuAddress.id },
          })
        ).status,
      ).toBe(404);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/customers/${hatsuCustomer.id}`, token: aski, body: { name: 'Hacked' } })).status,
      ).toBe(404);
      expect((await t.request({ method: 'DELETE', url: `/api/customers/${hatsuCustomer.id}`, token: aski })).status).toBe(404);
      expect(
        (await t.request({ method: 'POST', url: `/api/customers/${hatsuCustomer.id}/contacts`, token: aski, body: { name: 'C' } })).status,
      ).toBe(404);
      expect((await t.request({ url: `/api/addresses/${hatsuAddress.id}`, token: aski })).status).toBe(404);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/addresses/${hatsuAddress.id}`, token: aski, body: { city: 'X' } })).status,
      ).toBe(404);
      expect((await t.request({ method: 'DELETE', url: `/api/addresses/${hatsuAddress.id}`, token: aski })).status).toBe(404);
      expect(
        (await t.request({ method: 'POST', url: '/api/addresses', token: aski, body: { tenantId: ids.hatsu, city: 'X' } })).status,
      ).toBe(404);

      // The root admin sees both, but an address still has to be of the customer's own tenant.
      const cross = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: admin,
        body: { ...base, tenantId: ids.aski, addressId: hatsuAddress.id },
      });
      expect(cross.status).toBe(400);
      expect(cross.body.details[0].path).toEqual(['addressId']);

      expect(await count('customer')).toBe(before.customers);
      expect(await count('customer_contact')).toBe(before.contacts);
      expect(await count('address')).toBe(before.addresses);
      expect(await count('audit_log')).toBe(before.audit);
      expect((await one<{ name: string }>('SELECT name FROM customer WHERE id = $1', [hatsuCustomer.id])).name).not.toBe('Hacked');
    });

    it('follows the permission matrix: read-only users cannot write, users without the module cannot read', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/users',
        token: aski,
        body: {
          name: 'Okur',
          surname: 'Müşteri',
          email: 'okur.musteri@example.com',
          password: 'Parola123',
          memberships: [{ tenantId: ids.aski, role: 'Viewer', permissions: matrix({ CUSTOMERS: 'r', METERS: 'r' }) }],
        },
      });
      expect(created.status).toBe(201);
      const viewer = await t.login('okur.musteri@example.com', 'Parola123');
      expect((await t.request({ url: '/api/customers', token: viewer })).status).toBe(200);
      expect((await t.request({ url: '/api/addresses', token: viewer })).status).toBe(200);
      const c = await one<{ id: string }>(`SELECT id FROM customer WHERE tenant_id = $1 LIMIT 1`, [ids.aski]);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/customers/${c.id}`, token: viewer, body: { phone: '+905320000000' } })).status,
      ).toBe(403);
      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/customers',
            token: viewer,
            body: { tenantId: ids.aski, type: 'INDIVIDUAL', name: 'A', surname: 'B', tcIdNo: TC[4] },
          })
        ).status,
      ).toBe(403);
      expect((await t.request({ url: '/api/subscriptions', token: viewer })).status).toBe(403);
      expect((await t.request({ url: '/api/customers' })).status).toBe(401);
    });
  });

  describe('update and delete', () => {
    it('keeps a legacy TC ID that fails the checksum when other fields change, but checks a changed one', async () => {
      const c = await one<{ id: string }>(
        `SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'INDIVIDUAL' LIMIT 1 OFFSET 3`,
        [ids.aski],
      );
      await t.sql(`UPDATE customer SET tc_id_no = '12345678904' WHERE id = $1`, [c.id]);
      const ok = await t.request({
        method: 'PATCH',
        url: `/api/customers/${c.id}`,
        token: aski,
        body: { type: 'INDIVIDUAL', name: 'Yeni', tcIdNo: '12345678904', phone: '+905320001122' },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: 'Yeni', tcIdNo: '12345678904', phone: '+905320001122' });
      const bad = await t.request({ method: 'PATCH', url: `/api/customers/${c.id}`, token: aski, body: { tcIdNo: '12345678905' } });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].path).toEqual(['tcIdNo']);
      const typeChange = await t.request({ method: 'PATCH', url: `/api/customers/${c.id}`, token: aski, body: { type: 'ORGANIZATIONAL' } });
      expect(typeChange.status).toBe(400);
      const misfit = await t.request({ method: 'PATCH', url: `/api/customers/${c.id}`, token: aski, body: { taxId: TAX[0] } });
      expect(misfit.status).toBe(400);
      expect(misfit.body.details[0].path).toEqual(['taxId']);
      const audit = await t.sql(
        `SELECT before, after FROM audit_log WHERE entity_type = 'customer' AND entity_id = $1 AND action = 'update'`,
        [c.id],
      );
      expect(audit).toHaveLength(1);
    });

    it('edits an address in place when only the customer uses it, manages contacts', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: aski,
        body: { tenantId: ids.aski, type: 'INDIVIDUAL', name: 'Adres', surname: 'Sahibi', tcIdNo: TC[4], address: { city: 'Ankara' } },
      });
      expect(created.status).toBe(201);
      const id = created.body.id;
      const addressId = created.body.address.id;
      const upd = await t.request({
        method: 'PATCH',
        url: `/api/customers/${id}`,
        token: aski,
        body: { address: { city: 'Ankara', district: 'Yenimahalle' } },
      });
      expect(upd.body.address).toMatchObject({ id: addressId, district: 'Yenimahalle' });

      const contact = await t.request({
        method: 'POST',
        url: `/api/customers/${id}/contacts`,
        token: aski,
        body: { name: 'Kiracı', phone: '+905301112233' },
      });
      expect(contact.status).toBe(201);
      const changed = await t.request({
        method: 'PATCH',
        url: `/api/customers/${id}/contacts/${contact.body.id}`,
        token: aski,
        body: { email: 'kiraci@example.com' },
      });
      expect(changed.body).toMatchObject({ name: 'Kiracı', email: 'kiraci@example.com' });
      expect((await t.request({ method: 'DELETE', url: `/api/customers/${id}/contacts/${contact.body.id}`, token: aski })).status).toBe(
        204,
      );
      expect(await count('customer_contact', 'customer_id = $1', [id])).toBe(0);

      // Address CRUD through /api/addresses: in use → 409, free → deleted.
      expect((await t.request({ method: 'DELETE', url: `/api/addresses/${addressId}`, token: aski })).status).toBe(409);
      const free = await t.request({
        method: 'POST',
        url: '/api/addresses',
        token: aski,
        body: { tenantId: ids.aski, name: 'Depo', city: 'Ankara', postalCode: '06100' },
      });
      expect(free.status).toBe(201);
      expect(free.body.usage).toEqual({ customers: 0, contacts: 0, subscriptions: 0, tenants: 0 });
      const listed = await t.request({ url: `/api/addresses?search=Depo`, token: aski });
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(free.body.id);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/addresses/${free.body.id}`, token: aski, body: { postalCode: '6100' } })).status,
      ).toBe(400);
      expect((await t.request({ method: 'DELETE', url: `/api/addresses/${free.body.id}`, token: aski })).status).toBe(204);

      // Deleting the customer takes its unused address with it.
      expect((await t.request({ method: 'DELETE', url: `/api/customers/${id}`, token: aski })).status).toBe(204);
      expect(await count('address', 'id = $1', [addressId])).toBe(0);
      expect(await count('audit_log', `entity_type = 'customer' AND entity_id = $1 AND action = 'delete'`, [id])).toBe(1);
    });

    it('refuses to delete a customer with subscriptions and names them', async () => {
      const c = await one<{ id: string }>(
        `SELECT c.id FROM customer c WHERE c.tenant_id = $1 AND (SELECT count(*) FROM subscription s WHERE s.customer_id = c.id) = 2 LIMIT 1`,
        [ids.aski],
      );
      const nos = (
        await t.sql<{ subscription_no: string }>('SELECT subscription_no FROM subscription WHERE customer_id = $1 ORDER BY 1', [c.id])
      ).map((r) => r.subscription_no);
      const res = await t.request({ method: 'DELETE', url: `/api/customers/${c.id}`, token: aski });
      expect(res.status).toBe(409);
      for (const no of nos) expect(res.body.message).toContain(no);
      expect(await count('customer', 'id = $1', [c.id])).toBe(1);
    });
  });
});
