import { describe, expect, it } from 'vitest';
import { summaryAfterReading, type DashboardSummary } from '~/composables/useDashboardSummary';
import { estimatedShare, usageAfterReading } from '~/composables/useDashboardUsage';

describe('dashboard usage: the estimated share (issue 17)', () => {
  it('sums the estimated m³ of the days and gives its percentage of the total', () => {
    expect(
      estimatedShare([
        { consumptionM3: 10, estimatedM3: 2.5 },
        { consumptionM3: 30, estimatedM3: 7.5 },
        { consumptionM3: 0, estimatedM3: 0 },
      ]),
    ).toEqual({ estimatedM3: 10, percent: 25 });
    expect(estimatedShare([{ consumptionM3: 0.1, estimatedM3: 0.2 }]).percent).toBe(100);
  });

  it('is zero when nothing was used', () => {
    expect(estimatedShare([])).toEqual({ estimatedM3: 0, percent: 0 });
    expect(estimatedShare([{ consumptionM3: 0, estimatedM3: 0 }])).toEqual({ estimatedM3: 0, percent: 0 });
  });

  it('adds an estimated reading to its day and to the day’s estimated part', () => {
    const days = [{ day: '2026-11-24', consumptionM3: 1, estimatedM3: 0.25 }];
    expect(usageAfterReading(days, { time: '2026-11-24T09:00:00.000Z', consumptionM3: 0.5, quality: 'ESTIMATED' })).toEqual([
      { day: '2026-11-24', consumptionM3: 1.5, estimatedM3: 0.75 },
    ]);
    expect(usageAfterReading(days, { time: '2026-11-24T09:00:00.000Z', consumptionM3: 0.5, quality: 'VALID' })).toEqual([
      { day: '2026-11-24', consumptionM3: 1.5, estimatedM3: 0.25 },
    ]);
  });

  it('adds an estimated reading of today to the summary’s estimated parts', () => {
    const now = Date.parse('2026-11-24T10:00:00.000Z');
    const summary = { totalConsumptionM3: 100, consumptionTodayM3: 2, totalEstimatedM3: 10, estimatedTodayM3: 1 } as DashboardSummary;
    expect(summaryAfterReading(summary, { time: '2026-11-24T09:00:00.000Z', consumptionM3: 0.25, quality: 'ESTIMATED' }, now)).toEqual({
      totalConsumptionM3: 100.25,
      consumptionTodayM3: 2.25,
      totalEstimatedM3: 10.25,
      estimatedTodayM3: 1.25,
    });
    expect(summaryAfterReading(summary, { time: '2026-11-24T09:00:00.000Z', consumptionM3: 0.25, quality: 'VALID' }, now)).toMatchObject({
      totalEstimatedM3: 10,
      estimatedTodayM3: 1,
    });
  });
});
