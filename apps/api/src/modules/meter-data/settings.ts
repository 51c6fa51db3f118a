import { z } from 'zod';

/**
 * Parameters of validation, estimation and leak detection (issue 17). A tenant's values are the
 * defaults below overridden by the settings rows of its ancestors and its own, root first; a
 * subscription group's rows (at any of those tenants) override the tenant rows. A row stores only
 * what it changes. Defaults and their reasons are in docs/decisions.md.
 */
export const MeterDataParamsSchema = z
  .object({
    rollover: z
      .object({
        enabled: z.boolean(),
        /** Register capacity of meters whose profile names none: 5 integer digits wrap at 100,000 m³. */
        defaultRegisterCapacityM3: z.number().positive().max(99_999_999_999),
        /** A drop is a rollover when the consumption across the wrap is at most this share of the capacity. */
        maxWrapShare: z.number().gt(0).max(0.5),
      })
      .strict(),
    backwardIndex: z
      .object({
        enabled: z.boolean(),
        /** Drops up to this size (a little reverse flow, the register's last digit) count as zero but stay VALID. */
        toleranceM3: z.number().min(0).max(1000),
      })
      .strict(),
    physicalMaximum: z
      .object({
        enabled: z.boolean(),
        /** Q4 = this × Q3 of the meter profile; an interval may pass at most Q4 × its hours. */
        overloadFactor: z.number().min(1).max(10),
        /** Added to the maximum: the register's resolution and clock jitter. */
        toleranceM3: z.number().min(0).max(1000),
      })
      .strict(),
    spike: z
      .object({
        enabled: z.boolean(),
        /** An interval whose rate (m³/day) exceeds this many times the meter's recent daily average … */
        factor: z.number().min(1).max(1000),
        /** … and whose consumption is at least this, is a spike. */
        minimumM3: z.number().min(0).max(100_000),
        /** Recent history: the meter's daily rollup over this many days, … */
        historyDays: z.number().int().min(1).max(365),
        /** … of which at least this many must have readings for the rule to judge. */
        minHistoryDays: z.number().int().min(1).max(365),
      })
      .strict(),
    stuck: z
      .object({
        enabled: z.boolean(),
        /** No change of the index for this many days on an active subscription. */
        days: z.number().int().min(1).max(365),
      })
      .strict(),
    timestamp: z
      .object({
        enabled: z.boolean(),
        /** A reading stamped later than its reception (or, typed in, than now) by more than this is in the future. */
        futureToleranceMinutes: z.number().int().min(0).max(10_080),
        /** A reading stamped more than this many days before its reception is far past. */
        maxAgeDays: z.number().int().min(1).max(3660),
      })
      .strict(),
    gap: z
      .object({
        enabled: z.boolean(),
        /** An interval is missing when no reading came within this many times the device profile's reporting interval. */
        graceFactor: z.number().min(1).max(100),
        /** Missing intervals are estimated (ESTIMATED readings). */
        estimate: z.boolean(),
        /** Gaps longer than this are left missing, not estimated (a meter off for months is not a gap). */
        maxGapDays: z.number().int().min(1).max(366),
        /** The one-sided profile averages the same weekday's hours over (up to) this many weeks. */
        profileWeeks: z.number().int().min(1).max(52),
      })
      .strict(),
    leak: z
      .object({
        enabled: z.boolean(),
        /** Continuous flow: no hour without consumption in this many hours. */
        continuousHours: z.number().int().min(1).max(168),
        /** Minimum night flow window, local hours [start, end). */
        nightStartHour: z.number().int().min(0).max(23),
        nightEndHour: z.number().int().min(1).max(24),
        /** Night flow above this many litres per hour, every hour of the window, is a leak. */
        nightFlowLitresPerHour: z.number().min(0).max(100_000),
      })
      .strict(),
  })
  .strict()
  .refine((p) => p.leak.nightStartHour < p.leak.nightEndHour, {
    message: 'nightStartHour must be before nightEndHour',
    path: ['leak', 'nightEndHour'],
  });
export type MeterDataParams = z.infer<typeof MeterDataParamsSchema>;

export const DEFAULT_PARAMS: MeterDataParams = {
  rollover: { enabled: true, defaultRegisterCapacityM3: 100_000, maxWrapShare: 0.1 },
  backwardIndex: { enabled: true, toleranceM3: 0 },
  physicalMaximum: { enabled: true, overloadFactor: 1.25, toleranceM3: 0.01 },
  spike: { enabled: true, factor: 10, minimumM3: 0.5, historyDays: 30, minHistoryDays: 7 },
  stuck: { enabled: true, days: 7 },
  timestamp: { enabled: true, futureToleranceMinutes: 10, maxAgeDays: 365 },
  gap: { enabled: true, graceFactor: 1.5, estimate: true, maxGapDays: 31, profileWeeks: 4 },
  leak: { enabled: true, continuousHours: 24, nightStartHour: 2, nightEndHour: 5, nightFlowLitresPerHour: 10 },
};

export type RuleGroup = keyof MeterDataParams;
export const RULE_GROUPS = Object.keys(DEFAULT_PARAMS) as RuleGroup[];

/** What one settings row may hold: any subset of the parameters (each group partial). */
export type ParamsOverride = { [G in RuleGroup]?: Partial<MeterDataParams[G]> };

/** One settings row as stored, with where it sits: its tenant's depth in the tree and its group (null: the tenant's row). */
export interface SettingsRow {
  depth: number;
  /** The tenant whose row it is. */
  ownerId?: string;
  subscriptionGroupId: string | null;
  params: ParamsOverride;
}

/**
 * The parameters in force for a tenant (and a subscription group within it) from the rows of the
 * tenant and its ancestors: defaults, then tenant rows root first, then that group's rows root first.
 * Unknown keys in stored rows are ignored, so a parameter removed later never breaks a worker.
 */
export function resolveParams(rows: readonly SettingsRow[], groupId: string | null): MeterDataParams {
  const out = structuredClone<MeterDataParams>(DEFAULT_PARAMS);
  const apply = (o: ParamsOverride) => {
    for (const g of RULE_GROUPS) {
      const part = o[g];
      if (!part || typeof part !== 'object') continue;
      const target = out[g] as Record<string, unknown>;
      for (const [k, v] of Object.entries(part)) if (k in target && typeof v === typeof target[k]) target[k] = v;
    }
  };
  const ordered = [...rows].sort((a, b) => a.depth - b.depth);
  for (const r of ordered) if (r.subscriptionGroupId === null) apply(r.params);
  if (groupId) for (const r of ordered) if (r.subscriptionGroupId === groupId) apply(r.params);
  return out;
}
