import type { MeterDataParams } from '../settings';

/** One complete local hour of a meter's consumption (null: no reading closed that hour). */
export interface HourOfFlow {
  /** Local hour of day 0–23 at the hour's start. */
  localHour: number;
  litres: number | null;
}

export interface LeakFinding {
  continuousFlow: boolean;
  nightFlow: boolean;
  /** Smallest hourly flow of the night window, litres/hour (null when the window is incomplete). */
  minNightLitresPerHour: number | null;
}

/**
 * Leak detection the water way, on the last `continuousHours` complete hours of a meter (oldest first,
 * at most hourly reporting; a device reporting less often cannot show an hour without water):
 * - continuous flow: no hour without consumption in the whole span — a household always has an hour
 *   when nobody draws water, a running toilet or a burst pipe has none;
 * - minimum night flow: in every hour of the night window (02:00–05:00 local by default) more than
 *   `nightFlowLitresPerHour` went through.
 * Either finding opens a LEAK alarm; a day with neither clears it.
 *
 * Worked example: 24 hours of 3–40 litres each (never 0): continuous flow. Nights of 12, 15 and 11
 * litres at 02, 03 and 04 h with the 10 l/h threshold: night flow (minimum 11 l/h). A night of 12, 0, 11:
 * neither (that hour without water clears both).
 */
export function detectLeak(hours: readonly HourOfFlow[], p: MeterDataParams['leak']): LeakFinding {
  const none: LeakFinding = { continuousFlow: false, nightFlow: false, minNightLitresPerHour: null };
  if (!p.enabled || hours.length < p.continuousHours) return none;
  const span = hours.slice(-p.continuousHours);
  const continuousFlow = span.every((h) => h.litres !== null && h.litres > 0);
  const night = hours.slice(-24).filter((h) => h.localHour >= p.nightStartHour && h.localHour < p.nightEndHour);
  const complete = night.length === p.nightEndHour - p.nightStartHour && night.every((h) => h.litres !== null);
  const minNight = complete ? Math.min(...night.map((h) => h.litres!)) : null;
  return { continuousFlow, nightFlow: minNight !== null && minNight > p.nightFlowLitresPerHour, minNightLitresPerHour: minNight };
}
