import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin, makeInstallation, makeReading, makeTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;

/** Issue 21: the hourly chart drew the hours that have not happened yet as 0 m³; they are empty (null). */
describe('consumption buckets yet to come', () => {
  let t: TestApp;
  let token: string;
  let ids: { meter: string; subscription: string };
  const thisHour = Math.floor(Date.now() / HOUR) * HOUR;

  beforeAll(async () => {
    t = await startTestApp('consumption-future');
    const tenant = await makeTenant(t, { timeZone: 'Europe/Istanbul' });
    token = (await makeAdmin(t, tenant)).token;
    const { meter, device, subscription } = await makeInstallation(t, { tenant, initialIndexM3: 100 });
    ids = { meter: meter.id, subscription: subscription.id };
    for (const [h, indexM3] of [
      [-3, 100],
      [-2, 100.5],
      [-1, 101],
    ] as const)
      await makeReading(t, { device, time: new Date(thisHour + h * HOUR + 10 * 60_000), indexM3 });
  });
  afterAll(async () => t?.close());

  it('answers null for the hours that have not begun, numbers up to the hour in progress', async () => {
    const q = `from=${new Date(thisHour - 3 * HOUR).toISOString()}&to=${new Date(thisHour + 4 * HOUR).toISOString()}&interval=hour`;
    for (const url of [`/api/meters/${ids.meter}/consumption?${q}`, `/api/subscriptions/${ids.subscription}/consumption?${q}`]) {
      const res = await t.request({ url, token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.bucketStarts).toHaveLength(7);
      // Three past hours and the one in progress have values (0 is a real zero there); the next three are empty.
      expect(res.body.values).toEqual([0, 0.5, 0.5, 0, null, null, null]);
      expect(res.body.totalM3).toBe(1);
      expect(res.body.estimated.values.slice(4)).toEqual([null, null, null]);
      for (const d of res.body.byDevice) expect(d.values.slice(4)).toEqual([null, null, null]);
    }
  });

  it('leaves a range wholly in the past as it was: every bucket a number', async () => {
    const q = `from=${new Date(thisHour - 5 * HOUR).toISOString()}&to=${new Date(thisHour - HOUR).toISOString()}&interval=hour`;
    const res = await t.request({ url: `/api/meters/${ids.meter}/consumption?${q}`, token });
    expect(res.body.values.every((v: unknown) => typeof v === 'number')).toBe(true);
  });

  it('empties the days to come as well', async () => {
    const q = `from=${new Date(thisHour - 48 * HOUR).toISOString()}&to=${new Date(thisHour + 72 * HOUR).toISOString()}&interval=day`;
    const res = await t.request({ url: `/api/meters/${ids.meter}/consumption?${q}`, token });
    expect(res.status).toBe(200);
    const starts = res.body.bucketStarts.map((s: string) => Date.parse(s));
    res.body.values.forEach((v: number | null, i: number) => expect(v === null, res.body.bucketStarts[i]).toBe(starts[i] > Date.now()));
    expect(res.body.values.at(-1)).toBeNull();
  });
});
