import type { HeaderColumn } from '~/lib/crud';

/**
 * Reading quality (issue 17): the flag every stored reading carries (VALID, SUSPECT, ESTIMATED,
 * EDITED) and the rule that set it, with the shares the data-quality view draws.
 */
export const READING_QUALITIES = ['VALID', 'SUSPECT', 'ESTIMATED', 'EDITED'] as const;
export type ReadingQuality = (typeof READING_QUALITIES)[number];

export const QUALITY_LABELS: Record<ReadingQuality, string> = {
  VALID: 'meterData.quality.VALID',
  SUSPECT: 'meterData.quality.SUSPECT',
  ESTIMATED: 'meterData.quality.ESTIMATED',
  EDITED: 'meterData.quality.EDITED',
};

/** The rules the API names in qualityRule (apps/api meter-data rules); an unknown one is shown as it is. */
export const RULE_LABELS: Record<string, string> = {
  rollover: 'meterData.rules.rollover',
  'backward-index': 'meterData.rules.backwardIndex',
  'physical-maximum': 'meterData.rules.physicalMaximum',
  spike: 'meterData.rules.spike',
  stuck: 'meterData.rules.stuck',
  'future-time': 'meterData.rules.futureTime',
  'past-time': 'meterData.rules.pastTime',
  interpolation: 'meterData.rules.interpolation',
  profile: 'meterData.rules.profile',
  manual: 'meterData.rules.manual',
  correction: 'meterData.rules.correction',
};

export function ruleLabelKey(rule: string | null | undefined): string | null {
  return rule ? (RULE_LABELS[rule] ?? null) : null;
}

export interface QualityCounts {
  valid: number;
  suspect: number;
  estimated: number;
  edited: number;
}

export const QUALITY_KEYS = ['valid', 'suspect', 'estimated', 'edited'] as const;
export type QualityKey = (typeof QUALITY_KEYS)[number];
export const QUALITY_OF_KEY: Record<QualityKey, ReadingQuality> = {
  valid: 'VALID',
  suspect: 'SUSPECT',
  estimated: 'ESTIMATED',
  edited: 'EDITED',
};

export function countTotal(c: QualityCounts): number {
  return c.valid + c.suspect + c.estimated + c.edited;
}

/** Each quality's share of the readings (0–1, adding up to 1), all zero when there are none. */
export function qualityShares(c: QualityCounts): QualityCounts {
  const total = countTotal(c);
  if (!total) return { valid: 0, suspect: 0, estimated: 0, edited: 0 };
  return { valid: c.valid / total, suspect: c.suspect / total, estimated: c.estimated / total, edited: c.edited / total };
}

/** The counts of several days added up. */
export function sumCounts(days: readonly QualityCounts[]): QualityCounts {
  return days.reduce<QualityCounts>(
    (s, d) => ({
      valid: s.valid + d.valid,
      suspect: s.suspect + d.suspect,
      estimated: s.estimated + d.estimated,
      edited: s.edited + d.edited,
    }),
    { valid: 0, suspect: 0, estimated: 0, edited: 0 },
  );
}

/** The estimated part of each bucket as a share of it (0–1): how much of a bar or point is an estimate. */
export function estimatedFractions(values: readonly number[], estimated: readonly (number | null)[] | null | undefined): number[] {
  return values.map((v, i) => {
    const e = estimated?.[i] ?? 0;
    if (!(v > 0) || !(e > 0)) return 0;
    return Math.min(1, e / v);
  });
}

/** Columns of the data quality page's rules table (CrudTableHeader). */
export const RULES_FIRED_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'meterData.dq.rule' },
  { labelKey: 'meterData.quality.column' },
  { labelKey: 'meterData.dq.count', class: 'text-right' },
];

/** Columns of the data quality page's meters with most issues (CrudTableHeader). */
export const TOP_METER_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'meterData.dq.meter' },
  { labelKey: 'meterData.dq.tenant' },
  { labelKey: 'meterData.dq.issues', class: 'text-right' },
  { labelKey: 'meterData.quality.SUSPECT', class: 'text-right' },
  { labelKey: 'meterData.quality.ESTIMATED', class: 'text-right' },
  { labelKey: 'meterData.quality.EDITED', class: 'text-right' },
];
