import { describe, expect, it } from 'vitest';
import { dayAfter, daysBefore, presetOf, presetRange } from '~/lib/date-range';

describe('date-range presets', () => {
  // 01:30 on 1 March 2026 in Istanbul is still 28 February in UTC: days count in the tenant's zone.
  const now = new Date('2026-02-28T22:30:00Z');

  it('counts days in the time zone, not the browser’s or UTC', () => {
    expect(presetRange('today', now, 'Europe/Istanbul')).toEqual({ from: '01.03.2026', to: '01.03.2026' });
    expect(presetRange('today', now, 'UTC')).toEqual({ from: '28.02.2026', to: '28.02.2026' });
  });

  it('gives yesterday, the last 7 and 30 days (today included), this month and last month', () => {
    const tz = 'Europe/Istanbul';
    expect(presetRange('yesterday', now, tz)).toEqual({ from: '28.02.2026', to: '28.02.2026' });
    expect(presetRange('last7', now, tz)).toEqual({ from: '23.02.2026', to: '01.03.2026' });
    expect(presetRange('last30', now, tz)).toEqual({ from: '31.01.2026', to: '01.03.2026' });
    expect(presetRange('thisMonth', now, tz)).toEqual({ from: '01.03.2026', to: '01.03.2026' });
    expect(presetRange('lastMonth', now, tz)).toEqual({ from: '01.02.2026', to: '28.02.2026' });
  });

  it('crosses a year and a leap February', () => {
    const jan = new Date('2028-01-10T12:00:00Z');
    expect(presetRange('lastMonth', jan, 'UTC')).toEqual({ from: '01.12.2027', to: '31.12.2027' });
    expect(presetRange('lastMonth', new Date('2028-03-05T12:00:00Z'), 'UTC')).toEqual({ from: '01.02.2028', to: '29.02.2028' });
    expect(daysBefore('01.03.2028', 1)).toBe('29.02.2028');
    expect(daysBefore('05.01.2027', 6)).toBe('30.12.2026');
  });

  it('keeps whole days across a daylight-saving change', () => {
    // Europe/Berlin moves its clocks on 29 March 2026: still seven calendar days.
    expect(presetRange('last7', new Date('2026-03-31T10:00:00Z'), 'Europe/Berlin')).toEqual({ from: '25.03.2026', to: '31.03.2026' });
  });

  it('recognises a preset in a range, else custom; the exclusive end is the next day', () => {
    const tz = 'Europe/Istanbul';
    expect(presetOf({ from: '23.02.2026', to: '01.03.2026' }, now, tz)).toBe('last7');
    expect(presetOf({ from: '01.03.2026', to: '01.03.2026' }, now, tz)).toBe('today');
    expect(presetOf({ from: '02.02.2026', to: '01.03.2026' }, now, tz)).toBe('custom');
    expect(presetOf({ from: '', to: '' }, now, tz)).toBe('custom');
    expect(dayAfter({ from: '01.02.2026', to: '28.02.2026' })).toBe('01.03.2026');
  });
});
