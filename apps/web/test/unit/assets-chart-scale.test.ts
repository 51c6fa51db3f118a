import { describe, expect, it } from 'vitest';
import { bandOf, labelStride, linePath, niceScale, niceStep, stackSeries, yOf } from '~/lib/chart-scale';
import { seriesBuckets } from '~/composables/useConsumption';

describe('niceScale', () => {
  it('rounds the axis up to a nice top with even steps', () => {
    expect(niceScale(0.543)).toEqual({ max: 0.6, step: 0.2, ticks: [0, 0.2, 0.4, 0.6] });
    expect(niceScale(13.228)).toEqual({ max: 15, step: 5, ticks: [0, 5, 10, 15] });
    expect(niceScale(100)).toEqual({ max: 100, step: 25, ticks: [0, 25, 50, 75, 100] });
  });

  it('never lets floating point leak into the ticks', () => {
    expect(niceScale(0.3, 3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('gives empty, zero or broken data a 0–1 axis', () => {
    for (const max of [0, -2, Number.NaN, Number.POSITIVE_INFINITY])
      expect(niceScale(max)).toEqual({ max: 1, step: 0.25, ticks: [0, 0.25, 0.5, 0.75, 1] });
  });

  it('picks 1, 2, 2.5, 5 or 10 times a power of ten', () => {
    expect([0.13, 1.7, 2.2, 4, 7, 30].map(niceStep)).toEqual([0.2, 2, 2.5, 5, 10, 50]);
  });
});

describe('stackSeries', () => {
  const meterA = {
    key: 'a',
    label: 'A',
    buckets: [
      { bucketStart: '2026-11-02T21:00:00.000Z', consumptionM3: 0.2 },
      { bucketStart: '2026-11-01T21:00:00.000Z', consumptionM3: 0.1 },
    ],
  };
  const meterB = { key: 'b', label: 'B', buckets: [{ bucketStart: '2026-11-02T21:00:00.000Z', consumptionM3: 0.3 }] };

  it('stacks series per bucket in time order', () => {
    const columns = stackSeries([meterA, meterB]);
    expect(columns.map((c) => c.bucketStart)).toEqual(['2026-11-01T21:00:00.000Z', '2026-11-02T21:00:00.000Z']);
    expect(columns[1]).toEqual({
      bucketStart: '2026-11-02T21:00:00.000Z',
      total: 0.5,
      empty: false,
      segments: [
        { key: 'a', value: 0.2, from: 0, to: 0.2 },
        { key: 'b', value: 0.3, from: 0.2, to: 0.5 },
      ],
    });
  });

  it('counts a negative bucket as zero', () => {
    expect(stackSeries([{ key: 'a', label: 'A', buckets: [{ bucketStart: '2026-01-01T00:00:00Z', consumptionM3: -1 }] }])[0]!.total).toBe(
      0,
    );
  });
});

describe('plot positions', () => {
  const scale = niceScale(10);

  it('maps values from the bottom of the plot and clamps outside the axis', () => {
    expect(yOf(0, scale, 200)).toBe(200);
    expect(yOf(5, scale, 200)).toBe(100);
    expect(yOf(99, scale, 200)).toBe(0);
    expect(yOf(-1, scale, 200)).toBe(200);
  });

  it('centres bars in equal slots with a gap', () => {
    expect(bandOf(0, 4, 400)).toEqual({ x: 10, width: 80, center: 50 });
    expect(bandOf(3, 4, 400)).toEqual({ x: 310, width: 80, center: 350 });
  });

  it('thins axis labels and draws lines', () => {
    expect(labelStride(30, 8)).toBe(4);
    expect(labelStride(5, 8)).toBe(1);
    expect(
      linePath([
        { x: 0, y: 10 },
        { x: 5.123456789, y: 2 },
      ]),
    ).toBe('M0,10 L5.123456789,2');
  });
});

describe('buckets that have not begun (issue 21)', () => {
  const starts = ['2026-12-05T00:00:00Z', '2026-12-05T01:00:00Z', '2026-12-05T02:00:00Z', '2026-12-05T03:00:00Z'];

  it('keeps the API nulls (and missing values) as null, never 0', () => {
    expect(seriesBuckets(starts, [1.5, 0, null]).map((b) => b.consumptionM3)).toEqual([1.5, 0, null, null]);
  });

  it('stacks no segment for a null bucket and marks a column without any value as empty, totals unchanged', () => {
    const a = { key: 'a', label: 'A', buckets: seriesBuckets(starts, [1, 0, 2, null]) };
    const b = { key: 'b', label: 'B', buckets: seriesBuckets(starts, [0.5, 0, null, null]) };
    const columns = stackSeries([a, b]);
    expect(columns.map((c) => c.empty)).toEqual([false, false, false, true]);
    expect(columns.map((c) => c.total)).toEqual([1.5, 0, 2, 0]);
    expect(columns[1]!.segments.map((s) => s.value)).toEqual([0, 0]);
    expect(columns[2]!.segments.map((s) => s.key)).toEqual(['a']);
    expect(columns[3]!.segments).toEqual([]);
    expect(columns.reduce((sum, c) => sum + c.total, 0)).toBe(3.5);
  });

  it('breaks a line at null points instead of drawing a drop to zero', () => {
    expect(
      linePath([
        { x: 0, y: 10 },
        { x: 1, y: null },
        { x: 2, y: 4 },
        { x: 3, y: 5 },
        { x: 4, y: null },
      ]),
    ).toBe('M0,10 M2,4 L3,5');
    expect(linePath([{ x: 0, y: null }])).toBe('');
  });
});
