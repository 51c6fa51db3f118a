import type { MeterDataParams } from '../settings';
import { HOUR_MS, type Verdict } from './types';

/**
 * The most a meter can pass in an interval: its overload flow Q4 = overloadFactor × Q3 (m³/h, from
 * its meter profile) over the interval's hours, plus a small tolerance. More is impossible: the index
 * or the time is wrong. The consumption stays what the index says (billing reads indexes) but SUSPECT.
 *
 * Worked example: a DN15 meter with Q3 = 2.5 m³/h passes at most 1.25 × 2.5 = 3.125 m³/h; over a
 * 1-hour interval 3.125 + 0.01 m³ is the limit, so 5 m³ in that hour is SUSPECT (physical-maximum).
 */
export function physicalMaximum(
  consumptionM3: number,
  intervalMs: number,
  q3M3h: number | null,
  p: MeterDataParams['physicalMaximum'],
): Verdict {
  if (!p.enabled || q3M3h === null || q3M3h <= 0 || intervalMs < 0) return { quality: 'VALID', rule: null };
  const maxM3 = p.overloadFactor * q3M3h * (intervalMs / HOUR_MS) + p.toleranceM3;
  return consumptionM3 > maxM3 ? { quality: 'SUSPECT', rule: 'physical-maximum' } : { quality: 'VALID', rule: null };
}
