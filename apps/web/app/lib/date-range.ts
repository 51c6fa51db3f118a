import { DEFAULT_TIME_ZONE } from '@water/shared';
import { formatDateInput, nextDay } from '~/lib/date-input';

/**
 * The presets of the console's date-range picker: whole days (DD.MM.YYYY, both inclusive) counted in
 * a time zone (the tenant's, or the console's default as the page already reads its dates), so "today"
 * is the user's utility's today wherever the browser is.
 */
export const DATE_RANGE_PRESETS = ['today', 'yesterday', 'last7', 'last30', 'thisMonth', 'lastMonth'] as const;
export type DateRangePreset = (typeof DATE_RANGE_PRESETS)[number];
/** A preset, or the days the user typed. */
export type DateRangeChoice = DateRangePreset | 'custom';

export interface DayRange {
  /** DD.MM.YYYY, the first day */
  from: string;
  /** DD.MM.YYYY, the last day (inclusive) */
  to: string;
}

export const DATE_RANGE_LABELS: Record<DateRangeChoice, string> = {
  today: 'dateRange.presets.today',
  yesterday: 'dateRange.presets.yesterday',
  last7: 'dateRange.presets.last7',
  last30: 'dateRange.presets.last30',
  thisMonth: 'dateRange.presets.thisMonth',
  lastMonth: 'dateRange.presets.lastMonth',
  custom: 'dateRange.presets.custom',
};

/** The calendar day `n` days before a DD.MM.YYYY day (calendar arithmetic: no DST hour is lost). */
export function daysBefore(day: string, n: number): string {
  const [d = 1, m = 1, y = 1970] = day.split('.').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d - n));
  return dayText(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

function dayText(year: number, month: number, day: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(day)}.${pad(month)}.${year}`;
}

/** The days of a preset at `now`, in `timeZone`. */
export function presetRange(preset: DateRangePreset, now: Date | number = Date.now(), timeZone: string = DEFAULT_TIME_ZONE): DayRange {
  const today = formatDateInput(now, timeZone);
  const [, month = 1, year = 1970] = today.split('.').map(Number);
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const yesterday = daysBefore(today, 1);
      return { from: yesterday, to: yesterday };
    }
    case 'last7':
      return { from: daysBefore(today, 6), to: today };
    case 'last30':
      return { from: daysBefore(today, 29), to: today };
    case 'thisMonth':
      return { from: dayText(year, month, 1), to: today };
    case 'lastMonth': {
      const first = dayText(month === 1 ? year - 1 : year, month === 1 ? 12 : month - 1, 1);
      return { from: first, to: daysBefore(dayText(year, month, 1), 1) };
    }
  }
}

/** Which preset a range is at `now` (the first that matches), else 'custom'. */
export function presetOf(range: DayRange, now: Date | number = Date.now(), timeZone: string = DEFAULT_TIME_ZONE): DateRangeChoice {
  const from = range.from.trim();
  const to = range.to.trim();
  for (const preset of DATE_RANGE_PRESETS) {
    const days = presetRange(preset, now, timeZone);
    if (days.from === from && days.to === to) return preset;
  }
  return 'custom';
}

/** The day after the range, for an API that wants an exclusive end (nextDay of the last day). */
export function dayAfter(range: DayRange): string {
  return nextDay(range.to.trim());
}
