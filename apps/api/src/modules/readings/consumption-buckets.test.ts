import { describe, expect, it } from 'vitest';
import {
  addInto,
  dayBuckets,
  firstFutureBucket,
  hourStarts,
  mergeInto,
  planDays,
  sumWindow,
  toColumns,
  sortedByTime,
  countFrom,
  toSeries,
  type DeviceSpan,
  type WindowPoint,
} from './consumption-buckets';

const H = 3_600_000;
const T0 = Date.UTC(2025, 10, 9);
const point = (hours: number, litres: number, deviceId = 'a'): WindowPoint => ({ timeMs: T0 + hours * H, litres, deviceId });
const hours = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * H);

describe('sumWindow', () => {
  it('puts each positive delta in the bucket of its later reading, the predecessor only pairing', () => {
    // The predecessor at -1h pairs with the first reading in range; it adds nothing on its own.
    const sums = sumWindow(toColumns([point(-1, 1000), point(0, 1010), point(1.5, 1030), point(2, 1031)]), hours(3), T0);
    expect([...sums.total]).toEqual([10, 20, 1]);
  });

  it('counts a drop of the index as zero and the readings after it from the lower value', () => {
    const sums = sumWindow(toColumns([point(0, 500), point(1, 520), point(2, 5), point(3, 12)]), hours(4), T0);
    expect([...sums.total]).toEqual([0, 20, 0, 7]);
  });

  it('leaves hours without readings at zero and gives a gap to the reading after it', () => {
    const sums = sumWindow(toColumns([point(0, 100), point(4, 180)]), hours(6), T0);
    expect([...sums.total]).toEqual([0, 0, 0, 0, 80, 0]);
  });

  it('splits by the device of the later reading (a device swap on one meter)', () => {
    const sums = sumWindow(toColumns([point(0, 100, 'a'), point(1, 110, 'a'), point(2, 115, 'b'), point(3, 125, 'b')]), hours(4), T0);
    expect([...sums.byDevice.get('a')!]).toEqual([0, 10, 0, 0]);
    expect([...sums.byDevice.get('b')!]).toEqual([0, 0, 5, 10]);
    expect([...sums.total]).toEqual([0, 10, 5, 10]);
  });

  it('uses uneven buckets as given (a local day of 25 hours, a month)', () => {
    const starts = [T0, T0 + 25 * H, T0 + 49 * H];
    const sums = sumWindow(toColumns([point(0, 0), point(24, 10), point(25, 30), point(48, 31), point(49, 40)]), starts, T0);
    expect([...sums.total]).toEqual([10, 21, 9]);
  });

  it('counts a window of one device like the same points with the device on each point', () => {
    const points = [point(-1, 1000), point(0, 1010), point(1.5, 1030), point(2, 1031)];
    const single = sumWindow({ ...toColumns(points), devices: 'a' }, hours(3), T0);
    const each = sumWindow(toColumns(points), hours(3), T0);
    expect([...single.total]).toEqual([...each.total]);
    expect([...single.byDevice.get('a')!]).toEqual([...each.byDevice.get('a')!]);
    // The window's sums and the device's are separate arrays (mergeInto adds into each).
    expect(single.byDevice.get('a')).not.toBe(single.total);
  });

  it('returns empty sums for a window without readings or with a single one', () => {
    expect([...sumWindow(toColumns([]), hours(2), T0).total]).toEqual([0, 0]);
    const one = sumWindow(toColumns([point(1, 40)]), hours(2), T0);
    expect([...one.total]).toEqual([0, 0]);
    expect(one.byDevice.size).toBe(0);
  });
});

describe('point columns', () => {
  it('sorts columns read out of order and leaves sorted ones as they are', () => {
    const sorted = toColumns([point(0, 1), point(1, 2, 'b'), point(2, 3)]);
    expect(sortedByTime(sorted)).toBe(sorted);
    const shuffled = { times: [T0 + 2 * H, T0, T0 + H], litres: [3, 1, 2], devices: ['a', 'a', 'b'] };
    expect(sortedByTime(shuffled)).toEqual(sorted);
    expect(sortedByTime({ ...shuffled, devices: 'a' })).toEqual({ ...sorted, devices: 'a' });
    expect(countFrom(sorted, T0 + H)).toBe(2);
  });
});

describe('toSeries and addInto', () => {
  it('gives m³ with litre resolution and an exact total', () => {
    const litres = addInto(Float64Array.from([21, 0, 1]), Float64Array.from([0, 300, 2]));
    expect(toSeries(litres)).toEqual({ totalM3: 0.324, values: [0.021, 0.3, 0.003] });
  });
});

describe('buckets yet to come (issue 21)', () => {
  it('leaves the hours that have not begun empty, not 0, and keeps the hour in progress', () => {
    const starts = hours(24);
    // 10:20 on the day: hours 0–10 have begun (10 is in progress), 11–23 have not.
    const now = T0 + 10 * H + 20 * 60_000;
    const future = firstFutureBucket(starts, now);
    expect(future).toBe(11);
    const litres = new Float64Array(24);
    litres[9] = 120;
    litres[10] = 40;
    const { totalM3, values } = toSeries(litres, future);
    expect(totalM3).toBe(0.16);
    expect(values.slice(0, 11)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0.12, 0.04]);
    expect(values.slice(11)).toEqual(Array(13).fill(null));
  });

  it('has none in a past range and all in a future one; a bucket starting now has begun', () => {
    const starts = hours(3);
    expect(firstFutureBucket(starts, T0 + 5 * H)).toBe(3);
    expect(firstFutureBucket(starts, T0 - 1)).toBe(0);
    expect(firstFutureBucket(starts, T0 + H)).toBe(2);
    expect(firstFutureBucket([], T0)).toBe(0);
    expect(toSeries(new Float64Array(2)).values).toEqual([0, 0]);
  });
});

