import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCustomer, makeInstallation, makeReading, makeUser, makeUtilities, tokenFor, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;
const T0 = new Date('2025-12-01T06:00:00.000Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR).toISOString();

/** Issue 21: the live table's search (Turkish-folded, through the search indexes), sorting and its new columns. */
describe('live readings: search, sort and signal columns', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let aToken: string;
  let bToken: string;
  let rootToken: string;
  /** Tenant A: Hüseyin Işık (two readings), Ayşe Yılmaz (three); tenant B: another Hüseyin Işık (one). */
  const huseyinA = { meterId: '', serialNo: '', subscriptionNo: '', subscriptionId: '' };
  const ayse = { meterId: '', serialNo: '', deviceId: '' };
  let huseyinBMeter = '';

  const live = (query: string, token = aToken) => t.request({ url: `/api/readings/live?${query}`, token });
  const meters = (body: { items: Array<{ meter: { id: string } | null }> }) => body.items.map((r) => r.meter?.id);

  beforeAll(async () => {
    t = await startTestApp('live-readings-search');
    const u = await makeUtilities(t);
    a = u.a;
    b = u.b;
    [aToken, bToken, rootToken] = [u.aAdmin.token, u.bAdmin.token, u.rootAdmin.token];

    const h = await makeInstallation(t, {
      tenant: a,
      customer: await makeCustomer(t, { tenant: a, name: 'Hüseyin', surname: 'Işık', address: true }),
      subscriptionNo: 'ŞİŞLİ-0042',
    });
    Object.assign(huseyinA, {
      meterId: h.meter.id,
      serialNo: h.meter.serialNo,
      subscriptionNo: h.subscription.subscriptionNo,
      subscriptionId: h.subscription.id,
    });
    const y = await makeInstallation(t, { tenant: a, customer: await makeCustomer(t, { tenant: a, name: 'Ayşe', surname: 'Yılmaz' }) });
    Object.assign(ayse, { meterId: y.meter.id, serialNo: y.meter.serialNo, deviceId: y.device.id });
    const other = await makeInstallation(t, {
      tenant: b,
      customer: await makeCustomer(t, { tenant: b, name: 'Hüseyin', surname: 'Işık' }),
    });
    huseyinBMeter = other.meter.id;

    // The installations' meter periods start now; the readings are of the day before.
    await t.sql(`UPDATE subscription_meter SET started_at = $1`, [at(-24)]);
    await makeReading(t, { device: h.device, time: new Date(at(0)), indexM3: 10, batteryPct: 90, rssi: -80 });
    await makeReading(t, { device: h.device, time: new Date(at(2)), indexM3: 10.5, batteryPct: 89, rssi: -85, alarms: ['TAMPER'] });
    await makeReading(t, { device: y.device, time: new Date(at(1)), indexM3: 20, batteryPct: 40, rssi: -100 });
    await makeReading(t, { device: y.device, time: new Date(at(3)), indexM3: 22, batteryPct: 39, rssi: -101 });
    await makeReading(t, { device: y.device, time: new Date(at(4)), indexM3: 22.1, batteryPct: 38, rssi: -102 });
    await makeReading(t, { device: other.device, time: new Date(at(5)), indexM3: 5, batteryPct: 70, rssi: -90 });
    await t.sql(`UPDATE reading SET snr = 7.25 WHERE device_id = $1 AND time = $2`, [y.device.id, at(4)]);
  });
  afterAll(() => t?.close());

  it('shows index, consumption, battery, signal (RSSI and SNR) and alarm flags on each row', async () => {
    const res = await live('');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(5);
    const newest = res.body.items[0];
    expect(newest).toMatchObject({ indexM3: 22.1, consumptionM3: 0.1, batteryPct: 38, rssi: -102, snr: 7.25, alarms: [] });
    const tampered = res.body.items.find((r: { time: string }) => r.time === at(2));
    expect(tampered).toMatchObject({ indexM3: 10.5, consumptionM3: 0.5, snr: null, alarms: ['TAMPER'] });
  });

  it('finds readings by customer name, folding Turkish case and diacritics', async () => {
    for (const term of ['huseyin', 'HÜSEYİN', 'IŞIK', 'ışık', 'isik', 'Hüseyin Işık']) {
      const res = await live(`search=${encodeURIComponent(term)}`);
      expect(res.status, term).toBe(200);
      expect(meters(res.body), term).toEqual([huseyinA.meterId, huseyinA.meterId]);
      expect(res.body.total, term).toBe(2);
    }
    const yilmaz = await live(`search=${encodeURIComponent('YILMAZ')}`);
    expect(meters(yilmaz.body)).toEqual([ayse.meterId, ayse.meterId, ayse.meterId]);
  });

  it('finds readings by meter serial and by subscription number', async () => {
    const bySerial = await live(`search=${encodeURIComponent(ayse.serialNo.toLowerCase())}`);
    expect(meters(bySerial.body)).toEqual([ayse.meterId, ayse.meterId, ayse.meterId]);
    const bySubscription = await live(`search=${encodeURIComponent('sisli-0042')}`);
    expect(bySubscription.body.items.map((r: { subscription: { id: string } }) => r.subscription.id)).toEqual([
      huseyinA.subscriptionId,
      huseyinA.subscriptionId,
    ]);
    // '%' is a character, not a wildcard; nothing matches it here.
    expect((await live(`search=${encodeURIComponent('%')}`)).body.items).toEqual([]);
  });

  it('pages a search by cursor as by page number, and combines it with the time range', async () => {
    const p1 = await live('search=yilmaz&pageSize=2');
    expect(p1.body.items.map((r: { time: string }) => r.time)).toEqual([at(4), at(3)]);
    const byCursor = await live(`search=yilmaz&pageSize=2&before=${p1.body.nextCursor}`);
    const byPage = await live('search=yilmaz&pageSize=2&page=2');
    expect(byCursor.body.items.map((r: { time: string }) => r.time)).toEqual([at(1)]);
    expect(byPage.body.items).toEqual(byCursor.body.items);
    const ranged = await live(`search=yilmaz&from=${encodeURIComponent(at(2))}&to=${encodeURIComponent(at(4))}`);
    expect(ranged.body.items.map((r: { time: string }) => r.time)).toEqual([at(3)]);
  });

  it('sorts by time either way, and by a reading value within a day', async () => {
    const oldest = await live('sort=time&order=asc');
    expect(oldest.body.items.map((r: { time: string }) => r.time)).toEqual([at(0), at(1), at(2), at(3), at(4)]);
    expect(oldest.body.nextCursor).toBeNull();
    const day = `from=${encodeURIComponent(at(-1))}&to=${encodeURIComponent(at(20))}`;
    const byBattery = await live(`sort=battery&order=asc&${day}`);
    expect(byBattery.status).toBe(200);
    expect(byBattery.body.items.map((r: { batteryPct: number }) => r.batteryPct)).toEqual([38, 39, 40, 89, 90]);
    const byConsumption = await live(`sort=consumption&order=desc&${day}`);
    // Nulls (each meter's first reading) last, then newest first among equals.
    expect(byConsumption.body.items.map((r: { consumptionM3: number | null }) => r.consumptionM3)).toEqual([2, 0.5, 0.1, null, null]);
    const byIndex = await live(`sort=index&order=desc&search=huseyin&${day}`);
    expect(byIndex.body.items.map((r: { indexM3: number }) => r.indexM3)).toEqual([10.5, 10]);
  });

  it('answers 400 for unknown sort keys, unbounded value sorts, over-long or NUL searches, and cursors on other orders', async () => {
    const before = await t.sql(`SELECT count(*)::int AS n FROM reading`);
    const bad = [
      'sort=customer',
      'sort=time&order=sideways',
      'sort=consumption',
      `sort=rssi&from=${encodeURIComponent(at(-48))}&to=${encodeURIComponent(at(0))}`,
      `search=${'a'.repeat(101)}`,
      'search=ab%00cd',
      `sort=index&from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(5))}&before=${encodeURIComponent(`${at(3)}_${ayse.deviceId}`)}`,
      `order=asc&before=${encodeURIComponent(`${at(3)}_${ayse.deviceId}`)}`,
      'search=x&unknown=1',
    ];
    for (const q of bad) {
      const res = await live(q);
      expect(res.status, q).toBe(400);
      expect(res.body.details?.length ?? 0, q).toBeGreaterThan(0);
    }
    expect((await live(`search=${'a'.repeat(100)}`)).status).toBe(200);
    // A blank search is no search.
    expect((await live('search=%20%20')).body.items).toHaveLength(5);
    expect(await t.sql(`SELECT count(*)::int AS n FROM reading`)).toEqual(before);
  });

  it('never returns another tenant’s readings for a search, and needs LIVE_READINGS', async () => {
    expect(meters((await live('search=huseyin')).body)).not.toContain(huseyinBMeter);
    expect(meters((await live('search=huseyin', bToken)).body)).toEqual([huseyinBMeter]);
    // B's meter serial or subscription found by A's search: nothing.
    const [bSerial] = await t.sql<{ serial_no: string }>(`SELECT serial_no FROM meter WHERE id = $1`, [huseyinBMeter]);
    expect((await live(`search=${encodeURIComponent(bSerial.serial_no)}`)).body.items).toEqual([]);
    expect((await live(`search=huseyin&tenantId=${b.id}`)).status).toBe(404);
    // The root sees both utilities' Hüseyin, and may narrow to one.
    const both = meters((await live('search=huseyin', rootToken)).body);
    expect(new Set(both)).toEqual(new Set([huseyinA.meterId, huseyinBMeter]));
    expect(meters((await live(`search=huseyin&tenantId=${a.id}`, rootToken)).body)).toEqual([huseyinA.meterId, huseyinA.meterId]);
    const viewer = await makeUser(t, { tenant: a, permissions: { METERS: 'r' } });
    expect((await live('search=huseyin', await tokenFor(t, viewer))).status).toBe(403);
  });
});
