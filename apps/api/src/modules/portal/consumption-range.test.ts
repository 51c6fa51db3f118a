import { describe, expect, it } from 'vitest';
import { localToday, resolveRange, yearEarlier } from './consumption-range';

describe('portal consumption ranges', () => {
  it('takes the last 30 local days by default, the previous 30 and the same days a year earlier', () => {
    const r = resolveRange({ granularity: 'day' }, '2026-03-01');
    expect(r).toMatchObject({ from: '2026-01-31', to: '2026-03-01', previous: { from: '2026-01-01', to: '2026-01-30' } });
    expect(r.periods).toHaveLength(30);
    expect(r.lastYear).toEqual({ from: '2025-01-31', to: '2025-03-01' });
  });

  it('takes whole months, the last 12 by default', () => {
    const r = resolveRange({ granularity: 'month' }, '2026-12-05');
    expect(r).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
    expect(r.periods[0]).toBe('2026-01');
    expect(r.periods[11]).toBe('2026-12');
    expect(r.previous).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(r.lastYear).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });

  it('snaps given days to their months, and a year earlier ends on the last day of that February', () => {
    const r = resolveRange({ granularity: 'month', from: '2024-01-20', to: '2024-02-03' }, '2026-12-05');
    expect(r).toMatchObject({ from: '2024-01-01', to: '2024-02-29', periods: ['2024-01', '2024-02'] });
    expect(r.previous).toEqual({ from: '2023-11-01', to: '2023-12-31' });
    expect(r.lastYear).toEqual({ from: '2023-01-01', to: '2023-02-28' });
  });

  it('maps 29 February to 28 February a year earlier', () => {
    expect(yearEarlier('2028-02-29')).toBe('2027-02-28');
    expect(yearEarlier('2027-03-01')).toBe('2026-03-01');
  });

  it('refuses a reversed range and ranges over 400 days or 36 months', () => {
    expect(() => resolveRange({ granularity: 'day', from: '2026-02-02', to: '2026-02-01' }, '2026-12-05')).toThrow(/after/);
    expect(resolveRange({ granularity: 'day', from: '2025-01-01', to: '2026-02-04' }, '2026-12-05').periods).toHaveLength(400);
    expect(() => resolveRange({ granularity: 'day', from: '2025-01-01', to: '2026-02-05' }, '2026-12-05')).toThrow(/400 days/);
    expect(resolveRange({ granularity: 'month', from: '2023-01-01', to: '2025-12-01' }, '2026-12-05').periods).toHaveLength(36);
    expect(() => resolveRange({ granularity: 'month', from: '2023-01-01', to: '2026-01-01' }, '2026-12-05')).toThrow(/36 months/);
  });

  it("tells today's date in the tenant's zone", () => {
    expect(localToday('Europe/Istanbul', new Date('2026-12-31T21:30:00Z'))).toBe('2027-01-01');
    expect(localToday('America/New_York', new Date('2027-01-01T03:00:00Z'))).toBe('2026-12-31');
  });
});
