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

/**
 * A window's index readings as columns, sorted by time: a year of hours is two arrays of numbers rather
 * than 8,760 objects (their allocation and collection were a fifth of the API's CPU for it, B4).
 */
export interface WindowPoints {
  times: readonly number[];
  /** Integer litres, so sums are exact. */
  litres: readonly number[];
  /** The device of each point, or the one device that sent them all. */
  devices: string | readonly string[];
}

export const NO_POINTS: WindowPoints = { times: [], litres: [], devices: [] };

/** Columns from points in any order (sorted by time here). */
export function toColumns(points: readonly WindowPoint[]): WindowPoints {
  const sorted = [...points].sort((a, b) => a.timeMs - b.timeMs);
  return { times: sorted.map((p) => p.timeMs), litres: sorted.map((p) => p.litres), devices: sorted.map((p) => p.deviceId) };
}

/** The same columns sorted by time (a no-op, bar one pass, for points read in index order). */
export function sortedByTime(points: WindowPoints): WindowPoints {
  const { times } = points;
  let sorted = true;
  for (let i = 1; i < times.length && sorted; i++) sorted = times[i - 1] <= times[i];
  if (sorted) return points;
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  const devices = points.devices;
  return {
    times: order.map((i) => times[i]),
    litres: order.map((i) => points.litres[i]),
    devices: typeof devices === 'string' ? devices : order.map((i) => devices[i]),
  };
}

/** How many of the points lie at or after `fromMs` (the ones a window counts; the others only precede). */
export function countFrom(points: WindowPoints, fromMs: number): number {
  let n = 0;
  for (const t of points.times) if (t >= fromMs) n++;
  return n;
}

/** Litres per bucket, aligned with the bucket starts, for one window and for each device in it. */
export interface WindowSums {
  total: Float64Array;
  byDevice: Map<string, Float64Array>;
}

/** A meter's register wrap (issue 17's rollover rule): capacity in litres and the largest share of it a wrap may carry. */
export interface RegisterWrap {
  capacityLitres: number;
  maxWrapShare: number;
}

/** Litres between two indexes: the rise, or the water across a register rollover, else zero (meter-data/rules/rollover.ts). */
export function deltaLitres(previous: number, current: number, wrap: RegisterWrap | null | undefined): number {
  if (current >= previous) return current - previous;
  if (!wrap || previous > wrap.capacityLitres) return 0;
  const wrapped = wrap.capacityLitres - previous + current;
  return wrapped <= wrap.capacityLitres * wrap.maxWrapShare ? wrapped : 0;
}

/**
 * Positive index deltas between consecutive points of one window, each put in the bucket its later
 * point falls in. Points before `fromMs` only serve as the predecessor of the first point in range
 * (the caller passes at most the last one); a drop in the index (a meter reset or a correction)
 * counts as zero, never negative — unless it is a rollover of the meter's register (`wrap`), whose
 * water across the wrap counts, as the worker counts it. `points` must be sorted by time;
 * `bucketStarts` ascending, with the first at or before `fromMs`.
 */
export function sumWindow(points: WindowPoints, bucketStarts: readonly number[], fromMs: number, wrap?: RegisterWrap | null): WindowSums {
  const total = new Float64Array(bucketStarts.length);
  const byDevice = new Map<string, Float64Array>();
  const { times, litres, devices } = points;
  // One device for the whole window (all but swap windows): its sums are the total's, no lookup per point.
  const single = typeof devices === 'string' ? devices : null;
  let previous: number | null = null;
  let k = 0;
  let counted = false;
  for (let i = 0; i < times.length; i++) {
    const time = times[i];
    const current = litres[i];
    if (previous !== null && time >= fromMs) {
      while (k + 1 < bucketStarts.length && bucketStarts[k + 1] <= time) k++;
      const delta = deltaLitres(previous, current, wrap);
      total[k] += delta;
      counted = true;
      if (single === null) {
        const deviceId = (devices as readonly string[])[i];
        let own = byDevice.get(deviceId);
        if (!own) byDevice.set(deviceId, (own = new Float64Array(bucketStarts.length)));
        own[k] += delta;
      }
    }
    previous = current;
  }
  if (single !== null && counted) byDevice.set(single, Float64Array.from(total));
  return { total, byDevice };
}

/** Element-wise sum of litre arrays of the same length (several windows of one series). */
export function addInto(target: Float64Array, source: Float64Array): Float64Array {
  for (let i = 0; i < target.length; i++) target[i] += source[i];
  return target;
}

