/** "3 minutes ago" as a value and a unit for Intl.RelativeTimeFormat: the largest unit that fits. */
export interface RelativeTime {
  value: number;
  unit: 'second' | 'minute' | 'hour' | 'day' | 'month' | 'year';
}

const STEPS: [RelativeTime['unit'], number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** Negative values are in the past. Under a minute counts in seconds (rounded towards zero). */
export function relativeTime(at: string | number | Date, now: number): RelativeTime {
  const diff = new Date(at).getTime() - now;
  const size = Math.abs(diff);
  for (const [unit, ms] of STEPS) {
    if (size >= ms) return { value: Math.trunc(diff / ms), unit };
  }
  return { value: Math.trunc(diff / 1000), unit: 'second' };
}
