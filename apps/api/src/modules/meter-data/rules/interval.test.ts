import { describe, expect, it } from 'vitest';
import { intervalConsumption, judgeInterval, type MeterRuleContext } from './interval';
import { at, params } from './rules.fixtures';

const ctx = (over: Partial<MeterRuleContext> = {}): MeterRuleContext => ({
  params: params(),
  capacityM3: 100_000,
  q3M3h: 2.5,
  history: { averageM3PerDay: 0.4, days: 30 },
  ...over,
});
const point = (iso: string, indexM3: number) => ({ time: at(iso), indexM3 });
const now = (iso: string, indexM3: number) => ({ ...point(iso, indexM3), receivedAt: at(iso) });

describe('the per-reading rules on one interval', () => {
  it('is VALID with the index difference for an ordinary hour', () => {
    expect(judgeInterval(point('2025-12-01T00:00:00Z', 100), now('2025-12-01T01:00:00Z', 100.025), ctx())).toEqual({
      consumptionM3: 0.025,
      quality: 'VALID',
      rule: null,
    });
  });
  it('counts a rollover across the wrap, VALID and named', () => {
    expect(judgeInterval(point('2025-12-01T00:00:00Z', 99_999.9), now('2025-12-01T01:00:00Z', 0.1), ctx())).toEqual({
      consumptionM3: 0.2,
      quality: 'VALID',
      rule: 'rollover',
    });
  });
  it('checks a rollover against the physical maximum too', () => {
    // 100,000 − 99,990 + 5 = 15 m³ in one hour through a 3.125 m³/h meter.
    expect(judgeInterval(point('2025-12-01T00:00:00Z', 99_990), now('2025-12-01T01:00:00Z', 5), ctx())).toEqual({
      consumptionM3: 15,
      quality: 'SUSPECT',
      rule: 'physical-maximum',
    });
  });
  it('counts a backward index that is no rollover as zero, SUSPECT', () => {
    expect(judgeInterval(point('2025-12-01T00:00:00Z', 100.25), now('2025-12-01T01:00:00Z', 100.24), ctx())).toEqual({
      consumptionM3: 0,
      quality: 'SUSPECT',
      rule: 'backward-index',
    });
  });
  it('keeps the consumption of an impossible interval but flags it', () => {
    expect(judgeInterval(point('2025-12-01T00:00:00Z', 100), now('2025-12-01T01:00:00Z', 105), ctx()).rule).toBe('physical-maximum');
  });
  it('flags a spike within the physical maximum', () => {
    // 6 m³ in 12 hours: possible (37.5 m³), but 30× the meter's 0.4 m³/day.
    expect(judgeInterval(point('2025-12-01T00:00:00Z', 100), now('2025-12-01T12:00:00Z', 106), ctx())).toEqual({
      consumptionM3: 6,
      quality: 'SUSPECT',
      rule: 'spike',
    });
  });
  it('names the timestamp first, and judges the first reading of a meter by its time alone', () => {
    const future = { ...point('2025-12-01T03:00:00Z', 100.5), receivedAt: at('2025-12-01T01:00:00Z') };
    expect(judgeInterval(point('2025-12-01T00:00:00Z', 100), future, ctx()).rule).toBe('future-time');
    expect(judgeInterval(null, now('2025-12-01T00:00:00Z', 100), ctx())).toEqual({ consumptionM3: null, quality: 'VALID', rule: null });
  });
  it('stores no consumption for a jump no column holds', () => {
    expect(judgeInterval(point('2025-12-01T00:00:00Z', 0), now('2025-12-01T01:00:00Z', 5e9), ctx())).toEqual({
      consumptionM3: null,
      quality: 'SUSPECT',
      rule: 'physical-maximum',
    });
  });
  it('sums like the consumption API: rollover-aware, drops as zero', () => {
    const p = params().rollover;
    expect(intervalConsumption(99_999.9, 0.1, 100_000, p)).toBe(0.2);
    expect(intervalConsumption(100.25, 100.24, 100_000, p)).toBe(0);
    expect(intervalConsumption(100, 100.5, 100_000, p)).toBe(0.5);
  });
});
