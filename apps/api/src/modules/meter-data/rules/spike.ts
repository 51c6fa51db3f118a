import type { MeterDataParams } from '../settings';
import { DAY_MS, type Verdict } from './types';

/** A meter's recent history: average consumption per day with readings, over how many such days. */
export interface MeterHistory {
  averageM3PerDay: number;
  days: number;
}

/**
 * A spike against the meter's own recent history: the interval's rate (m³ per day) above `factor`
 * times the meter's recent daily average, with at least `minimumM3` in the interval (small intervals
 * of a quiet meter are noise). Judged only with `minHistoryDays` of history.
 *
 * Worked example: a household averaging 0.4 m³/day reports 6 m³ over 12 hours: its rate is 12 m³/day,
 * 30 times its average and above 0.5 m³: SUSPECT (spike). 0.3 m³ in one hour is a rate of 7.2 m³/day
 * (18×) but under the 0.5 m³ minimum: VALID.
 */
export function spike(consumptionM3: number, intervalMs: number, history: MeterHistory | null, p: MeterDataParams['spike']): Verdict {
  if (!p.enabled || !history || history.days < p.minHistoryDays || consumptionM3 < p.minimumM3 || intervalMs <= 0)
    return { quality: 'VALID', rule: null };
  const ratePerDay = consumptionM3 / (intervalMs / DAY_MS);
  // A meter with no recent consumption at all: any consumption above the minimum over a day's rate is a spike.
  const baseline = Math.max(history.averageM3PerDay, 0);
  return ratePerDay > p.factor * baseline ? { quality: 'SUSPECT', rule: 'spike' } : { quality: 'VALID', rule: null };
}
