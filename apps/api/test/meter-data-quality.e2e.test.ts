import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeAdmin,
  makeInstallation,
  makeReading,
  makeTenant,
  makeUser,
  makeUtilities,
  rollUpDays,
  tokenFor,
  type Meter,
  type Tenant,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;

/** GET /api/meter-data/quality: the console's data-quality view (issue 17). */
describe('meter data quality report (issue 17)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let rootToken: string;
  let aToken: string;
  let noReadingsToken: string;
  let noisy: Meter;
  let quiet: Meter;
  let other: Meter;

  /** Hourly readings over the last `hours` hours, then the given qualities and rules stamped on the newest ones. */
  const readings = async (installation: Awaited<ReturnType<typeof makeInstallation>>, hours: number, marks: [string, string | null][]) => {
    const now = Date.now() - HOUR;
    for (let h = hours - 1; h >= 0; h--)
      await makeReading(t, { device: installation.device, time: new Date(now - h * HOUR), indexM3: 100 + (hours - h) / 100 });
    for (const [i, [quality, rule]] of marks.entries())
      await t.sql(
        `UPDATE reading SET quality = $2::reading_quality, quality_rule = $3
          WHERE (device_id, time) = (SELECT device_id, time FROM reading WHERE meter_id = $1 ORDER BY time DESC OFFSET $4 LIMIT 1)`,
        [installation.meter.id, quality, rule, i],
      );
  };

  beforeAll(async () => {
    t = await startTestApp('meter-data-quality');
    const u = await makeUtilities(t);
    ({ a, b } = u);
    rootToken = u.rootAdmin.token;
    aToken = u.aAdmin.token;
    noReadingsToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { METERS: 'r' } }));
    const n = await makeInstallation(t, { tenant: a });
    const q = await makeInstallation(t, { tenant: a });
    const o = await makeInstallation(t, { tenant: b });
    ({ meter: noisy } = n);
    ({ meter: quiet } = q);
    ({ meter: other } = o);
    await readings(n, 6, [
      ['SUSPECT', 'spike'],
      ['SUSPECT', 'spike'],
      ['ESTIMATED', 'interpolation'],
      ['EDITED', 'correction'],
    ]);
    await readings(q, 6, [['VALID', 'rollover']]);
    await readings(o, 6, [
      ['SUSPECT', 'backward-index'],
      ['SUSPECT', 'backward-index'],
      ['SUSPECT', 'backward-index'],
      ['SUSPECT', 'backward-index'],
      ['SUSPECT', 'backward-index'],
    ]);
    // The meter rollup the worker keeps: a meter's VALID count in the report is the rest of its readings there.
    await rollUpDays(t);
  }, 120_000);

  afterAll(async () => t?.close());

  const report = (token: string, query = '') => t.request({ url: `/api/meter-data/quality${query}`, token });
  const total = (days: { valid: number; suspect: number; estimated: number; edited: number }[]) =>
    days.reduce(
      (s, d) => ({
        valid: s.valid + d.valid,
        suspect: s.suspect + d.suspect,
        estimated: s.estimated + d.estimated,
        edited: s.edited + d.edited,
      }),
      { valid: 0, suspect: 0, estimated: 0, edited: 0 },
    );

  it('counts the readings of the tenant per quality and day, ranks its meters by issues and counts the rules', async () => {
    const res = await report(aToken, '?days=7');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.days).toHaveLength(7);
    expect(res.body.days[6].day).toBe(res.body.to);
    expect(res.body.days[0].day).toBe(res.body.from);
    expect(total(res.body.days)).toEqual({ valid: 8, suspect: 2, estimated: 1, edited: 1 });
    expect(res.body.meters).toEqual([
      expect.objectContaining({
        meterId: noisy.id,
        serialNo: noisy.serialNo,
        tenantId: a.id,
        issues: 4,
        suspect: 2,
        estimated: 1,
        edited: 1,
        valid: 2,
      }),
    ]);
    expect(res.body.rules).toEqual([
      { rule: 'spike', quality: 'SUSPECT', count: 2 },
      { rule: 'correction', quality: 'EDITED', count: 1 },
      { rule: 'interpolation', quality: 'ESTIMATED', count: 1 },
      { rule: 'rollover', quality: 'VALID', count: 1 },
    ]);
    expect(res.body.meters.map((m: { meterId: string }) => m.meterId)).not.toContain(quiet.id);
  });

  it('covers the subtree for a parent, and narrows to one tenant with tenantId', async () => {
    const all = await report(rootToken, '?days=2');
    expect(all.status).toBe(200);
    expect(all.body.meters.map((m: { meterId: string }) => m.meterId)).toEqual([other.id, noisy.id]);
    const onlyB = await report(rootToken, `?days=2&tenantId=${b.id}`);
    expect(onlyB.body.meters.map((m: { meterId: string }) => m.meterId)).toEqual([other.id]);
    expect(total(onlyB.body.days).suspect).toBe(5);
  });

  it('reads counted days from the quality rollup, and a day changed since from its readings until it is counted again', async () => {
    const c = await makeTenant(t, { parent: a });
    const { token } = await makeAdmin(t, c);
    const x = await makeInstallation(t, { tenant: c });
    // Three days back (local), 24 hourly readings: 3 SUSPECT (spike), 1 ESTIMATED, the rest VALID.
    const [{ day }] = await t.sql<{ day: string }>(`SELECT to_char((now() AT TIME ZONE 'Europe/Istanbul')::date - 3, 'YYYY-MM-DD') AS day`);
    const start = new Date(`${day}T00:00:00+03:00`).getTime();
    for (let h = 0; h < 24; h++)
      await makeReading(t, { device: x.device, time: new Date(start + h * HOUR + 60_000), indexM3: 10 + h / 100 });
    await t.sql(
      `UPDATE reading SET quality = CASE WHEN extract(hour FROM time AT TIME ZONE 'Europe/Istanbul') < 3 THEN 'SUSPECT' ELSE 'ESTIMATED' END::reading_quality,
              quality_rule = CASE WHEN extract(hour FROM time AT TIME ZONE 'Europe/Istanbul') < 3 THEN 'spike' ELSE 'interpolation' END
        WHERE meter_id = $1 AND extract(hour FROM time AT TIME ZONE 'Europe/Istanbul') < 4`,
      [x.meter.id],
    );
    await rollUpDays(t, { meterId: x.meter.id });
    const expected = { valid: 20, suspect: 3, estimated: 1, edited: 0 };
    const fromReadings = await report(token, '?days=7');
    expect(fromReadings.status).toBe(200);
    expect(fromReadings.body.days.find((d: { day: string }) => d.day === day)).toEqual({ day, ...expected });

    // Counted (the worker's daily run calls this for every closed day whose counts do not hold): the same answer.
    await t.sql(`SELECT water_count_quality_day($1, $2::date)`, [c.id, day]);
    const [state] = await t.sql(`SELECT version, counted_version FROM quality_day WHERE tenant_id = $1 AND day = $2::date`, [c.id, day]);
    expect(state.counted_version).toBe(state.version);
    const fromRollup = await report(token, '?days=7');
    expect(fromRollup.body).toEqual(fromReadings.body);
    expect(fromRollup.body.meters).toEqual([
      expect.objectContaining({ meterId: x.meter.id, issues: 4, valid: 20, suspect: 3, estimated: 1 }),
    ]);

    // Proof that the counted day is read from the rollup and not from the readings: a count changed by hand shows.
    await t.sql(`UPDATE tenant_daily_quality SET readings = readings + 100 WHERE tenant_id = $1 AND day = $2::date AND quality = 'VALID'`, [
      c.id,
      day,
    ]);
    expect((await report(token, '?days=7')).body.days.find((d: { day: string }) => d.day === day).valid).toBe(120);

    // A change to the day's readings that moves the meter rollup (a correction, a late reading) marks the day:
    // it is read from its readings again, and the next count holds once more.
    await t.sql(`UPDATE reading SET quality = 'EDITED', quality_rule = 'correction' WHERE meter_id = $1 AND time = $2`, [
      x.meter.id,
      new Date(start + 12 * HOUR + 60_000),
    ]);
    await rollUpDays(t, { meterId: x.meter.id });
    const changed = { valid: 19, suspect: 3, estimated: 1, edited: 1 };
    expect((await report(token, '?days=7')).body.days.find((d: { day: string }) => d.day === day)).toEqual({ day, ...changed });
    await t.sql(`SELECT water_count_quality_day($1, $2::date)`, [c.id, day]);
    expect((await report(token, '?days=7')).body.days.find((d: { day: string }) => d.day === day)).toEqual({ day, ...changed });
    expect((await report(token, '?days=7')).body.rules).toEqual([
      { rule: 'spike', quality: 'SUSPECT', count: 3 },
      { rule: 'correction', quality: 'EDITED', count: 1 },
      { rule: 'interpolation', quality: 'ESTIMATED', count: 1 },
    ]);
    // Another utility's admin does not see it.
    const bToken = await tokenFor(t, (await makeAdmin(t, b)).user);
    expect((await report(bToken, `?tenantId=${c.id}`)).status).toBe(404);
  });

  it('shows each live reading with its quality and rule', async () => {
    const res = await t.request({ url: `/api/readings/live?tenantId=${a.id}&pageSize=50`, token: aToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ofNoisy = res.body.items.filter((r: { meter: { id: string } | null }) => r.meter?.id === noisy.id);
    expect(ofNoisy.map((r: { quality: string; qualityRule: string | null }) => `${r.quality}:${r.qualityRule}`)).toEqual([
      'SUSPECT:spike',
      'SUSPECT:spike',
      'ESTIMATED:interpolation',
      'EDITED:correction',
      'VALID:null',
      'VALID:null',
    ]);
  });

  it('refuses bad input', async () => {
    expect((await report(aToken, '?days=366')).status).toBe(200);
    for (const q of ['?days=0', '?days=367', '?days=x', '?tenantId=nope', '?extra=1']) {
      const res = await report(aToken, q);
      expect(res.status, q).toBe(400);
    }
  });

  it('keeps tenants apart: another utility is 404, and a user without live readings sees nothing', async () => {
    const res = await report(aToken, `?tenantId=${b.id}`);
    expect(res.status).toBe(404);
    const own = await report(aToken, '?days=2');
    expect(own.body.meters.map((m: { meterId: string }) => m.meterId)).not.toContain(other.id);
    expect(own.body.rules.map((r: { rule: string }) => r.rule)).not.toContain('backward-index');
    const none = await report(noReadingsToken);
    expect(none.status).toBe(403);
  });
});
