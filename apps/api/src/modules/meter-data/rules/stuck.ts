import type { MeterDataParams } from '../settings';

/** A meter's readings over the last `days` days and the index it showed before them. */
export interface StuckWindow {
  /** The index of the meter's last reading before the window (null: none). */
  indexBeforeM3: number | null;
  minM3: number | null;
  maxM3: number | null;
  count: number;
}

/**
 * A stuck meter: on an active subscription, every reading of the last `days` days shows the index it
 * had before them — no water at all for that long (a blocked or broken register, or an empty house:
 * either way the utility wants to look). Those readings become SUSPECT (stuck).
 *
 * Worked example, days = 7: last reading before the window 412.118, and 168 hourly readings since,
 * all 412.118: stuck. One of them 412.119: not stuck. No reading before the window (a new meter): not
 * judged.
 */
export function isStuck(w: StuckWindow, activeSubscription: boolean, p: MeterDataParams['stuck']): boolean {
  if (!p.enabled || !activeSubscription || w.indexBeforeM3 === null || w.count === 0) return false;
  return w.minM3 === w.indexBeforeM3 && w.maxM3 === w.indexBeforeM3;
}
