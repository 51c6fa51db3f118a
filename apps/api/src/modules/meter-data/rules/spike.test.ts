import { describe, expect, it } from 'vitest';
import { params } from './rules.fixtures';
import { spike } from './spike';

const HOUR = 3_600_000;

describe('spike', () => {
  const p = params().spike;
  const history = { averageM3PerDay: 0.4, days: 30 };
  it('flags 6 m³ in 12 hours of a household averaging 0.4 m³/day (30× its rate)', () => {
    expect(spike(6, 12 * HOUR, history, p)).toEqual({ quality: 'SUSPECT', rule: 'spike' });
  });
  it('lets an 18× hour pass when it is under the minimum', () => {
    expect(spike(0.3, HOUR, history, p).quality).toBe('VALID');
  });
  it('lets a day of 3 m³ pass (7.5×)', () => {
    expect(spike(3, 24 * HOUR, history, p).quality).toBe('VALID');
  });
  it('does not judge without enough history', () => {
    expect(spike(60, HOUR, { averageM3PerDay: 0.4, days: 3 }, p).quality).toBe('VALID');
    expect(spike(60, HOUR, null, p).quality).toBe('VALID');
  });
});
