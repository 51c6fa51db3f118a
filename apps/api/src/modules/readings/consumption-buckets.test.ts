import { describe, expect, it } from 'vitest';
import { addInto, hourStarts, sumWindow, toSeries, type WindowPoint } from './consumption-buckets';

const H = 3_600_000;
const T0 = Date.UTC(2025, 10, 9);
const point = (hours: number, litres: number, deviceId = 'a'): WindowPoint => ({ timeMs: T0 + hours * H, litres, deviceId });
const hours = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * H);

describe('sumWindow', () => {
  it('puts each positive delta in the bucket of its later reading, the predecessor only pairing', () => {
    // The predecessor at -1h pairs with the first reading in range; it adds nothing on its own.
    const sums = sumWindow([point(-1, 1000), point(0, 1010), point(1.5, 1030), point(2, 1031)], hours(3), T0);
    expect([...sums.total]).toEqual([10, 20, 1]);
  });

  it('counts a drop of the index as zero and the readings after it from the lower value', () => {
    const sums = sumWindow([point(0, 500), point(1, 520), point(2, 5), point(3, 12)], hours(4), T0);
    expect([...sums.total]).toEqual([0, 20, 0, 7]);
  });

  it('leaves hours without readings at zero and gives a gap to the reading after it', () => {
    const sums = sumWindow([point(0, 100), point(4, 180)], hours(6), T0);
    expect([...sums.total]).toEqual([0, 0, 0, 0, 80, 0]);
  });

  it('splits by the device of the later reading (a device swap on one meter)', () => {
    const sums = sumWindow([point(0, 100, 'a'), point(1, 110, 'a'), point(2, 115, 'b'), point(3, 125, 'b')], hours(4), T0);
    expect([...sums.byDevice.get('a')!]).toEqual([0, 10, 0, 0]);
    expect([...sums.byDevice.get('b')!]).toEqual([0, 0, 5, 10]);
    expect([...sums.total]).toEqual([0, 10, 5, 10]);
  });

  it('uses uneven buckets as given (a local day of 25 hours, a month)', () => {
    const starts = [T0, T0 + 25 * H, T0 + 49 * H];
    const sums = sumWindow([point(0, 0), point(24, 10), point(25, 30), point(48, 31), point(49, 40)], starts, T0);
    expect([...sums.total]).toEqual([10, 21, 9]);
  });

  it('returns empty sums for a window without readings or with a single one', () => {
    expect([...sumWindow([], hours(2), T0).total]).toEqual([0, 0]);
    const one = sumWindow([point(1, 40)], hours(2), T0);
    expect([...one.total]).toEqual([0, 0]);
    expect(one.byDevice.size).toBe(0);
  });
});

describe('toSeries and addInto', () => {
  it('gives m³ with litre resolution and an exact total', () => {
    const litres = addInto(Float64Array.from([21, 0, 1]), Float64Array.from([0, 300, 2]));
    expect(toSeries(litres)).toEqual({ totalM3: 0.324, values: [0.021, 0.3, 0.003] });
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