/**
 * Index of the first bucket that starts after `nowMs` (the length when none does): buckets from it on
 * have not begun, so they have no consumption to show — not a consumption of zero (issue 21: the
 * hourly chart drew the rest of today as a drop to 0 m³). The bucket in progress keeps its value.
 */
export function firstFutureBucket(bucketStarts: readonly number[], nowMs: number): number {
  let i = bucketStarts.length;
  while (i > 0 && bucketStarts[i - 1] > nowMs) i--;
  return i;
}

/** m³ per bucket (three decimals, i.e. whole litres) and their total; null from `futureFrom` on (buckets yet to come). */
export function toSeries(litres: Float64Array, futureFrom = litres.length): { totalM3: number; values: (number | null)[] } {
  const values = new Array<number | null>(litres.length);
  let sum = 0;
  for (let i = 0; i < litres.length; i++) {
    sum += litres[i];
    values[i] = i < futureFrom ? litres[i] / 1000 : null;
  }
  return { totalM3: sum / 1000, values };
}

/** One device's first and last reading of a window inside the asked range, and how many it sent there. */
export interface DeviceSpan {
  deviceId: string;
  firstMs: number;
  lastMs: number;
  count: number;
}

/** One meter-day of the daily rollup the worker keeps (meter_daily_consumption). */
export interface RollupDay {
  litres: number;
  readingCount: number;
}

/** Where each local day of one window's consumption comes from. */
export interface DayPlan {
  /** Whole days read from the rollup: the day's index and the only device that reported that day. */
  rollup: { day: number; deviceId: string }[];
  /** Time ranges [fromMs, toMs) whose consumption is summed from the raw points. */
  raw: [number, number][];
}

/**
 * Splits one window's part of the range into local days read from the daily rollup and ranges read
 * from raw points (B4: a year of days is 366 rollup rows instead of 8,760 readings). A day comes from
 * the rollup only when its result is bound to equal the raw one: it lies wholly inside the window's
 * part [fromMs, toMs), exactly one device reported in it (the rollup has no per-device split), its
 * first reading's predecessor is one the window counts (the window is open at the start, or it has a
 * reading before that day), and the rollup has a row for it. Every other day with readings, and the
 * partial days at the edges, go to the raw ranges (adjacent ones merged). Days with no reading add
 * nothing either way. `dayBounds` holds the local midnights, the last one closing the last day.
 */
export function planDays(
  dayBounds: readonly number[],
  window: { fromMs: number; toMs: number; openStart: boolean },
  spans: readonly DeviceSpan[],
  hasRollup: (day: number) => boolean,
): DayPlan {
  const plan: DayPlan = { rollup: [], raw: [] };
  const first = spans.reduce((min, s) => Math.min(min, s.firstMs), Infinity);
  for (let i = 0; i + 1 < dayBounds.length; i++) {
    const start = dayBounds[i];
    const end = dayBounds[i + 1];
    const from = Math.max(start, window.fromMs);
    const to = Math.min(end, window.toMs);
    if (from >= to) continue;
    const devices = spans.filter((s) => s.firstMs < end && s.lastMs >= start);
    if (devices.length === 0) continue;
    const whole = from === start && to === end;
    if (whole && devices.length === 1 && (window.openStart || first < start) && hasRollup(i)) {
      plan.rollup.push({ day: i, deviceId: devices[0].deviceId });
      continue;
    }
    const last = plan.raw[plan.raw.length - 1];
    if (last && last[1] === from) last[1] = to;
    else plan.raw.push([from, to]);
  }
  return plan;
}

/** Adds one window's partial sums (another range of the same window) into its running sums. */
export function mergeInto(target: WindowSums, source: WindowSums): WindowSums {
  addInto(target.total, source.total);
  for (const [deviceId, own] of source.byDevice) {
    const sum = target.byDevice.get(deviceId);
    if (sum) addInto(sum, own);
    else target.byDevice.set(deviceId, Float64Array.from(own));
  }
  return target;
}

/** For each local day start, the index of the bucket it falls in (the same day, or its month). */
export function dayBuckets(dayStarts: readonly number[], bucketStarts: readonly number[]): number[] {
  const out = new Array<number>(dayStarts.length);
  let k = 0;
  for (let i = 0; i < dayStarts.length; i++) {
    while (k + 1 < bucketStarts.length && bucketStarts[k + 1] <= dayStarts[i]) k++;
    out[i] = k;
  }
  return out;
}
