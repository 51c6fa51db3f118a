import { createPool } from '@water/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAddress, makeCustomer, makeInstallation, makeUser, makeUtilities, reference } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 21: every list searches the same way — Turkish case folding (I/ı, İ/i) and no diacritics —
 * through one expression (water_fold, migration 0014), and LIKE wildcards stay literal.
 */
const WORDS: { word: string; typed: string[] }[] = [
  { word: 'Yılmaz', typed: ['YILMAZ', 'Yılmaz', 'yılmaz', 'yilmaz'] },
  { word: 'Işık', typed: ['IŞIK', 'ışık', 'Işık', 'isik'] },
  { word: 'Hüseyin', typed: ['huseyin', 'Hüseyin', 'HÜSEYİN'] },
  { word: 'İstanbul', typed: ['İstanbul', 'istanbul', 'ISTANBUL', 'İSTANBUL'] },
];

interface ListCase {
  list: string;
  /** Puts `word` into a searched field of one row; returns the id the list shows for that row. */
  place(word: string): Promise<string>;
  url(typed: string): string;
}

describe('search (Turkish folding, one rule for every list)', () => {
  let t: TestApp;
  let admin: string;
  let hatsu: string;
  let row: {
    customer: string;
    subscription: string;
    meter: string;
    device: string;
    address: string;
    user: string;
    alarm: string;
    tenant: string;
  };
  let catalogue: {
    meterBrand: string;
    deviceBrand: string;
    ipRating: string;
    group: string;
    technology: string;
    meterProfile: string;
    deviceProfile: string;
  };
  const one = async <T = any>(text: string, params: unknown[] = []) => (await t.sql<T>(text, params))[0];
  const q = encodeURIComponent;

  beforeAll(async () => {
    t = await startTestApp('search');
    const { a, rootAdmin, bAdmin } = await makeUtilities(t);
    [admin, hatsu] = [rootAdmin.token, bAdmin.token];
    // One installation of utility A (customer, subscription, meter, device) with an alarm on its meter.
    const customer = await makeCustomer(t, { tenant: a });
    const { subscription, meter, device } = await makeInstallation(t, { tenant: a, customer });
    const address = await makeAddress(t, { tenant: a });
    const user = await makeUser(t, { tenant: a });
    const alarm = await one(
      `INSERT INTO alarm (tenant_id, type, device_id, meter_id, subscription_id, started_at) VALUES ($1, 'TAMPER', $2, $3, $4, now()) RETURNING id`,
      [a.id, device.id, meter.id, subscription.id],
    );
    row = {
      customer: customer.id,
      subscription: subscription.id,
      meter: meter.id,
      device: device.id,
      address: address.id,
      user: user.id,
      alarm: alarm.id,
      tenant: a.id,
    };
    const ref = await reference(t);
    const first = <V>(m: Map<string, V>) => [...m.values()][0]!;
    catalogue = {
      meterBrand: first(ref.meterBrands),
      deviceBrand: first(ref.deviceBrands),
      ipRating: first(ref.ipRatings),
      group: first(ref.groups),
      technology: first(ref.technologies),
      meterProfile: meter.profileId,
      deviceProfile: device.profileId,
    };
  });
  afterAll(async () => t?.close());

  const set = (table: string, column: string, id: () => string, text: (w: string) => string) => async (word: string) => {
    await t.sql(`UPDATE ${table} SET ${column} = $1 WHERE id = $2`, [text(word), id()]);
    return id();
  };

  const LISTS: ListCase[] = [
    {
      list: 'customers (name)',
      place: set(
        'customer',
        'name',
        () => row.customer,
        (w) => w,
      ),
      url: (s) => `/api/customers?search=${q(s)}`,
    },
    {
      list: 'subscriptions (customer name)',
      place: async (w) => (
        await set(
          'customer',
          'surname',
          () => row.customer,
          () => w,
        )(w),
        row.subscription
      ),
      url: (s) => `/api/subscriptions?search=${q(s)}`,
    },
    {
      list: 'subscriptions (subscription no)',
      place: set(
        'subscription',
        'subscription_no',
        () => row.subscription,
        (w) => `ABO-${w}`,
      ),
      url: (s) => `/api/subscriptions?search=${q(s)}`,
    },
    {
      list: 'customers (subscription no)',
      place: async (w) => (
        await set(
          'subscription',
          'subscription_no',
          () => row.subscription,
          (x) => `ABO-${x}`,
        )(w),
        row.customer
      ),
      url: (s) => `/api/customers?search=${q(s)}`,
    },
    {
      list: 'meters (serial)',
      place: set(
        'meter',
        'serial_no',
        () => row.meter,
        (w) => `SN-${w}`,
      ),
      url: (s) => `/api/meters?search=${q(s)}`,
    },
    {
      list: 'meters (device serial)',
      place: async (w) => (
        await set(
          'device',
          'serial_no',
          () => row.device,
          (x) => `DV-${x}`,
        )(w),
        row.meter
      ),
      url: (s) => `/api/meters?search=${q(s)}`,
    },
    {
      list: 'devices (serial)',
      place: set(
        'device',
        'serial_no',
        () => row.device,
        (w) => `DV-${w}`,
      ),
      url: (s) => `/api/devices?search=${q(s)}`,
    },
    {
      list: 'devices (meter serial)',
      place: async (w) => (
        await set(
          'meter',
          'serial_no',
          () => row.meter,
          (x) => `SN-${x}`,
        )(w),
        row.device
      ),
      url: (s) => `/api/devices?search=${q(s)}`,
    },
    {
      list: 'addresses (street)',
      place: set(
        'address',
        'street',
        () => row.address,
        (w) => `${w} Caddesi`,
      ),
      url: (s) => `/api/addresses?search=${q(s)}`,
    },
    {
      list: 'addresses (city filter)',
      place: set(
        'address',
        'city',
        () => row.address,
        (w) => w,
      ),
      url: (s) => `/api/addresses?city=${q(s)}`,
    },
    {
      list: 'users (surname)',
      place: set(
        'app_user',
        'surname',
        () => row.user,
        (w) => w,
      ),
      url: (s) => `/api/users?search=${q(s)}`,
    },
    {
      list: 'alarms (meter serial)',
      place: async (w) => (
        await set(
          'meter',
          'serial_no',
          () => row.meter,
          (x) => `SN-${x}`,
        )(w),
        row.alarm
      ),
      url: (s) => `/api/alarms?search=${q(s)}`,
    },
    {
      list: 'alarms (customer name)',
      place: async (w) => (
        await set(
          'customer',
          'surname',
          () => row.customer,
          (x) => x,
        )(w),
        row.alarm
      ),
      url: (s) => `/api/alarms?search=${q(s)}`,
    },
    {
      list: 'dashboard out of service (meter serial)',
      place: async (w) => {
        await t.sql(`UPDATE meter SET status = 'MAINTENANCE', serial_no = $1 WHERE id = $2`, [`SN-${w}`, row.meter]);
        return row.meter;
      },
      url: (s) => `/api/dashboard/out-of-service?kind=meter&search=${q(s)}`,
    },
    {
      list: 'meter brands',
      place: set(
        'meter_brand',
        'name',
        () => catalogue.meterBrand,
        (w) => `${w} Sayaç`,
      ),
      url: (s) => `/api/definitions/meter-brands?search=${q(s)}`,
    },
    {
      list: 'device brands',
      place: set(
        'device_brand',
        'name',
        () => catalogue.deviceBrand,
        (w) => `${w} Elektronik`,
      ),
      url: (s) => `/api/definitions/device-brands?search=${q(s)}`,
    },
    {
      list: 'IP ratings (description)',
      place: set(
        'ip_rating',
        'description',
        () => catalogue.ipRating,
        (w) => `${w} dayanımı`,
      ),
      url: (s) => `/api/definitions/ip-ratings?search=${q(s)}`,
    },
    {
      list: 'subscription groups',
      place: set(
        'subscription_group',
        'name',
        () => catalogue.group,
        (w) => `${w} konut`,
      ),
      url: (s) => `/api/definitions/subscription-groups?search=${q(s)}`,
    },
    {
      list: 'communication technologies',
      place: set(
        'communication_technology',
        'name',
        () => catalogue.technology,
        (w) => `${w} ağı`,
      ),
      url: (s) => `/api/definitions/technologies?search=${q(s)}`,
    },
    {
      list: 'meter profiles (model)',
      place: set(
        'meter_profile',
        'model_code',
        () => catalogue.meterProfile,
        (w) => `MP-${w}`,
      ),
      url: (s) => `/api/meter-profiles?search=${q(s)}`,
    },
    {
      list: 'meter profiles (brand)',
      place: async (w) => {
        const brand = (await one(`SELECT brand_id FROM meter_profile WHERE id = $1`, [catalogue.meterProfile])).brand_id;
        await t.sql(`UPDATE meter_brand SET name = $1 WHERE id = $2`, [`${w} Marka`, brand]);
        return catalogue.meterProfile;
      },
      url: (s) => `/api/meter-profiles?search=${q(s)}`,
    },
    {
      list: 'device profiles (model)',
      place: set(
        'device_profile',
        'model_code',
        () => catalogue.deviceProfile,
        (w) => `DP-${w}`,
      ),
      url: (s) => `/api/device-profiles?search=${q(s)}`,
    },
  ];

  for (const c of LISTS) {
    it(`${c.list}: finds the row whatever the case and accents typed, the same total each way`, async () => {
      for (const { word, typed } of WORDS) {
        const id = await c.place(word);
        const totals = new Set<number>();
        for (const s of typed) {
          const res = await t.request({ url: `${c.url(s)}&pageSize=200`, token: admin });
          expect(res.status, `${c.list} ${s}`).toBe(200);
          expect(
            res.body.items.map((i: { id: string }) => i.id),
            `${c.list}: '${s}' should find '${word}'`,
          ).toContain(id);
          totals.add(res.body.total);
        }
        expect([...totals], `${c.list}: every spelling of '${word}' lists as many`).toHaveLength(1);
      }
    });
  }

  it('keeps LIKE wildcards literal: % and _ are characters', async () => {
    await t.sql(`UPDATE customer SET name = 'Oran %50_indirim', surname = 'Özçelik' WHERE id = $1`, [row.customer]);
    const search = async (s: string) => (await t.request({ url: `/api/customers?search=${q(s)}&pageSize=200`, token: admin })).body;
    const found = await search('%50_');
    expect(found.items.map((i: { id: string }) => i.id)).toContain(row.customer);
    expect((await search('%50_i')).total).toBe(1);
    // 'x50y' would match '%50_' were the wildcards live.
    expect((await search('ran %50x')).total).toBe(0);
    expect((await search('ran _50')).total).toBe(0);
    const withPercent = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM customer c WHERE strpos(c.search_text, '%') > 0
          OR EXISTS (SELECT 1 FROM subscription s WHERE s.customer_id = c.id AND strpos(s.search_text, '%') > 0)`,
    );
    expect((await search('%')).total).toBe(withPercent.n);
    // And the meter list (Prisma) likewise.
    await t.sql(`UPDATE meter SET serial_no = 'SN_100%' WHERE id = $1`, [row.meter]);
    const meters = async (s: string) => (await t.request({ url: `/api/meters?search=${q(s)}&pageSize=200`, token: admin })).body;
    expect((await meters('n_100%')).items.map((i: { id: string }) => i.id)).toEqual([row.meter]);
    expect((await meters('nx100')).total).toBe(0);
    expect((await meters('100%')).total).toBe(1);
  });

  it('finds nothing of another tenant, however it is spelled', async () => {
    await t.sql(`UPDATE customer SET name = 'Hüseyin', surname = 'Işıkçıoğlu' WHERE id = $1`, [row.customer]);
    for (const s of ['IŞIKÇIOĞLU', 'isikcioglu']) {
      expect((await t.request({ url: `/api/customers?search=${q(s)}`, token: admin })).body.total).toBeGreaterThan(0);
      expect((await t.request({ url: `/api/customers?search=${q(s)}`, token: hatsu })).body.total).toBe(0);
      expect((await t.request({ url: `/api/subscriptions?search=${q(s)}`, token: hatsu })).body.total).toBe(0);
    }
  });

  it('serves the search from the trigram index under row-level security', async () => {
    // Enough rows that a sequential scan would cost more than the index.
    const tenant = row.tenant;
    await t.sql(
      `INSERT INTO address (tenant_id, city, district, street)
       SELECT $1, 'Ankara', 'Çankaya', 'Sokak ' || g FROM generate_series(1, 20000) g`,
      [tenant],
    );
    // VACUUM moves the GIN index's pending entries into the index proper, as autovacuum would.
    await t.sql(`VACUUM ANALYZE address`);
    const plan = await t.sql<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM address WHERE tenant_id = ANY($1::uuid[]) AND search_text LIKE water_search_pattern($2)`,
      [[tenant], 'YILMAZ'],
    );
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toContain('address_search_text');
    // Under the API's role the policy would keep LIKE off the index (textlike is not LEAKPROOF), so the
    // lists ask water_search_ids, which runs the query above as the owner and applies the scope itself.
    await t.sql(`UPDATE address SET street = 'Hüseyin Sokak' WHERE id = $1`, [row.address]);
    const [path, otherPath] = await Promise.all([
      one(`SELECT path::text AS p FROM tenant WHERE id = $1`, [tenant]),
      one(`SELECT path::text AS p FROM tenant WHERE id <> $1 AND parent_id IS NOT NULL ORDER BY name LIMIT 1`, [tenant]),
    ]);
    const pool = createPool(t.db.url, { max: 1 });
    const client = await pool.connect();
    const idsAs = async (scope: string, sqlText: string) => {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('role', 'water_api', true), set_config('water.scope', $1, true)`, [scope]);
        return (await client.query(sqlText)).rows;
      } finally {
        await client.query('ROLLBACK');
      }
    };
    try {
      const underRls = await idsAs(path.p, `EXPLAIN SELECT id FROM address WHERE search_text LIKE water_search_pattern('HÜSEYİN')`);
      expect(underRls.map((p) => p['QUERY PLAN']).join('\n')).not.toContain('address_search_text');
      const found = `SELECT water_search_ids('address', 'HUSEYIN') AS id`;
      expect((await idsAs(path.p, found)).map((r) => r.id)).toEqual([row.address]);
      expect(await idsAs(otherPath.p, found)).toEqual([]);
      expect(await idsAs('', found)).toEqual([]);
    } finally {
      client.release();
      await pool.end();
    }
  });
});