describe('hourStarts', () => {
  const D = 86_400_000;
  it('covers the range from the hour holding `from` to the last hour before `to`', () => {
    // Europe/Istanbul: midnights at 21:00Z; 00:00Z–04:00Z on the 9th is four hours.
    const days = [T0 - 3 * H, T0 + 21 * H];
    expect(hourStarts(days, T0, T0 + 4 * H)).toEqual([T0, T0 + H, T0 + 2 * H, T0 + 3 * H]);
    expect(hourStarts(days, T0 + 30 * 60_000, T0 + 2 * H + 1)).toEqual([T0, T0 + H, T0 + 2 * H]);
  });

  it('gives a 25-hour local day 25 buckets and a 23-hour day 23', () => {
    const long = [T0, T0 + 25 * H, T0 + 48 * H];
    const hours = hourStarts(long, T0, T0 + 48 * H);
    expect(hours).toHaveLength(48);
    expect(hours.filter((h) => h < T0 + 25 * H)).toHaveLength(25);
    expect(hours.filter((h) => h >= T0 + 25 * H)).toHaveLength(23);
  });

  it('keeps a half-hour zone’s hours at :30 UTC', () => {
    const day = T0 - 5.5 * H; // local midnight in Asia/Kolkata
    const hours = hourStarts([day, day + D], day, day + D);
    expect(hours).toHaveLength(24);
    expect(new Date(hours[1]).toISOString()).toBe('2025-11-08T19:30:00.000Z');
  });
});

describe('planDays', () => {
  const D = 24 * H;
  const bounds = (n: number) => Array.from({ length: n + 1 }, (_, i) => T0 + i * D);
  const span = (deviceId: string, fromDay: number, toDay: number): DeviceSpan => ({
    deviceId,
    firstMs: T0 + fromDay * D,
    lastMs: T0 + toDay * D,
    count: 1,
  });
  const all = () => true;

  it('reads whole days of one device from the rollup and the partial edge days from the points', () => {
    const plan = planDays(bounds(4), { fromMs: T0 + 3 * H, toMs: T0 + 3 * D + 5 * H, openStart: true }, [span('a', 0.2, 3.1)], all);
    expect(plan.rollup).toEqual([
      { day: 1, deviceId: 'a' },
      { day: 2, deviceId: 'a' },
    ]);
    expect(plan.raw).toEqual([
      [T0 + 3 * H, T0 + D],
      [T0 + 3 * D, T0 + 3 * D + 5 * H],
    ]);
  });

  it('sends the day two devices reported (a swap) to the points, merged with a neighbouring partial day', () => {
    const plan = planDays(bounds(3), { fromMs: T0, toMs: T0 + 2.5 * D, openStart: true }, [span('a', 0, 1.4), span('b', 1.5, 2.4)], all);
    expect(plan.rollup).toEqual([{ day: 0, deviceId: 'a' }]);
    expect(plan.raw).toEqual([[T0 + D, T0 + 2.5 * D]]);
  });

  it('takes no day from the rollup before the window has a reading of its own when the window has a start', () => {
    // A subscription period starting at midnight: its first day's first delta pairs with a reading
    // before the period, which the rollup counts and the window does not.
    const plan = planDays(bounds(3), { fromMs: T0, toMs: T0 + 3 * D, openStart: false }, [span('a', 0.1, 2.9)], all);
    expect(plan.raw).toEqual([[T0, T0 + D]]);
    expect(plan.rollup.map((r) => r.day)).toEqual([1, 2]);
  });

  it('skips days without readings and falls back to the points where the rollup has no row', () => {
    const plan = planDays(
      bounds(4),
      { fromMs: T0, toMs: T0 + 4 * D, openStart: true },
      [span('a', 0.5, 0.6), span('a2', 2.5, 3.5)],
      (day) => day !== 3,
    );
    expect(plan.rollup).toEqual([
      { day: 0, deviceId: 'a' },
      { day: 2, deviceId: 'a2' },
    ]);
    expect(plan.raw).toEqual([[T0 + 3 * D, T0 + 4 * D]]);
  });

  it('plans nothing for a window outside the range', () => {
    expect(planDays(bounds(2), { fromMs: T0 + 5 * D, toMs: T0 + 6 * D, openStart: true }, [], all)).toEqual({ rollup: [], raw: [] });
  });
});

describe('dayBuckets and mergeInto', () => {
  it('maps local days to their month bucket', () => {
    const days = [Date.UTC(2025, 0, 30), Date.UTC(2025, 0, 31), Date.UTC(2025, 1, 1), Date.UTC(2025, 1, 2), Date.UTC(2025, 2, 1)];
    expect(dayBuckets(days, [Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 1), Date.UTC(2025, 2, 1)])).toEqual([0, 0, 1, 1, 2]);
    expect(dayBuckets(days, days)).toEqual([0, 1, 2, 3, 4]);
  });

  it('adds partial sums of one window, per device', () => {
    const target = { total: Float64Array.from([1, 2]), byDevice: new Map([['a', Float64Array.from([1, 2])]]) };
    mergeInto(target, {
      total: Float64Array.from([3, 4]),
      byDevice: new Map([
        ['a', Float64Array.from([0, 1])],
        ['b', Float64Array.from([3, 3])],
      ]),
    });
    expect([...target.total]).toEqual([4, 6]);
    expect([...target.byDevice.get('a')!]).toEqual([1, 3]);
    expect([...target.byDevice.get('b')!]).toEqual([3, 3]);
  });
});
