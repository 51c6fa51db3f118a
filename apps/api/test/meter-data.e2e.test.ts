import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeterDataJobs } from '../src/modules/meter-data/meter-data.jobs';
import {
  makeDevice,
  makeIntegration,
  makeInstallation,
  makeMeter,
  makeReading,
  makeSubscription,
  makeTenant,
  makeUser,
  makeUtilities,
  rollUpDays,
  tokenFor,
  ttnUplink,
  type Device,
  type Meter,
  type Tenant,
  type User,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';

const HOUR = 3_600_000;
/** A day well in the past, so no rule takes a reading for the future: 2025-11-03 is a Monday. */
const T0 = new Date('2025-11-03T00:00:00.000Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const iso = (hours: number) => at(hours).toISOString();

describe('meter data management (issue 17)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let root: Tenant;
  let a: Tenant;
  let b: Tenant;
  let rootToken: string;
  let rootUser: User;
  let aToken: string;
  let bToken: string;
  /** LIVE_READINGS read only, METERS read. */
  let readerToken: string;
  let meter: Meter;
  let device: Device;

  const rows = <T = any>(text: string, params: unknown[] = []) => t.sql<T>(text, params);
  const reading = async (hours: number) =>
    (
      await rows<{ index_m3: string; consumption_m3: string | null; quality: string; quality_rule: string | null; source: string }>(
        'SELECT index_m3, consumption_m3, quality, quality_rule, source FROM reading WHERE meter_id = $1 AND time = $2',
        [meter.id, at(hours)],
      )
    )[0];
  /** The meter's rollup days against its readings: every day must equal the sum of its readings' consumption. */
  const rollupMatchesReadings = async (meterId: string) => {
    const diff = await rows(
      `SELECT c.day, c.consumption_m3, c.estimated_m3, r.m3, r.est, c.reading_count, r.n
         FROM meter_daily_consumption c
         FULL JOIN (SELECT (time AT TIME ZONE 'Europe/Istanbul')::date AS day, sum(consumption_m3) AS m3,
                           coalesce(sum(consumption_m3) FILTER (WHERE quality = 'ESTIMATED'), 0) AS est, count(*)::int AS n
                      FROM reading WHERE meter_id = $1 GROUP BY 1) r ON r.day = c.day
        WHERE (c.meter_id = $1 OR c.meter_id IS NULL)
          AND (c.consumption_m3 IS DISTINCT FROM coalesce(r.m3, 0) OR c.reading_count IS DISTINCT FROM r.n OR c.estimated_m3 IS DISTINCT FROM r.est)`,
      [meterId],
    );
    expect(diff).toEqual([]);
  };

  beforeAll(async () => {
    t = await startTestApp('meter-data');
    const u = await makeUtilities(t);
    ({ root, a, b } = u);
    rootToken = u.rootAdmin.token;
    rootUser = u.rootAdmin.user;
    aToken = u.aAdmin.token;
    bToken = u.bAdmin.token;
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { LIVE_READINGS: 'r', METERS: 'r', TENANTS: 'r' } }));
    ({ meter, device } = await makeInstallation(t, { tenant: a }));
    // Hourly readings from 00:00 to 06:00, 10 litres an hour, 03:00 missing.
    for (const [h, index] of [
      [0, 100],
      [1, 100.01],
      [2, 100.02],
      [4, 100.04],
      [5, 100.05],
      [6, 100.06],
    ] as const)
      await makeReading(t, { device, time: at(h), indexM3: index });
    await rollUpDays(t);
    worker = await startTestWorker(t.config);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  describe('settings', () => {
    it('answers the defaults and the values in force, for the tenant and each subscription group', async () => {
      const res = await t.request({ url: `/api/tenants/${a.id}/meter-data-settings`, token: aToken });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.defaults.physicalMaximum.overloadFactor).toBe(1.25);
      expect(res.body.effective).toEqual(res.body.defaults);
      expect(res.body.own).toEqual({});
      expect(res.body.groups.map((g: { code: string }) => g.code)).toEqual(expect.arrayContaining(['NORMAL', 'HIGH']));
    });

    it('inherits a parent’s row down the tree, and a group row overrides the tenant’s', async () => {
      const root1 = await t.request({
        method: 'PUT',
        url: `/api/tenants/${root.id}/meter-data-settings`,
        token: rootToken,
        body: { params: { spike: { factor: 5 }, stuck: { days: 3 } } },
      });
      expect(root1.status, JSON.stringify(root1.body)).toBe(200);
      const [{ id: high }] = await rows<{ id: string }>("SELECT id FROM subscription_group WHERE code = 'HIGH'");
      const own = await t.request({
        method: 'PUT',
        url: `/api/tenants/${a.id}/meter-data-settings`,
        token: aToken,
        body: { subscriptionGroupId: high, params: { spike: { factor: 20 } } },
      });
      expect(own.status, JSON.stringify(own.body)).toBe(200);
      expect(own.body.effective.spike.factor).toBe(5);
      expect(own.body.effective.stuck.days).toBe(3);
      const group = own.body.groups.find((g: { subscriptionGroupId: string }) => g.subscriptionGroupId === high);
      expect(group.own).toEqual({ spike: { factor: 20 } });
      expect(group.effective.spike.factor).toBe(20);
      const audit = await rows("SELECT action, entity_type FROM audit_log WHERE entity_type = 'meter_data_settings' AND tenant_id = $1", [
        a.id,
      ]);
      expect(audit).toHaveLength(1);
      // Back to the defaults for the rest of the suite.
      for (const [tenant, token, body] of [
        [a, aToken, { subscriptionGroupId: high, params: {} }],
        [root, rootToken, { params: {} }],
      ] as const)
        expect((await t.request({ method: 'PUT', url: `/api/tenants/${tenant.id}/meter-data-settings`, token, body })).status).toBe(200);
      expect(await rows('SELECT * FROM meter_data_settings')).toEqual([]);
    });

    it.each([
      ['an unknown rule', { params: { bogus: { x: 1 } } }],
      ['an unknown parameter', { params: { spike: { factr: 5 } } }],
      ['a wrong type', { params: { spike: { factor: '5' } } }],
      ['an out-of-range value', { params: { physicalMaximum: { overloadFactor: 1e9 } } }],
      ['a night window ending before it starts', { params: { leak: { nightStartHour: 5, nightEndHour: 2 } } }],
      ['a group id that is no UUID', { subscriptionGroupId: "x' or 1=1", params: {} }],
    ])('refuses %s (400) and changes nothing', async (_, body) => {
      const res = await t.request({ method: 'PUT', url: `/api/tenants/${a.id}/meter-data-settings`, token: aToken, body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(await rows('SELECT * FROM meter_data_settings')).toEqual([]);
    });

    it('answers 404 for an unknown subscription group and for another tenant, 403 without TENANTS update', async () => {
      const unknownGroup = await t.request({
        method: 'PUT',
        url: `/api/tenants/${a.id}/meter-data-settings`,
        token: aToken,
        body: { subscriptionGroupId: '00000000-0000-4000-8000-000000000000', params: { spike: { factor: 3 } } },
      });
      expect(unknownGroup.status).toBe(404);
      const other = await t.request({ url: `/api/tenants/${a.id}/meter-data-settings`, token: bToken });
      expect(other.status).toBe(404);
      const otherPut = await t.request({
        method: 'PUT',
        url: `/api/tenants/${a.id}/meter-data-settings`,
        token: bToken,
        body: { params: { spike: { factor: 3 } } },
      });
      expect(otherPut.status).toBe(404);
      const reader = await t.request({
        method: 'PUT',
        url: `/api/tenants/${a.id}/meter-data-settings`,
        token: readerToken,
        body: { params: { spike: { factor: 3 } } },
      });
      expect(reader.status).toBe(403);
      expect(await rows('SELECT * FROM meter_data_settings')).toEqual([]);
    });
  });

  describe('manual readings and corrections', () => {
    it('enters a manual reading in the gap: EDITED (manual), its successor’s consumption and the rollup follow, history and audit kept', async () => {
      const res = await t.request({
        method: 'POST',
        url: `/api/meters/${meter.id}/readings`,
        token: aToken,
        body: { time: iso(3), indexM3: 100.035, reason: 'field visit: register read on site' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.reading).toEqual({
        indexM3: 100.035,
        consumptionM3: 0.015,
        quality: 'EDITED',
        qualityRule: 'manual',
        source: 'MANUAL',
      });
      expect(res.body.revision).toMatchObject({
        action: 'create',
        reason: 'field visit: register read on site',
        before: null,
        hasPhoto: false,
      });
      expect(await reading(4)).toMatchObject({ consumption_m3: '0.005', quality: 'VALID' });
      await rollupMatchesReadings(meter.id);
      const audit = await rows("SELECT action, after FROM audit_log WHERE entity_type = 'reading' AND tenant_id = $1", [a.id]);
      expect(audit).toHaveLength(1);
      expect(audit[0].after).toMatchObject({ indexM3: 100.035, reason: 'field visit: register read on site' });
    });

    it('corrects a reading, keeping the original: before and after in the history, with the photo', async () => {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
      const res = await t.request({
        method: 'PATCH',
        url: `/api/meters/${meter.id}/readings/${iso(5)}`,
        token: aToken,
        body: {
          indexM3: 100.052,
          reason: 'digit misread by the device',
          photo: { contentType: 'image/png', dataBase64: png.toString('base64') },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.reading).toMatchObject({ indexM3: 100.052, consumptionM3: 0.012, quality: 'EDITED', qualityRule: 'correction' });
      expect(await reading(6)).toMatchObject({ consumption_m3: '0.008' });
      await rollupMatchesReadings(meter.id);

      const history = await t.request({ url: `/api/meters/${meter.id}/readings/${iso(5)}/revisions`, token: readerToken });
      expect(history.status).toBe(200);
      expect(history.body.items).toHaveLength(1);
      const [revision] = history.body.items;
      expect(revision.before).toEqual({ indexM3: 100.05, consumptionM3: 0.01, quality: 'VALID', qualityRule: null, source: 'NETWORK' });
      expect(revision.after).toMatchObject({ indexM3: 100.052, quality: 'EDITED' });
      expect(revision.revisedBy.id).toBeTruthy();
      expect(revision.hasPhoto).toBe(true);
      const photo = await t.app.inject({
        url: `/api/reading-revisions/${revision.id}/photo`,
        headers: { authorization: `Bearer ${readerToken}` },
      });
      expect(photo.statusCode).toBe(200);
      expect(photo.headers['content-type']).toBe('image/png');
      expect(photo.rawPayload.equals(png)).toBe(true);
      // Another tenant sees neither the history's photo nor the reading.
      expect((await t.request({ url: `/api/reading-revisions/${revision.id}/photo`, token: bToken })).status).toBe(404);
      expect((await t.request({ url: `/api/meters/${meter.id}/readings/${iso(5)}/revisions`, token: bToken })).status).toBe(404);
    });

    it.each([
      ['a negative index', { time: iso(7), indexM3: -1, reason: 'x-ray' }],
      ['an index beyond any register', { time: iso(7), indexM3: 1e15, reason: 'huge value' }],
      ['more than litre resolution', { time: iso(7), indexM3: 100.0611, reason: 'too precise' }],
      ['no reason', { time: iso(7), indexM3: 100.07 }],
      ['a blank reason', { time: iso(7), indexM3: 100.07, reason: '   ' }],
      ['a time without offset', { time: '2025-11-03T07:00:00', indexM3: 100.07, reason: 'no zone given' }],
      ['a reading in the future', { time: new Date(Date.now() + 86_400_000).toISOString(), indexM3: 100.07, reason: 'tomorrow' }],
      [
        'a photo that is not the image it claims',
        { time: iso(7), indexM3: 100.07, reason: 'photo', photo: { contentType: 'image/jpeg', dataBase64: 'aGVsbG8=' } },
      ],
      ['an unknown field', { time: iso(7), indexM3: 100.07, reason: 'extra', tenantId: '00000000-0000-4000-8000-000000000001' }],
      ['a NUL in the reason', { time: iso(7), indexM3: 100.07, reason: 'a\u0000b' }],
      [
        'a photo over 512 KiB',
        {
          time: iso(7),
          indexM3: 100.07,
          reason: 'big photo',
          photo: { contentType: 'image/png', dataBase64: Buffer.alloc(600 * 1024, 1).toString('base64') },
        },
      ],
    ])('refuses %s with 400 and stores nothing', async (_, body) => {
      const before = await rows('SELECT count(*)::int AS n FROM reading WHERE meter_id = $1', [meter.id]);
      const res = await t.request({ method: 'POST', url: `/api/meters/${meter.id}/readings`, token: aToken, body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(await rows('SELECT count(*)::int AS n FROM reading WHERE meter_id = $1', [meter.id])).toEqual(before);
      expect(await rows('SELECT count(*)::int AS n FROM reading_revision')).toEqual([{ n: 2 }]);
    });

    it('refuses a second reading at a stored time (409), an unknown reading (404) and a bad time in the path (400)', async () => {
      const taken = await t.request({
        method: 'POST',
        url: `/api/meters/${meter.id}/readings`,
        token: aToken,
        body: { time: iso(4), indexM3: 100.04, reason: 'duplicate' },
      });
      expect(taken.status).toBe(409);
      const unknown = await t.request({
        method: 'PATCH',
        url: `/api/meters/${meter.id}/readings/${iso(30)}`,
        token: aToken,
        body: { indexM3: 1, reason: 'nothing there' },
      });
      expect(unknown.status).toBe(404);
      const bad = await t.request({
        method: 'PATCH',
        url: `/api/meters/${meter.id}/readings/yesterday`,
        token: aToken,
        body: { indexM3: 1, reason: 'bad time' },
      });
      expect(bad.status).toBe(400);
    });

    it('keeps other tenants out (404) and needs LIVE_READINGS create/update (403)', async () => {
      const body = { time: iso(7), indexM3: 100.07, reason: 'another tenant' };
      expect((await t.request({ method: 'POST', url: `/api/meters/${meter.id}/readings`, token: bToken, body })).status).toBe(404);
      expect((await t.request({ method: 'POST', url: `/api/meters/${meter.id}/readings`, token: readerToken, body })).status).toBe(403);
      const fix = { indexM3: 1, reason: 'not mine' };
      expect(
        (await t.request({ method: 'PATCH', url: `/api/meters/${meter.id}/readings/${iso(4)}`, token: bToken, body: fix })).status,
      ).toBe(404);
      expect(
        (await t.request({ method: 'PATCH', url: `/api/meters/${meter.id}/readings/${iso(4)}`, token: readerToken, body: fix })).status,
      ).toBe(403);
      expect(await reading(4)).toMatchObject({ index_m3: '100.040' });
      const run = { from: iso(0), to: iso(6) };
      expect((await t.request({ method: 'POST', url: `/api/meters/${meter.id}/revalidate`, token: bToken, body: run })).status).toBe(404);
      expect((await t.request({ method: 'POST', url: `/api/meters/${meter.id}/revalidate`, token: readerToken, body: run })).status).toBe(
        403,
      );
    });
  });

  describe('a meter without a device (a mechanical meter read by hand)', () => {
    it('stores field visits under the meter’s own key: consumption, rollup, correction and a device fitted later continue the chain', async () => {
      const subscription = await makeSubscription(t, { tenant: a });
      const bare = await makeMeter(t, { tenant: a, subscription });
      const enter = (hours: number, indexM3: number, reason = 'field visit') =>
        t.request({ method: 'POST', url: `/api/meters/${bare.id}/readings`, token: aToken, body: { time: iso(hours), indexM3, reason } });
      const first = await enter(0, 50);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body.reading).toEqual({ indexM3: 50, consumptionM3: null, quality: 'EDITED', qualityRule: 'manual', source: 'MANUAL' });
      const second = await enter(10, 50.5);
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      expect(second.body.reading).toMatchObject({ indexM3: 50.5, consumptionM3: 0.5, quality: 'EDITED' });
      // The key is the meter's own id, not a device row.
      const keys = await rows('SELECT DISTINCT device_id FROM reading WHERE meter_id = $1', [bare.id]);
      expect(keys).toEqual([{ device_id: bare.id }]);
      expect(await rows('SELECT count(*)::int AS n FROM device WHERE id = $1 OR meter_id = $1', [bare.id])).toEqual([{ n: 0 }]);
      await rollupMatchesReadings(bare.id);
      expect((await enter(10, 50.6, 'again')).status).toBe(409);

      const fix = await t.request({
        method: 'PATCH',
        url: `/api/meters/${bare.id}/readings/${iso(10)}`,
        token: aToken,
        body: { indexM3: 50.4, reason: 'misread dial' },
      });
      expect(fix.status, JSON.stringify(fix.body)).toBe(200);
      expect(fix.body.reading).toMatchObject({ indexM3: 50.4, consumptionM3: 0.4, qualityRule: 'manual' });
      await rollupMatchesReadings(bare.id);
      const history = await t.request({ url: `/api/meters/${bare.id}/readings/${iso(10)}/revisions`, token: readerToken });
      expect(history.body.items.map((r: { action: string }) => r.action)).toEqual(['create', 'update']);

      // A device fitted later: its first network reading's consumption is counted from the last manual one.
      const fitted = await makeDevice(t, { tenant: a, meter: bare });
      const integration = await makeIntegration(t, { tenant: a });
      const res = await t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${integration.id}`,
        headers: { 'x-integration-secret': integration.secret },
        body: ttnUplink(fitted, { indexM3: 51, fCnt: 1, at: at(12) }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      await until(async () => (await rows('SELECT 1 FROM reading WHERE device_id = $1', [fitted.id])).length > 0, 20_000);
      expect(await rows('SELECT consumption_m3, quality FROM reading WHERE device_id = $1', [fitted.id])).toEqual([
        { consumption_m3: '0.600', quality: 'VALID' },
      ]);
      await rollupMatchesReadings(bare.id);
      // Another tenant cannot enter one (404).
      const other = await t.request({
        method: 'POST',
        url: `/api/meters/${bare.id}/readings`,
        token: bToken,
        body: { time: iso(11), indexM3: 50.45, reason: 'not mine' },
      });
      expect(other.status).toBe(404);
    });
  });

  describe('revalidation and estimation', () => {
    let other: { meter: Meter; device: Device };

    beforeAll(async () => {
      other = await makeInstallation(t, { tenant: a });
      // A backward glitch the worker of old stored as suspect; a rollover it could not see; a gap of three hours.
      for (const [h, index, consumption] of [
        [0, 99_999.9, null],
        [1, 0.1, 0],
        [2, 0.15, 0.05],
        [3, 0.14, 0],
        [4, 0.2, 0.06],
        [8, 0.6, 0.4],
      ] as const)
        await makeReading(t, { device: other.device, time: at(h), indexM3: index, consumptionM3: consumption });
      await rollUpDays(t);
    });

    const otherReading = async (hours: number) =>
      (
        await rows<{ index_m3: string; consumption_m3: string | null; quality: string; quality_rule: string | null }>(
          'SELECT index_m3, consumption_m3, quality, quality_rule FROM reading WHERE meter_id = $1 AND time = $2',
          [other.meter.id, at(hours)],
        )
      )[0];

    it('lists the gaps of a meter: the intervals its device should have reported', async () => {
      const url = `/api/meters/${other.meter.id}/gaps?from=${encodeURIComponent(iso(0))}&to=${encodeURIComponent(iso(8))}`;
      const res = await t.request({ url, token: readerToken });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        meterId: other.meter.id,
        intervalMinutes: 60,
        items: [{ after: iso(4), before: iso(8), missing: 3, firstMissing: iso(5), lastMissing: iso(7) }],
      });
      expect((await t.request({ url, token: bToken })).status).toBe(404);
      expect((await t.request({ url: `/api/meters/${other.meter.id}/gaps?from=${iso(8)}`, token: aToken })).status).toBe(400);
    });

    it('re-runs the rules over a range as a job: the rollover is counted, the glitch flagged, the gap estimated to add up', async () => {
      const res = await t.request({
        method: 'POST',
        url: `/api/meters/${other.meter.id}/revalidate`,
        token: aToken,
        body: { from: iso(0), to: iso(8), estimate: true },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.jobId).toBeTruthy();
      await until(async () => (await otherReading(5))?.quality === 'ESTIMATED', 20_000);
      expect(await otherReading(1)).toMatchObject({ consumption_m3: '0.200', quality: 'VALID', quality_rule: 'rollover' });
      expect(await otherReading(3)).toMatchObject({ consumption_m3: '0.000', quality: 'SUSPECT', quality_rule: 'backward-index' });
      const estimates = await rows<{ index_m3: string; consumption_m3: string; quality_rule: string }>(
        "SELECT index_m3, consumption_m3, quality_rule FROM reading WHERE meter_id = $1 AND quality = 'ESTIMATED' ORDER BY time",
        [other.meter.id],
      );
      expect(estimates).toEqual([
        { index_m3: '0.300', consumption_m3: '0.100', quality_rule: 'interpolation' },
        { index_m3: '0.400', consumption_m3: '0.100', quality_rule: 'interpolation' },
        { index_m3: '0.500', consumption_m3: '0.100', quality_rule: 'interpolation' },
      ]);
      expect(await otherReading(8)).toMatchObject({ consumption_m3: '0.100', quality: 'VALID' });
      await rollupMatchesReadings(other.meter.id);
      const [day] = await rows('SELECT estimated_m3 FROM tenant_daily_consumption WHERE tenant_id = $1 AND estimated_m3 > 0', [a.id]);
      expect(day.estimated_m3).toBe('0.300');
    });

    it('estimates a silent meter from the same weekdays, and a manual reading replaces those estimates', async () => {
      const jobs = worker.get(MeterDataJobs);
      const silent = await makeInstallation(t, { tenant: a });
      // The Monday before: 12 litres every hour. This Monday: readings up to 10:00, then silence.
      let index = 20;
      for (let h = -7 * 24; h <= -7 * 24 + 23; h++) await makeReading(t, { device: silent.device, time: at(h), indexM3: (index += 0.012) });
      for (let h = 0; h <= 10; h++) await makeReading(t, { device: silent.device, time: at(h), indexM3: (index += 0.012) });
      await rollUpDays(t);
      const last = index;
      const run = await jobs.revalidate(silent.meter.id, at(10), at(13), true, new Date(at(13).getTime() + 30 * 60_000));
      expect(run.estimated).toBe(3);
      const estimates = await rows<{ index_m3: string; consumption_m3: string; quality_rule: string }>(
        "SELECT index_m3, consumption_m3, quality_rule FROM reading WHERE meter_id = $1 AND quality = 'ESTIMATED' ORDER BY time",
        [silent.meter.id],
      );
      expect(estimates.map((e) => [Number(e.index_m3), e.consumption_m3, e.quality_rule])).toEqual([
        [Number((last + 0.012).toFixed(3)), '0.012', 'profile'],
        [Number((last + 0.024).toFixed(3)), '0.012', 'profile'],
        [Number((last + 0.036).toFixed(3)), '0.012', 'profile'],
      ]);
      await rollupMatchesReadings(silent.meter.id);

      const res = await t.request({
        method: 'POST',
        url: `/api/meters/${silent.meter.id}/readings`,
        token: aToken,
        body: { time: iso(12), indexM3: Number((last + 0.05).toFixed(3)), reason: 'read on site, device silent' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.reading.consumptionM3).toBe(0.05);
      expect(await rows("SELECT count(*)::int AS n FROM reading WHERE meter_id = $1 AND quality = 'ESTIMATED'", [silent.meter.id])).toEqual(
        [{ n: 0 }],
      );
      await rollupMatchesReadings(silent.meter.id);
    });

    it('reports the estimated share of daily consumption', async () => {
      const res = await t.request({
        url: `/api/meters/${other.meter.id}/consumption?interval=day&from=${encodeURIComponent('2025-11-03T00:00:00+03:00')}&to=${encodeURIComponent('2025-11-04T00:00:00+03:00')}`,
        token: aToken,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // 0.2 across the rollover + 0.05 + 0 (backward) + 0.06 + 0.3 estimated + 0.1.
      expect(res.body.totalM3).toBeCloseTo(0.71, 6);
      expect(res.body.estimated.totalM3).toBeCloseTo(0.3, 6);
      const month = await t.request({
        url: `/api/meters/${other.meter.id}/consumption?interval=month&from=${encodeURIComponent('2025-11-01T00:00:00+03:00')}&to=${encodeURIComponent('2025-12-01T00:00:00+03:00')}`,
        token: aToken,
      });
      expect(month.status).toBe(200);
      expect(month.body.estimated.values).toHaveLength(1);
      expect(month.body.estimated.values[0]).toBeCloseTo(0.3, 6);
      expect(month.body.values[0]).toBeCloseTo(0.71, 6);
    });

    it('refuses a revalidation range that is empty, too long or open-ended (400), and enqueues nothing', async () => {
      for (const body of [
        { from: iso(8), to: iso(0) },
        { from: '2024-01-01T00:00:00Z', to: '2025-06-01T00:00:00Z' },
        { from: iso(0) },
        { from: iso(0), to: iso(8), estimate: 'yes' },
      ]) {
        const res = await t.request({ method: 'POST', url: `/api/meters/${other.meter.id}/revalidate`, token: aToken, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
    });

    it('replaces estimates when the real reading arrives late (a manual entry here; the worker does the same)', async () => {
      const res = await t.request({
        method: 'POST',
        url: `/api/meters/${other.meter.id}/readings`,
        token: aToken,
        body: { time: iso(6), indexM3: 0.45, reason: 'late read on site' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(await rows("SELECT count(*)::int AS n FROM reading WHERE meter_id = $1 AND quality = 'ESTIMATED'", [other.meter.id])).toEqual([
        { n: 0 },
      ]);
      expect(await otherReading(6)).toMatchObject({ consumption_m3: '0.250' });
      expect(await otherReading(8)).toMatchObject({ consumption_m3: '0.150' });
      await rollupMatchesReadings(other.meter.id);
    });
  });

  describe('register capacity of a meter profile', () => {
    it('is set through the profile (root catalogue), null by default, refused when not positive', async () => {
      const url = `/api/meter-profiles/${meter.profileId}`;
      expect((await t.request({ url, token: rootToken })).body.registerCapacityM3).toBeNull();
      const set = await t.request({ method: 'PATCH', url, token: rootToken, body: { registerCapacityM3: 10_000 } });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect(set.body.registerCapacityM3).toBe(10_000);
      expect((await t.request({ method: 'PATCH', url, token: rootToken, body: { registerCapacityM3: -1 } })).status).toBe(400);
      expect((await t.request({ method: 'PATCH', url, token: rootToken, body: { registerCapacityM3: null } })).status).toBe(200);
      expect(await rows('SELECT register_capacity_m3 FROM meter_profile WHERE id = $1', [meter.profileId])).toEqual([
        { register_capacity_m3: null },
      ]);
    });
  });

  describe('in the worker', () => {
    it('counts a rollover across the wrap and replaces estimates when the real reading arrives late', async () => {
      const jobs = worker.get(MeterDataJobs);
      const x = await makeInstallation(t, { tenant: a });
      await rows('UPDATE meter_profile SET register_capacity_m3 = 100000 WHERE id = $1', [x.meter.profileId]);
      const integration = await makeIntegration(t, { tenant: a });
      let fCnt = 0;
      const send = async (hours: number, indexM3: number) => {
        const res = await t.request({
          method: 'POST',
          url: `/api/ingest/ttn/${integration.id}`,
          headers: { 'x-integration-secret': integration.secret },
          body: ttnUplink(x.device, { indexM3, fCnt: ++fCnt, at: at(hours) }),
        });
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        await until(
          async () =>
            (await rows("SELECT 1 FROM reading WHERE device_id = $1 AND time = $2 AND source = 'NETWORK'", [x.device.id, at(hours)]))
              .length > 0,
          20_000,
        );
      };
      const quality = async (hours: number) =>
        (
          await rows('SELECT consumption_m3, quality, quality_rule FROM reading WHERE device_id = $1 AND time = $2', [
            x.device.id,
            at(hours),
          ])
        )[0];

      await send(0, 99_999.9);
      await send(1, 0.1);
      expect(await quality(1)).toEqual({ consumption_m3: '0.200', quality: 'VALID', quality_rule: 'rollover' });
      await send(2, 0.05);
      expect(await quality(2)).toEqual({ consumption_m3: '0.000', quality: 'SUSPECT', quality_rule: 'backward-index' });

      // Four hours missing, estimated; then the 05:00 frame arrives late: it replaces the estimates around it.
      await send(7, 0.65);
      const run = await jobs.revalidate(x.meter.id, at(2), at(7), true, at(8));
      expect(run.estimated).toBe(4);
      expect(await quality(4)).toMatchObject({ quality: 'ESTIMATED', quality_rule: 'interpolation', consumption_m3: '0.120' });
      await rollupMatchesReadings(x.meter.id);
      await send(5, 0.4);
      // The estimates between the real 02:00 and 07:00 gave way to the 05:00 frame; a revalidation job the batch
      // enqueued estimates the gaps left either side (03:00, 04:00 and 06:00) from the real readings.
      const chain = async () =>
        rows<{ h: number; quality: string; consumption_m3: string }>(
          `SELECT extract(epoch FROM time - $2::timestamptz)::int / 3600 AS h, quality, consumption_m3
             FROM reading WHERE meter_id = $1 AND time > $2::timestamptz ORDER BY time`,
          [x.meter.id, at(2)],
        );
      await until(async () => (await chain()).filter((r) => r.quality === 'ESTIMATED').length === 3, 20_000);
      const after = await chain();
      expect(after.map((r) => [r.h + 2, r.quality])).toEqual([
        [3, 'ESTIMATED'],
        [4, 'ESTIMATED'],
        [5, 'VALID'],
        [6, 'ESTIMATED'],
        [7, 'VALID'],
      ]);
      // 0.05 → 0.65 in all, whichever readings carry it.
      expect(Math.round(after.reduce((sum, r) => sum + Number(r.consumption_m3), 0) * 1000)).toBe(600);
      await rollupMatchesReadings(x.meter.id);
    });
  });

  describe('daily run: stuck meters and leaks', () => {
    it('flags a stuck meter and opens a LEAK alarm for continuous flow, cleared by a day without it', async () => {
      const jobs = worker.get(MeterDataJobs);
      const stuck = await makeInstallation(t, { tenant: b });
      const leaking = await makeInstallation(t, { tenant: b });
      const end = at(24 * 10);
      // Stuck: 8 days at the same index after one that moved.
      await makeReading(t, { device: stuck.device, time: at(24), indexM3: 50 });
      for (let d = 2; d <= 10; d++) await makeReading(t, { device: stuck.device, time: at(24 * d), indexM3: 50.5 });
      // Leaking: 24 hours, each with some water.
      let index = 10;
      for (let h = 24 * 9; h <= 24 * 10; h++) await makeReading(t, { device: leaking.device, time: at(h), indexM3: (index += 0.004) });
      const first = await jobs.runTenant(b.id, end);
      expect(first.stuck).toBeGreaterThan(0);
      expect(first.leaksOpened).toBe(1);
      const flagged = await rows("SELECT count(*)::int AS n FROM reading WHERE meter_id = $1 AND quality_rule = 'stuck'", [stuck.meter.id]);
      expect(flagged[0].n).toBeGreaterThanOrEqual(7);
      // The quality rollup of the tenant's closed days is counted after the flags changed: a year of days, all holding.
      expect(first.qualityDaysCounted).toBeGreaterThanOrEqual(366);
      const [counted] = await rows(
        "SELECT coalesce(sum(readings), 0)::int AS n FROM tenant_daily_quality WHERE tenant_id = $1 AND rule = 'stuck'",
        [b.id],
      );
      expect(counted.n).toBeGreaterThan(0);
      const stale = await rows(
        "SELECT count(*)::int AS n FROM quality_day WHERE tenant_id = $1 AND counted_version <> version AND day < ($2::timestamptz AT TIME ZONE 'Europe/Istanbul')::date",
        [b.id, end],
      );
      expect(stale).toEqual([{ n: 0 }]);
      const [alarm] = await rows("SELECT type, device_id, cleared_at, details FROM alarm WHERE type = 'LEAK' AND tenant_id = $1", [b.id]);
      expect(alarm).toMatchObject({
        device_id: leaking.device.id,
        cleared_at: null,
        details: { source: 'leak-detection', continuousFlow: true },
      });
      // Tenant A never sees it.
      const listA = await t.request({ url: '/api/alarms?type=LEAK', token: aToken });
      expect(listA.body.items ?? []).toHaveLength(0);

      // The next day has dry hours: cleared.
      for (let h = 24 * 10 + 1; h <= 24 * 11; h++)
        await makeReading(t, { device: leaking.device, time: at(h), indexM3: h % 3 === 0 ? (index += 0.004) : index });
      const second = await jobs.runTenant(b.id, at(24 * 11));
      expect(second.leaksCleared).toBe(1);
      const [cleared] = await rows("SELECT cleared_at FROM alarm WHERE type = 'LEAK' AND tenant_id = $1", [b.id]);
      expect(cleared.cleared_at).not.toBeNull();
    });

    it('judges a stuck meter by its subscription group’s window', async () => {
      const jobs = worker.get(MeterDataJobs);
      const c = await makeTenant(t, { parent: root });
      // A new session: the cached rights of the suite's root token predate the tenant made in SQL.
      const rootToken = await tokenFor(t, rootUser);
      const [{ id: high }] = await rows<{ id: string }>("SELECT id FROM subscription_group WHERE code = 'HIGH'");
      const put = await t.request({
        method: 'PUT',
        url: `/api/tenants/${c.id}/meter-data-settings`,
        token: rootToken,
        body: { subscriptionGroupId: high, params: { stuck: { days: 2 } } },
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const install = async (group: 'NORMAL' | 'HIGH') => {
        const subscription = await makeSubscription(t, { tenant: c, group });
        const m = await makeMeter(t, { tenant: c, subscription });
        const d = await makeDevice(t, { tenant: c, meter: m });
        for (const [day, index] of [
          [1, 30],
          [2, 30.5],
          [3, 30.5],
          [4, 30.5],
        ] as const)
          await makeReading(t, { device: d, time: at(24 * day), indexM3: index });
        return m;
      };
      const highMeter = await install('HIGH');
      const normalMeter = await install('NORMAL');
      await jobs.runTenant(c.id, at(24 * 4 + 1));
      const stuck = async (m: Meter) =>
        (await rows("SELECT count(*)::int AS n FROM reading WHERE meter_id = $1 AND quality_rule = 'stuck'", [m.id]))[0].n;
      expect(await stuck(highMeter)).toBe(2);
      expect(await stuck(normalMeter)).toBe(0);
    });

    it('schedules each tenant once per local day, after its night window', async () => {
      const jobs = worker.get(MeterDataJobs);
      const tz = await makeTenant(t, { parent: root, timeZone: 'Europe/Istanbul' });
      // 02:07 UTC is 05:07 in Istanbul: the hour after the 02:00–05:00 window.
      expect(await jobs.schedule(new Date('2025-11-04T02:07:00Z'))).toContain(tz.id);
      expect(await jobs.schedule(new Date('2025-11-04T03:07:00Z'))).not.toContain(tz.id);
    });
  });
});
