import { describe, expect, it } from 'vitest';
import { findGaps } from './gap';
import { at, params } from './rules.fixtures';

const point = (iso: string, indexM3: number) => ({ time: at(iso), indexM3 });

describe('gaps', () => {
  const p = params().gap;
  it('finds the three hours missing between 00:00 and 04:00 of an hourly device', () => {
    const gaps = findGaps([point('2025-12-01T00:00:00Z', 100), point('2025-12-01T04:00:00Z', 100.9)], 60, p);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.slots.map((s) => s.toISOString())).toEqual([
      '2025-12-01T01:00:00.000Z',
      '2025-12-01T02:00:00.000Z',
      '2025-12-01T03:00:00.000Z',
    ]);
  });
  it('sees no gap within 1.5 intervals', () => {
    expect(findGaps([point('2025-12-01T00:00:00Z', 100), point('2025-12-01T01:20:00Z', 100.1)], 60, p)).toEqual([]);
  });
  it('leaves no slot just before the closing reading', () => {
    // 00:00 → 02:20: 01:00 and 02:00 are missing; 02:00 is 20 minutes before 02:20, kept (≥ half an interval before? no: within).
    const gaps = findGaps([point('2025-12-01T00:00:00Z', 100), point('2025-12-01T02:20:00Z', 100.1)], 60, p);
    expect(gaps[0]!.slots.map((s) => s.toISOString())).toEqual(['2025-12-01T01:00:00.000Z']);
  });
  it('runs a one-sided gap after the last reading up to now', () => {
    const gaps = findGaps([point('2025-12-01T00:00:00Z', 100)], 360, p, at('2025-12-02T00:00:00Z'));
    expect(gaps[0]!.before).toBeNull();
    expect(gaps[0]!.slots).toHaveLength(4);
  });
  it('takes an outage longer than maxGapDays for no gap', () => {
    expect(findGaps([point('2025-10-01T00:00:00Z', 100), point('2025-12-01T00:00:00Z', 110)], 60, p)).toEqual([]);
  });
});
