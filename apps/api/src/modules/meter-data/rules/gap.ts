import type { MeterDataParams } from '../settings';
import type { IndexPoint } from './interval';
import { DAY_MS } from './types';

/** Missing expected intervals between two real readings (or after the last one, when `before` is null). */
export interface Gap {
  after: IndexPoint;
  before: IndexPoint | null;
  /** Times at which a reading was expected and none came, oldest first. */
  slots: Date[];
}

/**
 * Gaps in a meter's real readings (sorted by time): consecutive readings further apart than
 * `graceFactor` × the device profile's reporting interval miss the readings expected every interval
 * after the first, up to half an interval before the next (which then closes the last interval).
 * After the last reading, slots run up to `until` (now) when given: a one-sided gap. Gaps longer than
 * `maxGapDays` are not gaps but outages, and are left alone.
 *
 * Worked example, hourly device: readings at 00:00 and 04:00 miss 01:00, 02:00 and 03:00; readings at
 * 00:00 and 01:20 miss nothing (80 minutes is within 1.5 × 60).
 */
export function findGaps(points: readonly IndexPoint[], intervalMinutes: number, p: MeterDataParams['gap'], until?: Date): Gap[] {
  if (!p.enabled || intervalMinutes <= 0 || points.length === 0) return [];
  const step = intervalMinutes * 60_000;
  const out: Gap[] = [];
  const slotsBetween = (fromMs: number, toMs: number, closing: boolean): Date[] => {
    const slots: Date[] = [];
    const last = closing ? toMs - step / 2 : toMs;
    for (let t = fromMs + step; t <= last; t += step) slots.push(new Date(t));
    return slots;
  };
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const span = b.time.getTime() - a.time.getTime();
    if (span <= p.graceFactor * step || span > p.maxGapDays * DAY_MS) continue;
    const slots = slotsBetween(a.time.getTime(), b.time.getTime(), true);
    if (slots.length) out.push({ after: a, before: b, slots });
  }
  const last = points[points.length - 1];
  if (until) {
    const span = until.getTime() - last.time.getTime();
    if (span > p.graceFactor * step && span <= p.maxGapDays * DAY_MS) {
      const slots = slotsBetween(last.time.getTime(), until.getTime(), false);
      if (slots.length) out.push({ after: last, before: null, slots });
    }
  }
  return out;
}
