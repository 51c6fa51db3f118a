/**
 * Consumption per bucket from a meter window's index readings, computed in the API rather than in SQL:
 * PostgreSQL only reads the points from the covering (meter_id, time) index, sorted, and this walks them
 * once against the sorted bucket starts (docs/benchmarks.md, B4: the window function, the time-zone
 * truncation per row and the numeric hash aggregate cost ~15× the index scan itself).
 */

const HOUR_MS = 3_600_000;

/**
 * Local hour starts covering [fromMs, toMs), from the zone's local midnights over that range (the
 * database's calendar knows the zone): each day is stepped hour by hour from its own midnight, so a
 * 23- or 25-hour day gets 23 or 25 buckets and a +05:30 zone's hours start at :30 UTC. Asking the
 * database for 367 midnights instead of 8,784 hours is most of what a year of hours cost (B4).
 */
export function hourStarts(dayStarts: readonly number[], fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < dayStarts.length; i++) {
    const end = Math.min(i + 1 < dayStarts.length ? dayStarts[i + 1] : toMs, toMs);
    for (let h = dayStarts[i]; h < end; h += HOUR_MS) if (h + HOUR_MS > fromMs) out.push(h);
  }
  return out;
}

/** One index reading of a window, in integer litres so sums are exact. */
export interface WindowPoint {
  timeMs: number;
  litres: number;
  deviceId: string;
}

/** Litres per bucket, aligned with the bucket starts, for one window and for each device in it. */
export interface WindowSums {
  total: Float64Array;
  byDevice: Map<string, Float64Array>;
}

/**
 * Positive index deltas between consecutive points of one window, each put in the bucket its later
 * point falls in. Points before `fromMs` only serve as the predecessor of the first point in range
 * (the caller passes at most the last one); a drop in the index (a meter reset or a correction)
 * counts as zero, never negative. `points` must be sorted by time; `bucketStarts` ascending, with
 * the first at or before `fromMs`.
 */
export function sumWindow(points: readonly WindowPoint[], bucketStarts: readonly number[], fromMs: number): WindowSums {
  const total = new Float64Array(bucketStarts.length);
  const byDevice = new Map<string, Float64Array>();
  let previous: number | null = null;
  let k = 0;
  for (const p of points) {
    if (previous !== null && p.timeMs >= fromMs) {
      while (k + 1 < bucketStarts.length && bucketStarts[k + 1] <= p.timeMs) k++;
      const delta = Math.max(p.litres - previous, 0);
      total[k] += delta;
      let own = byDevice.get(p.deviceId);
      if (!own) byDevice.set(p.deviceId, (own = new Float64Array(bucketStarts.length)));
      own[k] += delta;
    }
    previous = p.litres;
  }
  return { total, byDevice };
}

/** Element-wise sum of litre arrays of the same length (several windows of one series). */
export function addInto(target: Float64Array, source: Float64Array): Float64Array {
  for (let i = 0; i < target.length; i++) target[i] += source[i];
  return target;
}

/** m³ per bucket (three decimals, i.e. whole litres) and their total. */
export function toSeries(litres: Float64Array): { totalM3: number; values: number[] } {
  const values = new Array<number>(litres.length);
  let sum = 0;
  for (let i = 0; i < litres.length; i++) {
    sum += litres[i];
    values[i] = litres[i] / 1000;
  }
  return { totalM3: sum / 1000, values };
}
