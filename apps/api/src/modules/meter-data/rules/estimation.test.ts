import { describe, expect, it } from 'vitest';
import { interpolate, profileEstimates, weekdayProfile } from './estimation';
import { findGaps } from './gap';
import { planConsumption } from '../../ingest/uplink-batch';
import { intervalConsumption } from './interval';
import { at, params } from './rules.fixtures';

const point = (iso: string, indexM3: number) => ({ time: at(iso), indexM3 });
const p = params();

describe('estimation', () => {
  it('interpolates 900 litres over four hours as 225 each, adding up to the real difference', () => {
    const a = point('2025-12-01T00:00:00Z', 100);
    const b = point('2025-12-01T04:00:00Z', 100.9);
    const [gap] = findGaps([a, b], 60, p.gap);
    const estimates = interpolate(gap!, 0.9, 100_000);
    expect(estimates.map((e) => [e.time.toISOString().slice(11, 16), e.indexM3, e.consumptionM3])).toEqual([
      ['01:00', 100.225, 0.225],
      ['02:00', 100.45, 0.225],
      ['03:00', 100.675, 0.225],
    ]);
    const closing = b.indexM3 - estimates[estimates.length - 1]!.indexM3;
    expect(Math.round((estimates.reduce((s, e) => s + e.consumptionM3, 0) + closing) * 1000)).toBe(900);
  });
  it('spreads odd litres without losing one (1,000 litres over three intervals)', () => {
    const [gap] = findGaps([point('2025-12-01T00:00:00Z', 7), point('2025-12-01T03:00:00Z', 8)], 60, p.gap);
    const estimates = interpolate(gap!, 1, 100_000);
    expect(estimates.map((e) => e.indexM3)).toEqual([7.333, 7.667]);
    expect(estimates.map((e) => e.consumptionM3)).toEqual([0.333, 0.334]);
  });
  it('interpolates across a rollover', () => {
    const a = point('2025-12-01T00:00:00Z', 99_999.8);
    const b = point('2025-12-01T02:00:00Z', 0.2);
    const [gap] = findGaps([a, b], 60, p.gap);
    const total = intervalConsumption(a.indexM3, b.indexM3, 100_000, p.rollover);
    expect(total).toBe(0.4);
    const [e] = interpolate(gap!, total, 100_000);
    expect(e).toMatchObject({ indexM3: 0, consumptionM3: 0.2 });
    expect(intervalConsumption(e!.indexM3, b.indexM3, 100_000, p.rollover)).toBe(0.2);
  });
  it('keeps the index flat over a gap closed by a backward index (zero water)', () => {
    const [gap] = findGaps([point('2025-12-01T00:00:00Z', 10), point('2025-12-01T03:00:00Z', 9.5)], 60, p.gap);
    expect(interpolate(gap!, 0, 100_000).map((e) => [e.indexM3, e.consumptionM3])).toEqual([
      [10, 0],
      [10, 0],
    ]);
  });
  it('estimates a silent meter from the same weekdays: Monday 11:00 from four Mondays', () => {
    // 2025-12-01 is a Monday; the history averages four Mondays' 10:00–11:00 hours (0.02, 0.03, 0.01, 0.02),
    // the hour the 11:00 reading closes.
    const history = new Map([['1|10', 0.02]]);
    const utcHour = (d: Date) => ({ weekday: d.getUTCDay(), hour: d.getUTCHours() });
    const profile = weekdayProfile(history, utcHour);
    const gaps = findGaps([point('2025-12-01T10:00:00Z', 50)], 60, p.gap, at('2025-12-01T12:30:00Z'));
    const estimates = profileEstimates(gaps[0]!, profile, 100_000);
    expect(estimates.map((e) => [e.time.toISOString().slice(11, 16), e.indexM3, e.rule])).toEqual([
      ['11:00', 50.02, 'profile'],
      ['12:00', 50.02, 'profile'],
    ]);
  });
});

describe('a late real reading replacing estimates', () => {
  it('takes the estimates out and chains the real readings again: the water still adds up', () => {
    // 00:00 at 100.000 and 04:00 at 100.900, 01:00–03:00 estimated (225 litres each, 04:00 keeps 225).
    const a = point('2025-12-01T00:00:00Z', 100);
    const b = point('2025-12-01T04:00:00Z', 100.9);
    const [gap] = findGaps([a, b], 60, p.gap);
    const estimates = interpolate(gap!, 0.9, 100_000);
    const before = estimates.reduce((s, e) => s + e.consumptionM3, 0) + (b.indexM3 - estimates[2]!.indexM3);
    // The 02:00 frame arrives late with the real index 100.100 (most water came after it): the worker
    // deletes the estimates between 00:00 and 04:00, and the chain is 00:00 → 02:00 → 04:00.
    const { readings, fixes } = planConsumption(
      [
        { time: a.time, deviceId: 'd', indexM3: a.indexM3, consumptionM3: null },
        { time: b.time, deviceId: 'd', indexM3: b.indexM3, consumptionM3: 0.225 },
      ],
      [{ time: at('2025-12-01T02:00:00Z'), deviceId: 'd', indexM3: 100.1, batchRef: 0 }],
    );
    expect(readings).toEqual([{ batchRef: 0, consumptionM3: 0.1, suspect: false, quality: 'VALID', rule: null }]);
    // 04:00 now counts from 02:00: 0.8 m³, its day moves by 0.8 − 0.225.
    expect(fixes).toEqual([
      { deviceId: 'd', time: b.time, consumptionM3: 0.8, suspect: false, quality: 'VALID', rule: null, diffM3: 0.575 },
    ]);
    expect(Math.round((readings[0]!.consumptionM3! + fixes[0]!.consumptionM3) * 1000)).toBe(Math.round(before * 1000));
  });
});
