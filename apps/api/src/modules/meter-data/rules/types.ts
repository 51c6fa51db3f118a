/** Quality flags of a reading (issue 17). */
export const READING_QUALITIES = ['VALID', 'SUSPECT', 'ESTIMATED', 'EDITED'] as const;
export type ReadingQuality = (typeof READING_QUALITIES)[number];

/** The rules that set a quality (stored in reading.quality_rule). */
export const QUALITY_RULES = [
  'rollover',
  'backward-index',
  'physical-maximum',
  'spike',
  'stuck',
  'future-time',
  'past-time',
  'interpolation',
  'profile',
  'manual',
  'correction',
] as const;
export type QualityRule = (typeof QUALITY_RULES)[number];

export interface Verdict {
  quality: ReadingQuality;
  rule: QualityRule | null;
}

export const VALID: Verdict = { quality: 'VALID', rule: null };

/** m³ rounded to litres, the columns' resolution. */
export const round3 = (n: number) => Math.round(n * 1000) / 1000;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
