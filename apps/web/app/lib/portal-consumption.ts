/**
 * The portal's consumption view (issue 19): the API's points (days or months in the utility's zone)
 * as bars, and the comparisons as rows with their change against this period.
 */

export type Granularity = 'day' | 'month';

export interface ConsumptionPoint {
  period: string;
  consumptionM3: number;
  estimated: boolean;
}

export interface Comparisons {
  previousPeriodM3: number | null;
  sameMonthLastYearM3?: number | null;
  groupAverageM3: number | null;
}

export function granularityFromQuery(value: unknown): Granularity {
  return value === 'month' ? 'month' : 'day';
}

/** A bar's label: DD.MM for a day (DD.MM.YYYY in full), MM.YYYY for a month. */
export function periodLabel(period: string, long = false): string {
  const [y, m, d] = period.split('-');
  if (d) return long ? `${d}.${m}.${y}` : `${d}.${m}`;
  return `${m}.${y}`;
}

export interface ComparisonRow {
  /** i18n key of the row's name. */
  key: string;
  valueM3: number;
  /** Change of this period against the row, in percent (positive: more used now); null when the row is 0. */
  changePercent: number | null;
}

/** The comparisons worth showing: those the API could compute (same month last year only by month). */
export function comparisonRows(totalM3: number, c: Comparisons, granularity: Granularity): ComparisonRow[] {
  const rows: [string, number | null | undefined][] = [
    ['portal.consumption.previousPeriod', c.previousPeriodM3],
    ['portal.consumption.sameMonthLastYear', granularity === 'month' ? c.sameMonthLastYearM3 : null],
    ['portal.consumption.groupAverage', c.groupAverageM3],
  ];
  return rows.flatMap(([key, value]) => {
    if (value === null || value === undefined || !Number.isFinite(Number(value))) return [];
    const v = Number(value);
    return [{ key, valueM3: v, changePercent: v > 0 ? Math.round(((totalM3 - v) / v) * 1000) / 10 : null }];
  });
}

/** Whether any bar rests (in part) on estimated readings, so the legend explains the hatching. */
export function hasEstimated(points: readonly ConsumptionPoint[]): boolean {
  return points.some((p) => p.estimated);
}
