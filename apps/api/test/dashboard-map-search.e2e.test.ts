import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAddress, makeCustomer, makeSubscription, makeUser, makeUtilities, tokenFor, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

interface Hit {
  subscriptionId: string;
  subscriptionNo: string;
  tenantId: string;
  customerName: string;
  address: string;
  lat: number;
  lng: number;
}
interface Areas {
  districts: { district: string; subscriptions: number; neighborhoods: { neighborhood: string; subscriptions: number }[] }[];
}
interface Marker {
  subscriptionId: string;
  district: string | null;
  neighborhood: string | null;
}

/** Issue 21: the dashboard map's search box and its district / neighbourhood filter. */
describe('dashboard map search and areas', () => {
  let t: TestApp;
  let ids: Record<'root' | 'a' | 'b', string>;
  let tokens: Record<'root' | 'a' | 'b', string>;
  const made: Record<string, string> = {};

  const get = <T = any>(url: string, token: string) => t.request<T>({ url, token });

  /** A subscription of `tenant` for a customer `name surname` at an address in `district` / `neighborhood`. */
  async function place(
    tenant: Tenant,
    key: string,
    o: { name: string; surname: string; district: string; neighborhood: string; street?: string },
  ) {
    const address = await makeAddress(t, { tenant, district: o.district, street: o.street });
    await t.sql('UPDATE address SET neighborhood = $2 WHERE id = $1', [address.id, o.neighborhood]);
    const customer = await makeCustomer(t, { tenant, name: o.name, surname: o.surname });
    const subscription = await makeSubscription(t, { tenant, customer, address, subscriptionNo: `ABN-${key}` });
    made[key] = subscription.id;
    return subscription;
  }

  beforeAll(async () => {
    t = await startTestApp('dashboard-map-search');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    ids = { root: root.id, a: a.id, b: b.id };
    tokens = { root: rootAdmin.token, a: aAdmin.token, b: bAdmin.token };
    await place(a, 'A1', { name: 'Hüseyin', surname: 'Işık', district: 'Çankaya', neighborhood: 'Kızılay Mahallesi' });
    await place(a, 'A2', { name: 'Ayşe', surname: 'Yılmaz', district: 'Çankaya', neighborhood: 'Bahçelievler Mahallesi' });
    await place(a, 'A3', {
      name: 'Mehmet',
      surname: 'Demir',
      district: 'Keçiören',
      neighborhood: 'Etlik Mahallesi',
      street: 'Şehit Sokak',
    });
    await place(b, 'B1', { name: 'Hüseyin', surname: 'Işıklı', district: 'Antakya', neighborhood: 'Armutlu Mahallesi' });
    // No coordinates anywhere: not on the map, so neither found nor counted.
    const nowhere = await makeAddress(t, { tenant: a, district: 'Mamak' });
    await t.sql('UPDATE address SET latitude = NULL, longitude = NULL WHERE id = $1', [nowhere.id]);
    const customer = await makeCustomer(t, { tenant: a, name: 'Hüseyin', surname: 'Işık' });
    await makeSubscription(t, { tenant: a, customer, address: nowhere, subscriptionNo: 'ABN-NOWHERE' });
  });
  afterAll(async () => t?.close());

  const search = async (token: string, q: string, tenantId?: string) => {
    const query = new URLSearchParams({ q, ...(tenantId ? { tenantId } : {}) });
    const res = await get<{ items: Hit[] }>(`/api/dashboard/map/search?${query}`, token);
    expect(res.status, q).toBe(200);
    return res.body.items.map((h) => h.subscriptionNo).sort();
  };

  describe('search', () => {
    it('finds a subscription by number, customer or address, folding case the Turkish way', async () => {
      expect(await search(tokens.a, 'ABN-A2')).toEqual(['ABN-A2']);
      expect(await search(tokens.a, 'abn-a2')).toEqual(['ABN-A2']);
      for (const q of ['YILMAZ', 'Yılmaz', 'yilmaz']) expect(await search(tokens.a, q), q).toEqual(['ABN-A2']);
      for (const q of ['IŞIK', 'ışık', 'Işık']) expect(await search(tokens.a, q), q).toEqual(['ABN-A1']);
      expect(await search(tokens.a, 'huseyin')).toEqual(['ABN-A1']);
      expect(await search(tokens.a, 'keciören')).toEqual(['ABN-A3']);
      expect(await search(tokens.a, 'SEHIT')).toEqual(['ABN-A3']);
      expect(await search(tokens.a, 'kizilay')).toEqual(['ABN-A1']);
      expect(await search(tokens.a, 'Nothing like this')).toEqual([]);
    });

    it('answers what the map needs to jump: coordinates and an address line', async () => {
      const res = await get<{ items: Hit[] }>('/api/dashboard/map/search?q=ABN-A3', tokens.a);
      const [hit] = res.body.items;
      const [row] = await t.sql<{ latitude: string; longitude: string }>(
        'SELECT a.latitude, a.longitude FROM subscription s JOIN address a ON a.id = s.address_id WHERE s.id = $1',
        [made.A3],
      );
      expect(hit).toMatchObject({ subscriptionId: made.A3, tenantId: ids.a, customerName: 'Mehmet Demir' });
      expect(hit.lat).toBeCloseTo(Number(row.latitude), 6);
      expect(hit.lng).toBeCloseTo(Number(row.longitude), 6);
      expect(hit.address).toContain('Etlik Mahallesi');
      expect(hit.address).toContain('Keçiören');
    });

    it('keeps each tenant to its own subscriptions', async () => {
      expect(await search(tokens.a, 'huseyin')).toEqual(['ABN-A1']);
      expect(await search(tokens.b, 'huseyin')).toEqual(['ABN-B1']);
      expect(await search(tokens.root, 'huseyin')).toEqual(['ABN-A1', 'ABN-B1']);
      expect(await search(tokens.root, 'huseyin', ids.b)).toEqual(['ABN-B1']);
      expect(await search(tokens.b, 'ABN-A1')).toEqual([]);
      expect((await get(`/api/dashboard/map/search?q=huseyin&tenantId=${ids.a}`, tokens.b)).status).toBe(404);
    });

    it('refuses a missing, short, long or unknown parameter with 400', async () => {
      for (const [query, field] of [
        ['', 'q'],
        ['q=a', 'q'],
        ['q=%20%20', 'q'],
        [`q=${'x'.repeat(101)}`, 'q'],
        ['q=ab&tenantId=nope', 'tenantId'],
        ['q=ab&limit=3', ''],
      ] as const) {
        const res = await get(`/api/dashboard/map/search?${query}`, tokens.a);
        expect(res.status, query).toBe(400);
        if (field) expect(res.body.details[0].path[0], query).toBe(field);
      }
    });
  });

  describe('areas', () => {
    it("lists the districts and neighbourhoods of the caller's subscriptions on the map, with counts", async () => {
      const res = await get<Areas>('/api/dashboard/map/areas', tokens.a);
      expect(res.status).toBe(200);
      expect(res.body.districts).toEqual([
        {
          district: 'Çankaya',
          subscriptions: 2,
          neighborhoods: [
            { neighborhood: 'Bahçelievler Mahallesi', subscriptions: 1 },
            { neighborhood: 'Kızılay Mahallesi', subscriptions: 1 },
          ],
        },
        { district: 'Keçiören', subscriptions: 1, neighborhoods: [{ neighborhood: 'Etlik Mahallesi', subscriptions: 1 }] },
      ]);
    });

    it("never shows another tenant's districts", async () => {
      const b = await get<Areas>('/api/dashboard/map/areas', tokens.b);
      expect(b.body.districts.map((d) => d.district)).toEqual(['Antakya']);
      const root = await get<Areas>('/api/dashboard/map/areas', tokens.root);
      expect(root.body.districts.map((d) => d.district)).toEqual(['Antakya', 'Çankaya', 'Keçiören']);
      const narrowed = await get<Areas>(`/api/dashboard/map/areas?tenantId=${ids.a}`, tokens.root);
      expect(narrowed.body.districts.map((d) => d.district)).toEqual(['Çankaya', 'Keçiören']);
      expect((await get(`/api/dashboard/map/areas?tenantId=${ids.b}`, tokens.a)).status).toBe(404);
      expect((await get(`/api/dashboard/map/areas?tenantId=${ids.root}`, tokens.a)).status).toBe(404);
      expect((await get('/api/dashboard/map/areas?tenantId=nope', tokens.a)).status).toBe(400);
    });

    it('gives each marker the district and neighbourhood it is counted in', async () => {
      const res = await get<{ markers: Marker[] }>('/api/dashboard/map', tokens.a);
      const byId = new Map(res.body.markers.map((m) => [m.subscriptionId, m]));
      expect(byId.get(made.A1)).toMatchObject({ district: 'Çankaya', neighborhood: 'Kızılay Mahallesi' });
      expect(byId.get(made.A3)).toMatchObject({ district: 'Keçiören', neighborhood: 'Etlik Mahallesi' });
    });
  });

  it('needs the dashboard read right', async () => {
    const viewer = await makeUser(t, { tenant: ids.a, permissions: { SUBSCRIPTIONS: 'r' } });
    const token = await tokenFor(t, viewer);
    for (const url of ['/api/dashboard/map/search?q=huseyin', '/api/dashboard/map/areas']) {
      expect((await get(url, token)).status, url).toBe(403);
      expect((await t.request({ url })).status, url).toBe(401);
    }
  });
});
