import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/matrix';
import {
  makeAddress,
  makeAlarm,
  makeDevice,
  makeHourlyReadings,
  makeInstallation,
  makeMeter,
  makeSubscription,
  makeUtilities,
  rollUpDays,
  type Tenant,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

type Colour = 'RED' | 'ORANGE' | 'GREY' | 'NO_DEVICE' | 'GREEN';
interface Marker {
  subscriptionId: string;
  subscriptionNo: string;
  tenantId: string;
  lat: number;
  lng: number;
  status: Colour;
  reasons: string[];
  customerName: string;
  meterSerialNo: string | null;
  lastReadingAt: string | null;
  todayM3: number;
}
interface MapView {
  markers: Marker[];
  counts: Record<Colour, number>;
  truncated: boolean;
}

/**
 * What beforeAll sets up in each utility: four installations reporting hourly (green), two with an
 * open red alarm, one with high usage (orange), one silent and two subscriptions without a meter
 * (grey), and two out of service (a meter and its device in MAINTENANCE, two PASSIVE; grey too).
 */
const SET_UP = { GREEN: 4, RED: 2, ORANGE: 1, NO_METER: 2, subscriptions: 12, meters: 10 };

describe('dashboard', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let hatsu: string;
  let ids: Record<'root' | 'aski' | 'hatsu', string>;
  let askiName: string;

  const get = <T = any>(url: string, token: string) => t.request<T>({ url, token });
  const map = async (token: string, query = '') => (await get<MapView>(`/api/dashboard/map${query}`, token)).body;

  /**
   * The colour of every subscription of a tenant, worked out from the seed's rows the long way round
   * (one EXISTS per rule), to check the API's single-statement answer.
   */
  async function expectedColours(tenantId: string): Promise<Record<Colour, number>> {
    const rows = await t.sql<{ status: Colour; n: number }>(
      `WITH s AS (
         SELECT s.id,
           EXISTS (SELECT 1 FROM alarm a WHERE a.subscription_id = s.id AND a.cleared_at IS NULL
                      AND a.type IN ('TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW', 'LEAK', 'BURST')) AS red,
           EXISTS (SELECT 1 FROM alarm a WHERE a.subscription_id = s.id AND a.cleared_at IS NULL AND a.type = 'HIGH_USAGE') AS orange,
           EXISTS (SELECT 1 FROM alarm a WHERE a.subscription_id = s.id AND a.cleared_at IS NULL AND a.type = 'NO_SIGNAL')
             OR (EXISTS (SELECT 1 FROM subscription_meter sm JOIN device d ON d.meter_id = sm.meter_id
                          WHERE sm.subscription_id = s.id AND sm.ended_at IS NULL)
                 AND NOT EXISTS (SELECT 1 FROM subscription_meter sm
                              JOIN device d ON d.meter_id = sm.meter_id
                              JOIN device_profile p ON p.id = d.device_profile_id
                             WHERE sm.subscription_id = s.id AND sm.ended_at IS NULL
                               AND d.last_seen_at >= now() - p.expected_interval_minutes * 2 * interval '1 minute')) AS grey,
           NOT EXISTS (SELECT 1 FROM subscription_meter sm JOIN device d ON d.meter_id = sm.meter_id
                        WHERE sm.subscription_id = s.id AND sm.ended_at IS NULL) AS no_device
           FROM subscription s WHERE s.tenant_id = $1)
       SELECT CASE WHEN red THEN 'RED' WHEN orange THEN 'ORANGE' WHEN grey THEN 'GREY' WHEN no_device THEN 'NO_DEVICE' ELSE 'GREEN' END AS status, count(*)::int AS n
         FROM s GROUP BY 1`,
      [tenantId],
    );
    const counts: Record<Colour, number> = { RED: 0, ORANGE: 0, GREY: 0, NO_DEVICE: 0, GREEN: 0 };
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  beforeAll(async () => {
    t = await startTestApp('dashboard');
    const { root, a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    [admin, aski, hatsu] = [rootAdmin.token, aAdmin.token, bAdmin.token];
    ids = { root: root.id, aski: a.id, hatsu: b.id };
    askiName = a.name;
    const utility = async (tenant: Tenant) => {
      const reporting = async () => {
        const installation = await makeInstallation(t, { tenant });
        await makeHourlyReadings(t, { device: installation.device, hours: 48, startIndexM3: 5 });
        return installation;
      };
      for (let i = 0; i < SET_UP.GREEN; i++) await reporting();
      for (const type of ['TAMPER', 'LEAK'] as const) {
        const { device, subscription } = await reporting();
        await makeAlarm(t, { device, subscription, type, startedAt: new Date(Date.now() - 2 * 3_600_000) });
      }
      const high = await reporting();
      await makeAlarm(t, { device: high.device, subscription: high.subscription, type: 'HIGH_USAGE' });
      await makeInstallation(t, { tenant }); // never heard from
      for (let i = 0; i < SET_UP.NO_METER; i++) await makeSubscription(t, { tenant, address: (await makeAddress(t, { tenant })).id });
      for (const status of ['MAINTENANCE', 'PASSIVE'] as const) {
        const subscription = await makeSubscription(t, { tenant, address: (await makeAddress(t, { tenant })).id });
        const meter = await makeMeter(t, { tenant, subscription, status });
        await makeDevice(t, { tenant, meter, status });
      }
    };
    await utility(a);
    await utility(b);
    await rollUpDays(t);
  });
  afterAll(async () => t?.close());

  describe('summary', () => {
    it('matches the counts and the rollup for a utility', async () => {
      const res = await get('/api/dashboard/summary', aski);
      expect(res.status).toBe(200);
      const s = res.body;
      // The console's cards read these five.
      expect(s).toMatchObject({ subscriptions: SET_UP.subscriptions, meters: SET_UP.meters, devices: SET_UP.meters });
      expect(typeof s.totalConsumptionM3).toBe('number');
      expect(typeof s.openAlarms).toBe('number');

      const [consumption] = await t.sql(
        `SELECT coalesce(sum(d.consumption_m3), 0)::float8 AS total,
                coalesce(sum(d.consumption_m3) FILTER (WHERE d.day = (now() AT TIME ZONE t.time_zone)::date), 0)::float8 AS today
           FROM meter_daily_consumption d JOIN tenant t ON t.id = d.tenant_id
          WHERE d.tenant_id = $1 AND d.day >= (now() AT TIME ZONE t.time_zone)::date - 30`,
        [ids.aski],
      );
      expect(s.totalConsumptionM3).toBeGreaterThan(0);
      expect(s.totalConsumptionM3).toBeCloseTo(consumption.total, 3);
      expect(s.consumptionTodayM3).toBeCloseTo(consumption.today, 3);

      const open = await t.sql<{ type: string; n: number }>(
        `SELECT type, count(*)::int AS n FROM alarm WHERE tenant_id = $1 AND cleared_at IS NULL GROUP BY type`,
        [ids.aski],
      );
      expect(s.openAlarms).toBe(open.reduce((a, r) => a + r.n, 0));
      for (const r of open) expect(s.openAlarmsByType[r.type]).toBe(r.n);
      expect(Object.values(s.openAlarmsByType as Record<string, number>).reduce((a, n) => a + n, 0)).toBe(s.openAlarms);

      const newest = await t.sql<{ id: string }>(
        `SELECT id FROM alarm WHERE tenant_id = $1 AND cleared_at IS NULL ORDER BY started_at DESC, id LIMIT 10`,
        [ids.aski],
      );
      expect(s.latestAlarms.map((a: { id: string }) => a.id)).toEqual(newest.map((r) => r.id));
      for (const a of s.latestAlarms) {
        expect(a).toMatchObject({ state: 'OPEN', tenantName: askiName });
        expect(a.meter.serialNo).toBeTruthy();
        expect(a.subscription.subscriptionNo).toMatch(/\S/);
      }

      const statuses = await t.sql<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM meter WHERE tenant_id = $1 AND status <> 'ACTIVE' GROUP BY status`,
        [ids.aski],
      );
      expect(statuses.length).toBeGreaterThan(0);
      for (const r of statuses) expect(s.outOfService.meters[r.status]).toBe(r.n);
      expect(s.outOfService.meters.ACTIVE).toBeUndefined();
      expect(s.outOfService.meters.WAREHOUSE).toBe(0);
      expect(s.outOfService.devices).toEqual(s.outOfService.meters);
    });

    it('sums the subtree for the root and narrows to one tenant on request', async () => {
      const hatsuSummary = (await get('/api/dashboard/summary', hatsu)).body;
      expect(hatsuSummary).toMatchObject({ subscriptions: SET_UP.subscriptions, meters: SET_UP.meters, devices: SET_UP.meters });
      const root = (await get('/api/dashboard/summary', admin)).body;
      expect(root).toMatchObject({ subscriptions: 2 * SET_UP.subscriptions, meters: 2 * SET_UP.meters, devices: 2 * SET_UP.meters });
      const askiFromRoot = (await get(`/api/dashboard/summary?tenantId=${ids.aski}`, admin)).body;
      const askiOwn = (await get('/api/dashboard/summary', aski)).body;
      expect(askiFromRoot).toEqual(askiOwn);
      expect(root.openAlarms).toBe(askiOwn.openAlarms + hatsuSummary.openAlarms);
      expect(root.totalConsumptionM3).toBeCloseTo(askiOwn.totalConsumptionM3 + hatsuSummary.totalConsumptionM3, 3);
    });
  });

  describe('map', () => {
    it('shows every colour in each tenant, as beforeAll set them up', async () => {
      for (const [token, tenantId] of [
        [aski, ids.aski],
        [hatsu, ids.hatsu],
      ] as const) {
        const m = await map(token);
        expect(m.truncated).toBe(false);
        const [{ n }] = await t.sql(
          `SELECT count(*)::int AS n FROM subscription s JOIN customer c ON c.id = s.customer_id
             LEFT JOIN address sa ON sa.id = s.address_id LEFT JOIN address ca ON ca.id = c.address_id
            WHERE s.tenant_id = $1 AND coalesce(sa.latitude, ca.latitude) IS NOT NULL`,
          [tenantId],
        );
        expect(m.markers).toHaveLength(n);
        expect(new Set(m.markers.map((x) => x.subscriptionId)).size).toBe(n);
        expect(m.counts).toEqual(await expectedColours(tenantId));
        for (const colour of ['RED', 'ORANGE', 'GREY', 'NO_DEVICE', 'GREEN'] as const) expect(m.counts[colour], colour).toBeGreaterThan(0);
        expect(m.counts.RED).toBe(SET_UP.RED);
        expect(m.counts.ORANGE).toBe(SET_UP.ORANGE);
        expect(m.counts.GREEN).toBe(SET_UP.GREEN);

        for (const x of m.markers) {
          if (x.status === 'RED')
            expect(x.reasons.some((r) => ['TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW', 'LEAK', 'BURST'].includes(r))).toBe(true);
          if (x.status === 'ORANGE') expect(x.reasons[0]).toBe('HIGH_USAGE');
          if (x.status === 'GREY') expect(x.reasons).toEqual(['NO_SIGNAL']);
          if (x.status === 'GREEN') expect(x.reasons).toEqual([]);
          if (x.status === 'NO_DEVICE') expect(x.reasons).toEqual([]);
          // No meter, no device, no way to report: its own state, not "no signal" (issue #21).
          if (x.meterSerialNo === null) expect(x.status).toBe('NO_DEVICE');
          expect(x.lat).toBeGreaterThan(35);
          expect(x.lng).toBeGreaterThan(25);
        }
      }
      // The subscriptions without a meter are NO_DEVICE, not grey.
      const askiMap = await map(aski);
      expect(askiMap.markers.filter((x) => x.meterSerialNo === null)).toHaveLength(SET_UP.NO_METER);
      // Counted apart from the silent ones (issue #21).
      expect(askiMap.counts.NO_DEVICE).toBe(SET_UP.NO_METER);
      expect(askiMap.counts.GREY).toBe(askiMap.markers.filter((x) => x.status === 'GREY').length);
      expect(askiMap.markers.filter((x) => x.status === 'GREY').every((x) => x.meterSerialNo !== null)).toBe(true);
    });

    it('carries what a marker popup shows', async () => {
      const m = await map(aski);
      const marker = m.markers.find((x) => x.status === 'GREEN')!;
      const [row] = await t.sql(
        `SELECT s.subscription_no, coalesce(c.organization_name, c.name || ' ' || c.surname) AS customer, m.serial_no, m.last_reading_at
           FROM subscription s JOIN customer c ON c.id = s.customer_id
           JOIN subscription_meter sm ON sm.subscription_id = s.id AND sm.ended_at IS NULL JOIN meter m ON m.id = sm.meter_id
          WHERE s.id = $1`,
        [marker.subscriptionId],
      );
      expect(marker).toMatchObject({
        subscriptionNo: row.subscription_no,
        customerName: row.customer,
        meterSerialNo: row.serial_no,
        tenantId: ids.aski,
      });
      expect(marker.lastReadingAt).toBe(new Date(row.last_reading_at).toISOString());
      expect(marker.todayM3).toBeGreaterThanOrEqual(0);
    });

    it('keeps each tenant to its own subscriptions', async () => {
      const hatsuSubs = new Set(
        (await t.sql<{ id: string }>('SELECT id FROM subscription WHERE tenant_id = $1', [ids.hatsu])).map((r) => r.id),
      );
      const askiSubs = new Set(
        (await t.sql<{ id: string }>('SELECT id FROM subscription WHERE tenant_id = $1', [ids.aski])).map((r) => r.id),
      );
      const askiMap = await map(aski);
      expect(askiMap.markers.filter((x) => hatsuSubs.has(x.subscriptionId))).toEqual([]);
      expect(askiMap.markers.every((x) => askiSubs.has(x.subscriptionId) && x.tenantId === ids.aski)).toBe(true);
      const hatsuMap = await map(hatsu);
      expect(hatsuMap.markers.filter((x) => askiSubs.has(x.subscriptionId))).toEqual([]);

      const rootMap = await map(admin);
      expect(rootMap.markers).toHaveLength(askiMap.markers.length + hatsuMap.markers.length);
      const rootHatsu = await map(admin, `?tenantId=${ids.hatsu}`);
      expect(rootHatsu.markers.map((x) => x.subscriptionId).sort()).toEqual(hatsuMap.markers.map((x) => x.subscriptionId).sort());

      for (const url of ['/api/dashboard/map', '/api/dashboard/summary', '/api/dashboard/usage', '/api/dashboard/out-of-service']) {
        expect((await get(`${url}?tenantId=${ids.hatsu}`, aski)).status, url).toBe(404);
        expect((await get(`${url}?tenantId=${ids.root}`, hatsu)).status, url).toBe(404);
      }
    });

    it('narrows to a bounding box', async () => {
      const all = await map(aski);
      const one = all.markers[0];
      const d = 0.000001;
      const tight = await map(aski, `?bbox=${one.lng - d},${one.lat - d},${one.lng + d},${one.lat + d}`);
      expect(tight.markers.map((x) => x.subscriptionId)).toContain(one.subscriptionId);
      expect(tight.markers.length).toBeLessThan(all.markers.length);
      const lngs = all.markers.map((x) => x.lng).sort((a, b) => a - b);
      const mid = lngs[Math.floor(lngs.length / 2)];
      const west = await map(aski, `?bbox=-180,-90,${mid},90`);
      expect(west.markers.every((x) => x.lng <= mid)).toBe(true);
      expect(west.markers).toHaveLength(all.markers.filter((x) => x.lng <= mid).length);
      // The middle of the Atlantic: no subscriptions.
      expect((await map(aski, '?bbox=-40,10,-30,20')).markers).toEqual([]);
    });

    it('follows the colour rules when the facts change', async () => {
      const before = await map(aski);
      const greens = before.markers.filter((x) => x.status === 'GREEN');
      const [over, silent] = greens;

      // Today's consumption above the group's daily threshold: orange, even without an alarm yet.
      const [sm] = await t.sql(
        `SELECT sm.meter_id, s.tenant_id, g.daily_threshold_m3::float8 AS threshold
           FROM subscription s JOIN subscription_group g ON g.id = s.group_id
           JOIN subscription_meter sm ON sm.subscription_id = s.id AND sm.ended_at IS NULL WHERE s.id = $1`,
        [over.subscriptionId],
      );
      await t.sql(
        `INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, subscription_id, consumption_m3, last_index_m3, reading_count)
         SELECT $1, (now() AT TIME ZONE t.time_zone)::date, $2, $3, $4, 1000, 1 FROM tenant t WHERE t.id = $2
         ON CONFLICT (meter_id, day) DO UPDATE SET consumption_m3 = EXCLUDED.consumption_m3`,
        [sm.meter_id, sm.tenant_id, over.subscriptionId, sm.threshold + 1],
      );
      // A device silent for three hours (hourly profile, twice the interval allowed): grey.
      await t.sql(
        `UPDATE device SET last_seen_at = now() - interval '3 hours'
          WHERE meter_id = (SELECT meter_id FROM subscription_meter WHERE subscription_id = $1 AND ended_at IS NULL)`,
        [silent.subscriptionId],
      );
      let after = await map(aski);
      const find = (m: MapView, id: string) => m.markers.find((x) => x.subscriptionId === id)!;
      expect(find(after, over.subscriptionId)).toMatchObject({ status: 'ORANGE', reasons: ['HIGH_USAGE'] });
      expect(find(after, over.subscriptionId).todayM3).toBeCloseTo(sm.threshold + 1, 3);
      expect(find(after, silent.subscriptionId)).toMatchObject({ status: 'GREY', reasons: ['NO_SIGNAL'] });

      // A tamper alarm outranks high usage; every reason is still listed, in priority order.
      await t.sql(`INSERT INTO alarm (tenant_id, type, meter_id, subscription_id, started_at) VALUES ($1, 'TAMPER', $2, $3, now())`, [
        sm.tenant_id,
        sm.meter_id,
        over.subscriptionId,
      ]);
      after = await map(aski);
      expect(find(after, over.subscriptionId)).toMatchObject({ status: 'RED', reasons: ['TAMPER', 'HIGH_USAGE'] });
      expect(after.counts.RED).toBe(before.counts.RED + 1);
      expect(after.counts.GREY).toBe(before.counts.GREY + 1);
      expect(after.counts.GREEN).toBe(before.counts.GREEN - 2);
      // The summary's today figure reads the same rollup.
      const summary = (await get('/api/dashboard/summary', aski)).body;
      expect(summary.consumptionTodayM3).toBeGreaterThan(sm.threshold);
    });
  });

  describe('usage', () => {
    it('gives the fleet consumption per local day from the rollup, zero-filled', async () => {
      const res = await get<{ day: string; consumptionM3: number }[]>('/api/dashboard/usage?days=7', aski);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(7);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date());
      expect(res.body.at(-1)!.day).toBe(today);
      for (let i = 1; i < res.body.length; i++) {
        expect(Date.parse(res.body[i].day) - Date.parse(res.body[i - 1].day)).toBe(86_400_000);
      }
      const rows = await t.sql<{ day: string; m3: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(consumption_m3)::float8 AS m3 FROM meter_daily_consumption WHERE tenant_id = $1 GROUP BY day`,
        [ids.aski],
      );
      for (const d of res.body) expect(d.consumptionM3).toBeCloseTo(rows.find((r) => r.day === d.day)?.m3 ?? 0, 3);
      expect(res.body.some((d) => d.consumptionM3 > 0)).toBe(true);
      // The default window is 30 days; 31 days equal the summary's total (30 days plus today).
      expect((await get('/api/dashboard/usage', aski)).body).toHaveLength(30);
      const month = (await get<{ consumptionM3: number }[]>('/api/dashboard/usage?days=31', aski)).body;
      const summary = (await get('/api/dashboard/summary', aski)).body;
      expect(month.reduce((a, d) => a + d.consumptionM3, 0)).toBeCloseTo(summary.totalConsumptionM3, 3);
    });

    it('reports how much of each day and of the totals is estimated (issue 17)', async () => {
      // Half of two meter-days of the window marked estimated, as the rollup keeps it; the trigger carries it to the tenant day.
      const marked = await t.sql<{ day: string; e: number }>(
        `UPDATE meter_daily_consumption SET estimated_m3 = round(consumption_m3 / 2, 3)
          WHERE (meter_id, day) IN (SELECT meter_id, day FROM meter_daily_consumption
                                     WHERE tenant_id = $1 AND consumption_m3 > 0
                                       AND day > (now() AT TIME ZONE 'Europe/Istanbul')::date - 7
                                     ORDER BY day DESC, meter_id LIMIT 2)
          RETURNING to_char(day, 'YYYY-MM-DD') AS day, estimated_m3::float8 AS e`,
        [ids.aski],
      );
      expect(marked.length).toBeGreaterThan(0);
      const rows = await t.sql<{ day: string; m3: number; e: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(consumption_m3)::float8 AS m3, sum(estimated_m3)::float8 AS e
           FROM meter_daily_consumption WHERE tenant_id = $1 GROUP BY day`,
        [ids.aski],
      );
      const week = (await get<{ day: string; consumptionM3: number; estimatedM3: number }[]>('/api/dashboard/usage?days=7', aski)).body;
      for (const d of week) {
        expect(d.estimatedM3).toBeCloseTo(rows.find((r) => r.day === d.day)?.e ?? 0, 3);
        expect(d.estimatedM3).toBeLessThanOrEqual(d.consumptionM3);
      }
      const estimated = marked.reduce((a, r) => a + r.e, 0);
      expect(week.reduce((a, d) => a + d.estimatedM3, 0)).toBeCloseTo(estimated, 3);
      // The summary's totals carry the same share: 31 usage days are its 30 days plus today.
      const month = (await get<{ day: string; estimatedM3: number }[]>('/api/dashboard/usage?days=31', aski)).body;
      const summary = (await get('/api/dashboard/summary', aski)).body;
      expect(summary.totalEstimatedM3).toBeCloseTo(
        month.reduce((a, d) => a + d.estimatedM3, 0),
        3,
      );
      expect(summary.totalEstimatedM3).toBeCloseTo(estimated, 3);
      expect(summary.estimatedTodayM3).toBeCloseTo(month.at(-1)!.estimatedM3, 3);
    });
  });

  describe('out of service', () => {
    it('lists the meters and devices that are not in use, with where they are', async () => {
      const meters = await get('/api/dashboard/out-of-service?kind=meter', aski);
      expect(meters.status).toBe(200);
      const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM meter WHERE tenant_id = $1 AND status <> 'ACTIVE'`, [ids.aski]);
      expect(meters.body.total).toBe(n);
      expect(meters.body.pageSize).toBe(30);
      for (const m of meters.body.items) {
        expect(m.kind).toBe('meter');
        expect(m.status).not.toBe('ACTIVE');
        expect(m.tenantName).toBe(askiName);
        expect(m.brand).toBeTruthy();
        expect(m.model).toBeTruthy();
        expect(m.linked?.kind).toBe('device');
      }
      const withSub = meters.body.items.find((m: { subscription: unknown }) => m.subscription);
      expect(withSub.address.line).toMatch(/\S/);

      const devices = await get('/api/dashboard/out-of-service?kind=device', aski);
      expect(devices.body.total).toBe(
        (await t.sql(`SELECT count(*)::int AS n FROM device WHERE tenant_id = $1 AND status <> 'ACTIVE'`, [ids.aski]))[0].n,
      );
      expect(
        devices.body.items.every((d: { kind: string; linked: { kind: string } }) => d.kind === 'device' && d.linked.kind === 'meter'),
      ).toBe(true);

      const maintenance = await get('/api/dashboard/out-of-service?kind=meter&status=MAINTENANCE', aski);
      expect(maintenance.body.total).toBe(
        (await t.sql(`SELECT count(*)::int AS n FROM meter WHERE tenant_id = $1 AND status = 'MAINTENANCE'`, [ids.aski]))[0].n,
      );
      expect(maintenance.body.items.every((m: { status: string }) => m.status === 'MAINTENANCE')).toBe(true);

      const hatsuMeters = await get('/api/dashboard/out-of-service', hatsu);
      expect(hatsuMeters.body.items.every((m: { tenantId: string }) => m.tenantId === ids.hatsu)).toBe(true);
      const root = await get('/api/dashboard/out-of-service', admin);
      expect(root.body.total).toBe(meters.body.total + hatsuMeters.body.total);
    });
  });

  describe('bad input and rights', () => {
    it('refuses malformed filters with 400 and the field at fault', async () => {
      for (const [url, field] of [
        ['/api/dashboard/map?bbox=1,2,3', 'bbox'],
        ['/api/dashboard/map?bbox=a,b,c,d', 'bbox'],
        ['/api/dashboard/map?bbox=200,0,201,1', 'bbox'],
        ['/api/dashboard/map?bbox=33,40,32,39', 'bbox'],
        ['/api/dashboard/map?bbox=', 'bbox'],
        ['/api/dashboard/map?tenantId=not-a-uuid', 'tenantId'],
        ['/api/dashboard/summary?tenantId=123', 'tenantId'],
        ['/api/dashboard/usage?days=0', 'days'],
        ['/api/dashboard/usage?days=367', 'days'],
        ['/api/dashboard/usage?days=abc', 'days'],
        ['/api/dashboard/usage?days=1.5', 'days'],
        ['/api/dashboard/out-of-service?kind=valve', 'kind'],
        ['/api/dashboard/out-of-service?status=ACTIVE', 'status'],
        ['/api/dashboard/summary?colour=red', ''],
      ] as const) {
        const res = await get(url, aski);
        expect(res.status, url).toBe(400);
        expect(res.body.statusCode).toBe(400);
        if (field) expect(res.body.details[0].path[0], url).toBe(field);
      }
    });

    it('needs the dashboard read right', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/users',
        token: aski,
        body: {
          name: 'Saha',
          surname: 'Teknisyeni',
          email: 'saha@example.com',
          password: 'Parola123',
          memberships: [{ tenantId: ids.aski, role: 'Field', permissions: matrix({ METERS: 'r' }) }],
        },
      });
      expect(created.status).toBe(201);
      const token = await t.login('saha@example.com', 'Parola123');
      for (const url of ['/api/dashboard/summary', '/api/dashboard/map', '/api/dashboard/usage', '/api/dashboard/out-of-service']) {
        expect((await get(url, token)).status, url).toBe(403);
      }
      expect((await t.request({ url: '/api/dashboard/summary' })).status).toBe(401);
    });
  });
});
