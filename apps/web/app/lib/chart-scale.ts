/**
 * Geometry of the consumption charts (components/charts): a "nice" value axis, stacked columns from
 * several series, and positions inside the plot. Pure, so the scaling is unit-tested apart from the SVG.
 */
export interface Scale {
  /** Top of the axis (a nice number at or above the data's maximum). */
  max: number;
  step: number;
  /** 0, step, 2·step … max */
  ticks: number[];
}

export interface Bucket {
  bucketStart: string;
  /** null: the bucket has not begun yet (issue 21), drawn as a gap rather than as zero. */
  consumptionM3: number | null;
}

export interface ChartSeries {
  key: string;
  label: string;
  buckets: readonly Bucket[];
}

export interface Segment {
  key: string;
  value: number;
  /** Running total below and above this segment. */
  from: number;
  to: number;
}

export interface Column {
  bucketStart: string;
  /** Sum of the segments (0 for a bucket without values). */
  total: number;
  /** No series has a value in this bucket (it has not begun): no bar, a gap in the lines, "—" in the table. */
  empty: boolean;
  /** One per series with a value in this bucket; a series whose bucket is null has none. */
  segments: Segment[];
}

const round = (v: number) => Math.round(v * 1e9) / 1e9;

/** 1, 2, 2.5, 5 or 10 times a power of ten, the closest at or above `x` (Heckbert's nice numbers). */
export function niceStep(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const exponent = Math.floor(Math.log10(x));
  const power = 10 ** exponent;
  const fraction = x / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return round(nice * power);
}

/**
 * An axis from 0 with about `tickCount` intervals whose top covers `maxValue`. Empty or all-zero data
 * gets an axis of 0–1, so bars of zero still sit on a readable scale.
 */
export function niceScale(maxValue: number, tickCount = 4): Scale {
  const count = Math.max(1, Math.floor(tickCount));
  const top = Number.isFinite(maxValue) && maxValue > 0 ? maxValue : 0;
  const step = top > 0 ? niceStep(top / count) : round(1 / count);
  const intervals = top > 0 ? Math.max(1, Math.ceil(round(top / step))) : count;
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => round(i * step));
  return { max: ticks[ticks.length - 1]!, step, ticks };
}

/**
 * One column per bucket start (in time order), each stacking the series in their given order.
 * Negative values (never expected from consumption) count as zero so a stack never folds over.
 * A null value (a bucket that has not begun) adds no segment; a column with none is `empty`.
 */
export function stackSeries(series: readonly ChartSeries[]): Column[] {
  const columns = new Map<string, Column>();
  for (const s of series) {
    for (const b of s.buckets) {
      let column = columns.get(b.bucketStart);
      if (!column) {
        column = { bucketStart: b.bucketStart, total: 0, empty: true, segments: [] };
        columns.set(b.bucketStart, column);
      }
      if (b.consumptionM3 === null) continue;
      column.empty = false;
      const value = Math.max(0, b.consumptionM3);
      column.segments.push({ key: s.key, value, from: column.total, to: round(column.total + value) });
      column.total = round(column.total + value);
    }
  }
  return [...columns.values()].sort((a, b) => Date.parse(a.bucketStart) - Date.parse(b.bucketStart));
}

/** Distance from the plot's top of a value on the axis (SVG y grows downwards). */
export function yOf(value: number, scale: Scale, plotHeight: number): number {
  if (scale.max <= 0) return plotHeight;
  const clamped = Math.min(Math.max(value, 0), scale.max);
  return plotHeight - (clamped / scale.max) * plotHeight;
}

/** Left edge and width of the bar in slot `index` of `count`, with a gap of `gapRatio` of each slot. */
export function bandOf(index: number, count: number, plotWidth: number, gapRatio = 0.2): { x: number; width: number; center: number } {
  const slot = count > 0 ? plotWidth / count : plotWidth;
  const width = Math.max(1, slot * (1 - gapRatio));
  const x = index * slot + (slot - width) / 2;
  return { x, width, center: index * slot + slot / 2 };
}

/** Show every n-th axis label so at most `maxLabels` are drawn. */
export function labelStride(count: number, maxLabels: number): number {
  if (count <= 0 || maxLabels <= 0) return 1;
  return Math.max(1, Math.ceil(count / maxLabels));
}

/**
 * An SVG path through points (a line chart of one series). A point whose y is null (a bucket without a
 * value) breaks the line: the next point starts a new subpath, so a gap is never drawn as a drop to zero.
 */
export function linePath(points: readonly { x: number; y: number | null }[]): string {
  const parts: string[] = [];
  let pen = false;
  for (const p of points) {
    if (p.y === null) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${round(p.x)},${round(p.y)}`);
    pen = true;
  }
  return parts.join(' ');
}
