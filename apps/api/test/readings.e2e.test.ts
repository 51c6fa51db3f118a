import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import {
  makeCatalogue,
  makeCustomer,
  makeHourlyReadings,
  makeInstallation,
  makeUtilities,
  rollUpDays,
  type Tenant,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;
const at = (base: Date, hours: number) => new Date(base.getTime() + hours * HOUR);

describe('readings and consumption', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  const one = async <T = any>(text: string, params: unknown[] = []) => (await t.sql<T>(text, params))[0];
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;
  /** An ordinary metered subscription of a tenant (made in beforeAll), with its meter, device and customer. */
  const ordinaryOf = (tenantId: string, offset = 0) =>
    one<{ meter_id: string; device_id: string; subscription_id: string; customer_id: string }>(
      `SELECT sm.meter_id, d.id AS device_id, sm.subscription_id, s.customer_id FROM subscription_meter sm
         JOIN device d ON d.meter_id = sm.meter_id JOIN subscription s ON s.id = sm.subscription_id
        WHERE sm.tenant_id = $1 AND sm.ended_at IS NULL ORDER BY s.subscription_no LIMIT 1 OFFSET $2`,
      [tenantId, offset],
    );

  /** The meter-change scenario: subscription S served by meter A until T1, then by meter B. */
  const scenario = {
    T0: new Date('2025-11-10T18:00:00.000Z'), // 21:00 in Istanbul: the readings cross local midnight
    T1: new Date('2025-11-11T04:30:00.000Z'),
    subscriptionId: '',
    customerId: '',
    meterA: '',
    meterB: '',
    deviceA: '',
    deviceB: '',
    /** Index of A: a gap (no reading at +4h) and a glitch (+7h reads lower than +6h). */
    indexesA: [
      [1, 100.01],
      [2, 100.03],
      [3, 100.06],
      [5, 100.2],
      [6, 100.25],
      [7, 100.24],
      [8, 100.3],
      [9, 100.32],
      [10, 100.4],
    ] as Array<[number, number]>,
    /** Index of B after T1 (it came from the warehouse at 5 m³). */
    indexesB: [
      [11, 5.02],
      [12, 5.05],
      [13, 5.09],
      [14, 5.1],
    ] as Array<[number, number]>,
    /** A keeps reporting from the warehouse after T1: never the subscription's water. */
    strayA: [[15, 180]] as Array<[number, number]>,
  };
  const realDeltas = (points: Array<[number, number]>) => points.slice(1).reduce((sum, [, v], i) => sum + Math.max(0, v - points[i][1]), 0);

  let profile: string;
  let deviceProfile: string;
  /** A new meter of A with a new device, through the API. */
  const meter = async (serialNo: string, devEui: string) => {
    const res = await t.request({
      method: 'POST',
      url: '/api/meters',
      token: aski,
      body: {
        tenantId: ids.aski,
        meterProfileId: profile,
        serialNo,
        device: {
          mode: 'new',
          deviceProfileId: deviceProfile,
          serialNo: `IMA-${serialNo}`,
          identifiers: { DevEUI: devEui, JoinEUI: 'A81758FFFE000001', AppKey: '00112233445566778899AABBCCDDEEFF' },
        },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { meterId: res.body.id as string, deviceId: res.body.device.id as string };
  };
  /** Readings written straight into the table at hours after `base`, without the consumption and rollup the worker derives. */
  const insert = async (
    meterId: string,
    deviceId: string,
    subscriptionId: string | null,
    points: Array<[number, number]>,
    alarms = '{}',
    base = scenario.T0,
  ) => {
    for (const [h, index] of points) {
      await t.sql(
        `INSERT INTO reading (time, device_id, meter_id, subscription_id, tenant_id, index_m3, battery_pct, rssi, snr, alarms) VALUES ($1, $2, $3, $4, $5, $6, 97.5, -101, 7.25, $7)`,
        [at(base, h), deviceId, meterId, subscriptionId, ids.aski, index, alarms],
      );
    }
  };

  beforeAll(async () => {
    t = await startTestApp('readings');
    const { root, a: utilityA, b: utilityB, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    ids = { root: root.id, aski: utilityA.id, hatsu: utilityB.id };
    // The brief's catalogue (A and B in ASKİ's and HATSU's places) and ordinary installations with
    // hourly readings and their days: four in A over 21 days, two in B over 11.
    const catalogue = await makeCatalogue(t, { ASKI: utilityA, HATSU: utilityB });
    const ordinary = async (tenant: Tenant, prefix: string, n: number, days: number, meterModel: string, deviceBrand: string) => {
      for (let i = 1; i <= n; i++) {
        const { device } = await makeInstallation(t, {
          tenant,
          subscriptionNo: `${prefix}-${String(i).padStart(6, '0')}`,
          meterProfile: catalogue.meterProfiles[meterModel],
          deviceProfile: catalogue.deviceProfilesByBrand[deviceBrand],
        });
        await makeHourlyReadings(t, { device, hours: days * 24, startIndexM3: 10 * i, m3PerHour: 0.01 * i });
      }
    };
    await ordinary(utilityA, 'ASK', 4, 21, 'KT-15 R160', 'Baylan');
    await ordinary(utilityB, 'HAT', 2, 11, 'MNS-SJ15 R100', 'Manas');
    await rollUpDays(t);

    // Build the scenario through the API: a customer's new subscription, two meters with devices, a meter change.
    profile = (await one<{ id: string }>(`SELECT id FROM meter_profile WHERE model_code = 'KT-15 R160'`)).id;
    deviceProfile = (
      await one<{ id: string }>(`SELECT p.id FROM device_profile p JOIN device_brand b ON b.id = p.brand_id WHERE b.name = 'Ima'`)
    ).id;
    const group = (await one<{ id: string }>(`SELECT id FROM subscription_group WHERE code = 'NORMAL'`)).id;
    const customer = await one<{ id: string }>(
      `SELECT id FROM customer WHERE tenant_id = $1 AND customer_type = 'INDIVIDUAL' ORDER BY created_at LIMIT 1`,
      [ids.aski],
    );
    scenario.customerId = customer.id;
    const sub = await t.request({
      method: 'POST',
      url: '/api/subscriptions',
      token: aski,
      body: {
        subscriptionNo: 'ASK-555000',
        type: 'INDIVIDUAL',
        groupId: group,
        customerId: customer.id,
        address: { city: 'Ankara', latitude: 39.9, longitude: 32.8 },
      },
    });
    expect(sub.status).toBe(201);
    scenario.subscriptionId = sub.body.id;
    const a = await meter('BY25CHG0001', 'A81758FFFE0CA001');
    const b = await meter('BY25CHG0002', 'A81758FFFE0CA002');
    Object.assign(scenario, { meterA: a.meterId, deviceA: a.deviceId, meterB: b.meterId, deviceB: b.deviceId });
    expect(
      (
        await t.request({
          method: 'PUT',
          url: `/api/subscriptions/${sub.body.id}/meter`,
          token: aski,
          body: { meterId: a.meterId, at: scenario.T0.toISOString(), initialIndexM3: 100 },
        })
      ).status,
    ).toBe(200);
    await insert(a.meterId, a.deviceId, sub.body.id, scenario.indexesA);
    const change = await t.request({
      method: 'PUT',
      url: `/api/subscriptions/${sub.body.id}/meter`,
      token: aski,
      body: { meterId: b.meterId, at: scenario.T1.toISOString(), initialIndexM3: 5 },
    });
    expect(change.status).toBe(200);
    expect(change.body.meterHistory[1].finalIndexM3).toBe(100.4);
    await insert(b.meterId, b.deviceId, sub.body.id, scenario.indexesB, '{TAMPER}');
    await insert(a.meterId, a.deviceId, null, scenario.strayA);
  });
  afterAll(async () => t?.close());

  describe('consumption', () => {
    const range = `from=2025-11-09T00:00:00Z&to=2025-11-13T00:00:00Z`;

    it('across a meter change equals the sum of both meters’ real deltas, never negative or doubled', async () => {
      const expectedA = realDeltas(scenario.indexesA);
      const expectedB = realDeltas(scenario.indexesB);
      const res = await t.request({ url: `/api/subscriptions/${scenario.subscriptionId}/consumption?${range}&interval=hour`, token: aski });
      expect(res.status).toBe(200);
      expect(res.body.totalM3).toBeCloseTo(expectedA + expectedB, 3);
      expect(res.body.bucketStarts).toHaveLength(96);
      expect(res.body.values).toHaveLength(96);
      expect(res.body.values.every((v: number) => v >= 0)).toBe(true);
      for (const series of [...res.body.byMeter, ...res.body.byDevice]) expect(series.values).toHaveLength(96);
      const byMeter = Object.fromEntries(res.body.byMeter.map((m: { meterId: string; totalM3: number }) => [m.meterId, m.totalM3]));
      expect(byMeter[scenario.meterA]).toBeCloseTo(expectedA, 3);
      expect(byMeter[scenario.meterB]).toBeCloseTo(expectedB, 3);
      const byDevice = Object.fromEntries(res.body.byDevice.map((d: { deviceId: string; totalM3: number }) => [d.deviceId, d.totalM3]));
      expect(byDevice[scenario.deviceA]).toBeCloseTo(expectedA, 3);
      expect(byDevice[scenario.deviceB]).toBeCloseTo(expectedB, 3);
      // The gap: +5h carries the water of +4h and +5h; the hour with no reading is zero, not negative.
      const bucket = (h: number) => res.body.values[res.body.bucketStarts.indexOf(at(scenario.T0, h).toISOString())];
      expect(bucket(4)).toBe(0);
      expect(bucket(5)).toBeCloseTo(0.14, 3);
      expect(bucket(7)).toBe(0);
      // The first reading of each meter has no predecessor in its period: no jump from 100.4 to 5.02.
      expect(bucket(11)).toBe(0);
    });

    it('puts day buckets at midnight in the tenant’s zone', async () => {
      const res = await t.request({ url: `/api/subscriptions/${scenario.subscriptionId}/consumption?${range}&interval=day`, token: aski });
      expect(res.status).toBe(200);
      expect(res.body.timeZone).toBe('Europe/Istanbul');
      // 2025-11-09T00:00Z is 03:00 in Istanbul: the first bucket starts at local midnight, 21:00Z the day before,
      // and the range ends at 03:00 on the 13th, inside a fifth local day.
      expect(res.body.bucketStarts).toEqual([
        '2025-11-08T21:00:00.000Z',
        '2025-11-09T21:00:00.000Z',
        '2025-11-10T21:00:00.000Z',
        '2025-11-11T21:00:00.000Z',
        '2025-11-12T21:00:00.000Z',
      ]);
      // Readings at +1h and +2h (19:00Z, 20:00Z) fall on the 10th local day; the rest on the 11th.
      const day10 = 100.03 - 100.01;
      expect(res.body.values[1]).toBeCloseTo(day10, 3);
      expect(res.body.values[2]).toBeCloseTo(realDeltas(scenario.indexesA) - day10 + realDeltas(scenario.indexesB), 3);
      const month = await t.request({
        url: `/api/subscriptions/${scenario.subscriptionId}/consumption?from=2025-01-01T00:00:00%2B03:00&to=2026-01-01T00:00:00%2B03:00&interval=month`,
        token: aski,
      });
      expect(month.body.bucketStarts).toHaveLength(12);
      expect(month.body.bucketStarts[10]).toBe('2025-10-31T21:00:00.000Z');
      expect(month.body.values[10]).toBe(month.body.totalM3);
    });

    it('counts a meter’s own readings for the meter, and all subscriptions for the customer', async () => {
      const meter = await t.request({ url: `/api/meters/${scenario.meterA}/consumption?${range}&interval=hour`, token: aski });
      expect(meter.status).toBe(200);
      expect(meter.body.totalM3).toBeCloseTo(realDeltas([...scenario.indexesA, ...scenario.strayA]), 3);
      expect(meter.body.byDevice.map((d: { deviceId: string }) => d.deviceId)).toEqual([scenario.deviceA]);

      const customer = await t.request({ url: `/api/customers/${scenario.customerId}/consumption?${range}&interval=day`, token: aski });
      expect(customer.status).toBe(200);
      const mine = customer.body.bySubscription.find((s: { subscriptionId: string }) => s.subscriptionId === scenario.subscriptionId);
      expect(mine.totalM3).toBeCloseTo(realDeltas(scenario.indexesA) + realDeltas(scenario.indexesB), 3);
      const sum = customer.body.bySubscription.reduce((a: number, s: { totalM3: number }) => a + s.totalM3, 0);
      expect(customer.body.totalM3).toBeCloseTo(sum, 3);
    });

    it('agrees with the per-reading consumption of an ordinary subscription', async () => {
      const s = await ordinaryOf(ids.aski, 3);
      const first = await one<{ time: Date }>('SELECT min(time) AS time FROM reading WHERE meter_id = $1', [s.meter_id]);
      const from = new Date(first.time.getTime() + HOUR).toISOString();
      const to = new Date().toISOString();
      const expected = await one<{ m3: string }>(
        'SELECT sum(consumption_m3) AS m3 FROM reading WHERE meter_id = $1 AND time >= $2 AND time < $3',
        [s.meter_id, from, to],
      );
      const res = await t.request({
        url: `/api/subscriptions/${s.subscription_id}/consumption?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&interval=hour`,
        token: aski,
      });
      expect(res.status).toBe(200);
      expect(res.body.totalM3).toBeCloseTo(Number(expected.m3), 3);
    });

    /** Fetches the hourly and the daily answer of one range and checks every day equals its hours, in total and in every split. */
    const expectDaysEqualHours = async (url: string, from: Date, to: Date, token = aski) => {
      const q = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
      const [hours, days] = await Promise.all([
        t.request({ url: `${url}?${q}&interval=hour`, token }),
        t.request({ url: `${url}?${q}&interval=day`, token }),
      ]);
      expect(hours.status).toBe(200);
      expect(days.status).toBe(200);
      const starts = days.body.bucketStarts.map((b: string) => Date.parse(b));
      const perDay = (values: number[]) => {
        const out = starts.map(() => 0);
        hours.body.bucketStarts.forEach(
          (b: string, i: number) => (out[starts.findLastIndex((s: number) => s <= Date.parse(b))] += values[i]),
        );
        return out;
      };
      const close = (actual: number[], expected: number[]) =>
        actual.forEach((v, i) => expect(v, days.body.bucketStarts[i]).toBeCloseTo(expected[i], 3));
      expect(days.body.totalM3).toBeCloseTo(hours.body.totalM3, 3);
      close(days.body.values, perDay(hours.body.values));
      for (const [split, key] of [
        ['byDevice', 'deviceId'],
        ['byMeter', 'meterId'],
        ['bySubscription', 'subscriptionId'],
      ] as const) {
        const own = (body: Record<string, Array<Record<string, string>>>) =>
          new Map((body[split] ?? []).map((x) => [x[key], x as unknown as { values: number[] }]));
        const [h, d] = [own(hours.body), own(days.body)];
        expect([...d.keys()].sort(), split).toEqual([...h.keys()].sort());
        for (const [id, series] of h) close(d.get(id)!.values, perDay(series.values));
      }
      // The hours read the estimates and the device serials with their points, the days apart: both agree.
      close(days.body.estimated.values, perDay(hours.body.estimated.values));
      const serials = (body: { byDevice?: { deviceId: string; serialNo: string | null }[] }) =>
        Object.fromEntries((body.byDevice ?? []).map((d) => [d.deviceId, d.serialNo]));
      expect(serials(hours.body)).toEqual(serials(days.body));
      for (const serial of Object.values(serials(hours.body))) expect(serial).toEqual(expect.any(String));
      return { hours: hours.body, days: days.body };
    };

    it('takes whole days from the daily rollup where it agrees with the readings, and the rest from the readings', async () => {
      // Meter C read by device X for three days, then by device Y (a device swap at 12:30 local on the 4th).
      const base = new Date('2025-12-01T09:30:00.000Z'); // 12:30 in Istanbul
      const c = await meter('BY25ROL0001', 'A81758FFFE0CB001');
      const y = await meter('BY25ROL0002', 'A81758FFFE0CB002');
      const points = Array.from({ length: 144 }, (_, h): [number, number] => [
        h,
        Math.round((20 + h * 0.013 + (h % 7) * 0.001) * 1000) / 1000,
      ]);
      await insert(c.meterId, c.deviceId, null, points.slice(0, 72), '{}', base);
      await insert(c.meterId, y.deviceId, null, points.slice(72), '{}', base);
      // What the worker derives as it stores them: each reading's consumption and the meter's local days.
      await t.sql(
        `UPDATE reading r SET consumption_m3 = greatest(r.index_m3 - p.prev, 0)
           FROM (SELECT device_id, time, lag(index_m3) OVER (ORDER BY time) AS prev FROM reading WHERE meter_id = $1) p
          WHERE r.device_id = p.device_id AND r.time = p.time AND p.prev IS NOT NULL`,
        [c.meterId],
      );
      await t.sql(
        `INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, consumption_m3, last_index_m3, reading_count)
         SELECT r.meter_id, (r.time AT TIME ZONE tn.time_zone)::date, r.tenant_id, coalesce(sum(r.consumption_m3), 0), max(r.index_m3), count(*)::int
           FROM reading r JOIN tenant tn ON tn.id = r.tenant_id WHERE r.meter_id = $1 GROUP BY 1, 2, 3`,
        [c.meterId],
      );
      const url = `/api/meters/${c.meterId}/consumption`;
      const from = at(base, 2); // 14:30 on the 1st: a partial first day
      const to = at(base, 140); // 08:30 on the 7th: a partial last day
      const { days } = await expectDaysEqualHours(url, from, to);
      expect(days.bucketStarts).toHaveLength(7);
      expect(days.totalM3).toBeCloseTo(points[140 - 1][1] - points[2 - 1][1], 3);
      const month = await t.request({ url: `${url}?from=${from.toISOString()}&to=${to.toISOString()}&interval=month`, token: aski });
      expect(month.body.values).toEqual([days.totalM3]);

      // The 2nd (X alone) is read from the rollup: a change there shows; the 4th (both devices) is not.
      const bump = (day: string, sets: string) =>
        t.sql(`UPDATE meter_daily_consumption SET ${sets} WHERE meter_id = $1 AND day = $2`, [c.meterId, day]);
      await bump('2025-12-02', 'consumption_m3 = consumption_m3 + 1');
      await bump('2025-12-04', 'consumption_m3 = consumption_m3 + 1');
      const bumped = (await t.request({ url: `${url}?from=${from.toISOString()}&to=${to.toISOString()}&interval=day`, token: aski })).body;
      expect(bumped.values[1]).toBeCloseTo(days.values[1] + 1, 3);
      expect(bumped.values[3]).toBeCloseTo(days.values[3], 3);
      expect(bumped.byDevice.find((d: { deviceId: string }) => d.deviceId === c.deviceId).totalM3).toBeCloseTo(
        days.byDevice.find((d: { deviceId: string }) => d.deviceId === c.deviceId).totalM3 + 1,
        3,
      );
      // A rollup whose reading counts disagree with the readings (rows written around the worker) is not trusted.
      await bump('2025-12-02', 'reading_count = reading_count + 1');
      await expectDaysEqualHours(url, from, to);
    });

    it('gives each day of an ordinary subscription and customer what its hours add up to', async () => {
      const s = await ordinaryOf(ids.aski, 2);
      const last = await one<{ time: Date }>('SELECT max(time) AS time FROM reading WHERE meter_id = $1', [s.meter_id]);
      const to = new Date(last.time.getTime() + 1000);
      const from = new Date(to.getTime() - 20 * 24 * HOUR - 7 * HOUR);
      const sub = await expectDaysEqualHours(`/api/subscriptions/${s.subscription_id}/consumption`, from, to);
      expect(sub.days.totalM3).toBeGreaterThan(0);
      await expectDaysEqualHours(`/api/customers/${s.customer_id}/consumption`, from, to);
    });

    it('puts estimated readings in their hour and day, and names the device, whatever the interval', async () => {
      const s = await ordinaryOf(ids.aski, 1);
      const marked = await t.sql<{ time: Date; m3: number }>(
        `UPDATE reading SET quality = 'ESTIMATED', quality_rule = 'interpolation'
          WHERE meter_id = $1 AND time IN (SELECT time FROM reading WHERE meter_id = $1 AND consumption_m3 > 0 ORDER BY time DESC OFFSET 5 LIMIT 2)
         RETURNING time, consumption_m3::float8 AS m3`,
        [s.meter_id],
      );
      expect(marked).toHaveLength(2);
      const last = await one<{ time: Date }>('SELECT max(time) AS time FROM reading WHERE meter_id = $1', [s.meter_id]);
      const to = new Date(last.time.getTime() + 1000);
      const { hours } = await expectDaysEqualHours(`/api/meters/${s.meter_id}/consumption`, new Date(to.getTime() - 3 * 24 * HOUR), to);
      const hourOf = (time: Date) => hours.bucketStarts.indexOf(new Date(Math.floor(time.getTime() / HOUR) * HOUR).toISOString());
      for (const m of marked) expect(hours.estimated.values[hourOf(m.time)]).toBeCloseTo(m.m3, 3);
      expect(hours.estimated.totalM3).toBeCloseTo(marked[0].m3 + marked[1].m3, 3);
      const device = await one<{ serial_no: string }>('SELECT serial_no FROM device WHERE id = $1', [s.device_id]);
      expect(hours.byDevice).toEqual([expect.objectContaining({ deviceId: s.device_id, serialNo: device.serial_no })]);
      await t.sql(`UPDATE reading SET quality = 'VALID', quality_rule = NULL WHERE meter_id = $1 AND time = ANY($2::timestamptz[])`, [
        s.meter_id,
        marked.map((m) => m.time),
      ]);
    });

    it('answers the hours of a customer without subscriptions: every bucket, nothing in them', async () => {
      const customer = await makeCustomer(t, { tenant: ids.aski });
      const res = await t.request({ url: `/api/customers/${customer.id}/consumption?${range}&interval=hour`, token: aski });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.bucketStarts).toHaveLength(96);
      expect(res.body.bucketStarts[0]).toBe('2025-11-09T00:00:00.000Z');
      expect(res.body.values.every((v: number) => v === 0)).toBe(true);
      expect(res.body.bySubscription).toEqual([]);
    });

    it('cuts a tenant’s days anew when its time zone changes, and keeps them on a refused change', async () => {
      const h = await ordinaryOf(ids.hatsu);
      const rollup = () =>
        one<{ rows: number; m3: string; tenant_m3: string }>(
          `SELECT count(*)::int AS rows, sum(consumption_m3)::text AS m3,
                  (SELECT sum(consumption_m3)::text FROM tenant_daily_consumption WHERE tenant_id = $1) AS tenant_m3
             FROM meter_daily_consumption WHERE tenant_id = $1`,
          [ids.hatsu],
        );
      const localDays = (zone: string) =>
        one<{ n: number }>(
          `SELECT count(DISTINCT (meter_id, (time AT TIME ZONE $2)::date))::int AS n FROM reading WHERE tenant_id = $1 AND meter_id IS NOT NULL`,
          [ids.hatsu, zone],
        );
      const before = await rollup();
      const patch = (timeZone: string) =>
        t.request({ method: 'PATCH', url: `/api/tenants/${ids.hatsu}`, token: admin, body: { timeZone } });

      expect((await patch('Mars/Olympus_Mons')).status).toBe(400);
      expect(await rollup()).toEqual(before);

      expect((await patch('America/New_York')).status).toBe(200);
      const after = await rollup();
      expect(after.rows).toBe((await localDays('America/New_York')).n);
      expect(Number(after.m3)).toBeCloseTo(Number(before.m3), 3);
      expect(Number(after.tenant_m3)).toBeCloseTo(Number(after.m3), 3);
      const last = await one<{ time: Date }>('SELECT max(time) AS time FROM reading WHERE meter_id = $1', [h.meter_id]);
      const to = new Date(last.time.getTime() + 1000);
      const res = await expectDaysEqualHours(
        `/api/subscriptions/${h.subscription_id}/consumption`,
        new Date(to.getTime() - 10 * 24 * HOUR),
        to,
        hatsu,
      );
      expect(res.days.timeZone).toBe('America/New_York');
      expect(res.days.bucketStarts[1]).toMatch(/T0[45]:00:00.000Z$/); // New York's midnight

      expect((await patch('Europe/Istanbul')).status).toBe(200);
      expect((await rollup()).rows).toBe(before.rows);
    });

    it('limits the range per interval and validates the query', async () => {
      const url = `/api/subscriptions/${scenario.subscriptionId}/consumption`;
      const tooLong = await t.request({ url: `${url}?from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z&interval=hour`, token: aski });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.message).toMatch(/366 days/);
      // A whole year of hours (8,760 buckets) is one request.
      const year = await t.request({ url: `${url}?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=hour`, token: aski });
      expect(year.status).toBe(200);
      expect(year.body.bucketStarts).toHaveLength(8760);
      expect(year.body.values).toHaveLength(8760);
      for (const q of [
        'interval=week',
        'from=2025-01-02',
        'from=yesterday',
        'from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z',
        'unit=day',
        'from=2015-01-01T00:00:00Z&to=2025-12-01T00:00:00Z&interval=month',
      ]) {
        const res = await t.request({ url: `${url}?${q}`, token: aski });
        expect(res.status, q).toBe(400);
        expect(res.body.details.length, q).toBeGreaterThan(0);
      }
      expect((await t.request({ url: `/api/meters/x/consumption`, token: aski })).status).toBe(400);
    });

    it('keeps other tenants’ consumption invisible and follows the module rights', async () => {
      const h = await ordinaryOf(ids.hatsu);
      expect((await t.request({ url: `/api/subscriptions/${h.subscription_id}/consumption`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/meters/${h.meter_id}/consumption`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/customers/${h.customer_id}/consumption`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/subscriptions/${h.subscription_id}/consumption`, token: hatsu })).status).toBe(200);
      expect((await t.request({ url: `/api/subscriptions/${h.subscription_id}/consumption`, token: admin })).status).toBe(200);
    });
  });

  describe('raw readings', () => {
    it('pages a meter’s readings newest first with decoded values, battery, signal and alarms', async () => {
      const res = await t.request({ url: `/api/meters/${scenario.meterB}/readings`, token: aski });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(4);
      expect(res.body.items.map((r: { indexM3: number }) => r.indexM3)).toEqual([5.1, 5.09, 5.05, 5.02]);
      expect(res.body.items[0]).toMatchObject({
        deviceId: scenario.deviceB,
        meterId: scenario.meterB,
        batteryPct: 97.5,
        rssi: -101,
        snr: 7.25,
        alarms: ['TAMPER'],
        source: 'NETWORK',
        quality: 'VALID',
        qualityRule: null,
      });
      expect(res.body.items[0].time).toBe(at(scenario.T0, 14).toISOString());

      const s = await ordinaryOf(ids.aski);
      const total = await count('reading', 'meter_id = $1', [s.meter_id]);
      const page1 = await t.request({ url: `/api/meters/${s.meter_id}/readings`, token: aski });
      expect(page1.body.total).toBe(total);
      expect(page1.body.items).toHaveLength(Math.min(30, total));
      const times = page1.body.items.map((r: { time: string }) => r.time);
      expect(times).toEqual([...times].sort().reverse());
      const device = await t.request({ url: `/api/devices/${s.device_id}/readings?pageSize=5&page=2`, token: aski });
      expect(device.status).toBe(200);
      expect(device.body.items).toHaveLength(5);
      expect(device.body.items[0].time).toBe(page1.body.items[5].time);
      const ranged = await t.request({
        url: `/api/meters/${scenario.meterA}/readings?from=${at(scenario.T0, 5).toISOString()}&to=${at(scenario.T0, 8).toISOString()}`,
        token: aski,
      });
      expect(ranged.body.items.map((r: { indexM3: number }) => r.indexM3)).toEqual([100.24, 100.25, 100.2]);
      for (const q of ['page=0', 'pageSize=500', 'from=today', 'sort=time'])
        expect((await t.request({ url: `/api/meters/${s.meter_id}/readings?${q}`, token: aski })).status, q).toBe(400);
      const h = await ordinaryOf(ids.hatsu);
      expect((await t.request({ url: `/api/meters/${h.meter_id}/readings`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/devices/${h.device_id}/readings`, token: aski })).status).toBe(404);
    });

    it('counts on the first page only (later pages show its total) and still answers 404 for a meter gone since it was read', async () => {
      const s = await ordinaryOf(ids.aski);
      const total = await count('reading', 'meter_id = $1', [s.meter_id]);
      const page1 = await t.request({ url: `/api/meters/${s.meter_id}/readings?pageSize=2`, token: aski });
      const page2 = await t.request({ url: `/api/meters/${s.meter_id}/readings?pageSize=2&page=2`, token: aski });
      expect([page1.body.total, page2.body.total]).toEqual([total, total]);
      expect(page2.body.items[0].time).toBe(
        (await t.request({ url: `/api/meters/${s.meter_id}/readings?pageSize=4`, token: aski })).body.items[2].time,
      );

      // The count comes in the rows' statement: a page past the end (nothing to carry it) still counts,
      // and no row carries it into the answer.
      const past = await t.request({ url: `/api/meters/${s.meter_id}/readings?from=2020-01-01T00:00:00Z&page=9999`, token: aski });
      expect(past.body).toMatchObject({ items: [], total, page: 9999 });
      expect(Object.keys(page1.body.items[0])).not.toContain('total');

      // The hours of a meter whose tenant is known (its page was read above) read the zone with the
      // points; the subscription's hours, with the zone read first, say the same of its only meter.
      const last = await one<{ time: Date }>('SELECT max(time) AS time FROM reading WHERE meter_id = $1', [s.meter_id]);
      const q = `from=${new Date(last.time.getTime() - 3 * 24 * HOUR).toISOString()}&to=${new Date(last.time.getTime() + 1000).toISOString()}&interval=hour`;
      const ofMeter = await t.request({ url: `/api/meters/${s.meter_id}/consumption?${q}`, token: aski });
      const ofSubscription = await t.request({ url: `/api/subscriptions/${s.subscription_id}/consumption?${q}`, token: aski });
      expect(ofMeter.status).toBe(200);
      const { byMeter: _, ...same } = ofSubscription.body;
      expect(JSON.stringify(ofMeter.body)).toBe(JSON.stringify(same));
      expect(ofMeter.body.totalM3).toBeGreaterThan(0);
      expect((await t.request({ url: `/api/meters/${s.meter_id}/consumption?${q}`, token: hatsu })).status).toBe(404);

      const { meter } = await makeInstallation(t, { tenant: ids.aski, subscriptionNo: 'READ-GONE-1' });
      const empty = await t.request({ url: `/api/meters/${meter.id}/readings`, token: aski });
      expect(empty.body).toMatchObject({ items: [], total: 0 });
      const gone = `/api/meters/${meter.id}/consumption?interval=hour`;
      expect((await t.request({ url: gone, token: aski })).status).toBe(200);
      await t.sql(`DELETE FROM subscription_meter WHERE meter_id = $1`, [meter.id]);
      await t.sql(`UPDATE device SET meter_id = NULL WHERE meter_id = $1`, [meter.id]);
      await t.sql(`DELETE FROM meter WHERE id = $1`, [meter.id]);
      expect((await t.request({ url: `/api/meters/${meter.id}/readings`, token: aski })).status).toBe(404);
      expect((await t.request({ url: gone, token: aski })).status).toBe(404);
    });
  });

  describe('live readings', () => {
    it('lists Meter ID | Date & Time | Customer | Location | Meter Brand | Type, 30 per page, newest first', async () => {
      const res = await t.request({ url: '/api/readings/live', token: aski });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(await count('reading', 'tenant_id = $1', [ids.aski]));
      expect(res.body.items).toHaveLength(30);
      const row = res.body.items[0];
      expect(row.tenantId).toBe(ids.aski);
      expect(row.meter).toMatchObject({ serialNo: expect.any(String), brand: expect.any(String), meterType: expect.any(String) });
      expect(row.customer.displayName).toMatch(/\S/);
      expect(typeof row.location.latitude).toBe('number');
      const times = res.body.items.map((r: { time: string }) => r.time);
      expect(times).toEqual([...times].sort().reverse());
      expect((await t.request({ url: '/api/readings/live', token: admin })).body.total).toBe(await count('reading'));
      // The count rides in the rows' statement: a page past the end (no row to carry it) counts apart.
      const s = await ordinaryOf(ids.aski);
      const pastEnd = await t.request({ url: `/api/readings/live?page=300&meterId=${s.meter_id}`, token: aski });
      expect(pastEnd.body).toMatchObject({ items: [], total: await count('reading', 'meter_id = $1', [s.meter_id]), page: 300 });
      expect(Object.keys(row)).not.toContain('total');
    });

    it('pages by cursor the same as by page number, and filters by tenant, meter, brand and time', async () => {
      const p1 = await t.request({ url: '/api/readings/live?pageSize=20', token: aski });
      const p2 = await t.request({ url: '/api/readings/live?pageSize=20&page=2', token: aski });
      const k2 = await t.request({ url: `/api/readings/live?pageSize=20&before=${p1.body.nextCursor}`, token: aski });
      expect(k2.status).toBe(200);
      expect(k2.body.total).toBeNull();
      expect(k2.body.items.map((r: { time: string; deviceId: string }) => `${r.time}${r.deviceId}`)).toEqual(
        p2.body.items.map((r: { time: string; deviceId: string }) => `${r.time}${r.deviceId}`),
      );

      const byMeter = await t.request({ url: `/api/readings/live?meterId=${scenario.meterB}`, token: aski });
      expect(byMeter.body.total).toBe(4);
      expect(byMeter.body.items[0].subscription.subscriptionNo).toBe('ASK-555000');
      expect(byMeter.body.items[0].alarms).toEqual(['TAMPER']);
      const baylan = (await one<{ id: string }>(`SELECT id FROM meter_brand WHERE name = 'Baylan'`)).id;
      const byBrand = await t.request({ url: `/api/readings/live?brandId=${baylan}`, token: aski });
      expect(byBrand.body.items.every((r: { meter: { brand: string } }) => r.meter.brand === 'Baylan')).toBe(true);
      const window = await t.request({
        url: `/api/readings/live?from=${at(scenario.T0, 0).toISOString()}&to=${at(scenario.T0, 24).toISOString()}`,
        token: aski,
      });
      expect(window.body.total).toBe(scenario.indexesA.length + scenario.indexesB.length + scenario.strayA.length);
      expect((await t.request({ url: `/api/readings/live?tenantId=${ids.aski}`, token: admin })).body.total).toBe(
        await count('reading', 'tenant_id = $1', [ids.aski]),
      );

      for (const q of ['before=yesterday', 'pageSize=0', 'tenantId=1', 'from=2025', 'meter=1'])
        expect((await t.request({ url: `/api/readings/live?${q}`, token: aski })).status, q).toBe(400);
    });

    it('never shows or filters by another tenant’s readings; needs LIVE_READINGS', async () => {
      const h = await ordinaryOf(ids.hatsu);
      expect((await t.request({ url: `/api/readings/live?tenantId=${ids.hatsu}`, token: aski })).status).toBe(404);
      expect((await t.request({ url: `/api/readings/live?meterId=${h.meter_id}`, token: aski })).status).toBe(404);
      const all = await t.request({ url: '/api/readings/live?pageSize=200', token: hatsu });
      expect(all.body.items.every((r: { tenantId: string }) => r.tenantId === ids.hatsu)).toBe(true);

      const created = await t.request({
        method: 'POST',
        url: '/api/users',
        token: aski,
        body: {
          name: 'Sadece',
          surname: 'Sayaç',
          email: 'sadece.sayac@example.com',
          password: 'Parola123',
          memberships: [{ tenantId: ids.aski, role: 'Viewer', permissions: matrix({ METERS: 'r' }) }],
        },
      });
      expect(created.status).toBe(201);
      const viewer = await t.login('sadece.sayac@example.com', 'Parola123');
      expect((await t.request({ url: '/api/readings/live', token: viewer })).status).toBe(403);
      expect((await t.request({ url: `/api/meters/${scenario.meterA}/readings`, token: viewer })).status).toBe(200);
      expect((await t.request({ url: `/api/meters/${scenario.meterA}/consumption`, token: viewer })).status).toBe(200);
      expect((await t.request({ url: `/api/subscriptions/${scenario.subscriptionId}/consumption`, token: viewer })).status).toBe(403);
      expect((await t.request({ url: `/api/devices/${scenario.deviceA}/readings`, token: viewer })).status).toBe(403);
    });
  });
});
