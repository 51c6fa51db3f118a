import { z } from 'zod';
import { SUBSCRIPTION_TYPES } from '@water/shared';
import { createZodDto } from '../../core/http/zod-dto';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { localToday, toVersionInput, versionState, type VersionRecord } from './tariff-rules';
import type { TariffRecord } from './tariffs.repository';

/**
 * Tariffs on the wire: money as integer kuruş (`…Kurus`), rates as percentages with at most two
 * decimals (`…Rate`, stored as basis points), volumes as m³ with at most three decimals.
 */

const uuid = z.string().uuid({ message: 'must be a UUID' });

function hasAtMostDecimals(value: number, places: number): boolean {
  const scaled = value * 10 ** places;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s, 'not a calendar date');

const kurus = z.number().int('whole kuruş').min(0, 'must not be negative').max(1_000_000_000);
const percent = z
  .number()
  .min(0, 'must not be negative')
  .max(100)
  .refine((v) => hasAtMostDecimals(v, 2), 'at most 2 decimals');
const m3 = z
  .number()
  .min(0, 'must not be negative')
  .max(999_999_999)
  .refine((v) => hasAtMostDecimals(v, 3), 'at most 3 decimals');
const code = z
  .string()
  .trim()
  .min(1)
  .max(30)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -');

export const WASTEWATER_MODES = ['NONE', 'PER_M3', 'SHARE_OF_WATER'] as const;

export const TierSchema = z.object({ fromM3: m3, toM3: m3.nullable(), unitPriceKurus: kurus }).strict();
export const FeeSchema = z.object({ code, name: z.string().trim().min(1).max(100), unitPriceKurus: kurus, vatRate: percent }).strict();

const versionShape = {
  effectiveFrom: isoDate,
  /** First day no longer in force; null or absent while open-ended. */
  effectiveTo: isoDate.nullable().optional(),
  fixedChargeKurus: kurus.default(0),
  fixedVatRate: percent.default(0),
  tiers: z.array(TierSchema).min(1, 'at least one tier').max(20),
  waterVatRate: percent.default(0),
  wastewaterMode: z.enum(WASTEWATER_MODES).default('NONE'),
  wastewaterUnitPriceKurus: kurus.default(0),
  wastewaterSharePercent: percent.default(0),
  wastewaterVatRate: percent.default(0),
  fees: z.array(FeeSchema).max(10).default([]),
  minimumChargeKurus: kurus.default(0),
  /** Monthly late-payment interest (percent), applied by billing runs. */
  latePaymentInterestRate: percent.default(0),
  note: z.string().trim().max(500).nullish(),
};
export const TariffVersionInputSchema = z.object(versionShape).strict();
export type TariffVersionInput = z.infer<typeof TariffVersionInputSchema>;
export class CreateTariffVersionDto extends createZodDto(TariffVersionInputSchema) {}

/** A draft (future) version takes any field; a version in force only a new effectiveTo (closing it). */
export const UpdateTariffVersionSchema = z
  .object({
    effectiveFrom: isoDate,
    effectiveTo: isoDate.nullable(),
    fixedChargeKurus: kurus,
    fixedVatRate: percent,
    tiers: versionShape.tiers,
    waterVatRate: percent,
    wastewaterMode: z.enum(WASTEWATER_MODES),
    wastewaterUnitPriceKurus: kurus,
    wastewaterSharePercent: percent,
    wastewaterVatRate: percent,
    fees: z.array(FeeSchema).max(10),
    minimumChargeKurus: kurus,
    latePaymentInterestRate: percent,
    note: z.string().trim().max(500).nullable(),
  })
  .partial()
  .strict();
export type UpdateTariffVersion = z.infer<typeof UpdateTariffVersionSchema>;
export class UpdateTariffVersionDto extends createZodDto(UpdateTariffVersionSchema) {}

export const CreateTariffSchema = z
  .object({
    tenantId: uuid,
    code,
    name: z.string().trim().min(1).max(100),
    subscriptionType: z.enum(SUBSCRIPTION_TYPES),
    /** Null or absent: every group of the type without a tariff of its own. */
    subscriptionGroupId: uuid.nullish(),
    isExample: z.boolean().default(false),
    version: TariffVersionInputSchema,
  })
  .strict();
export type CreateTariff = z.infer<typeof CreateTariffSchema>;
export class CreateTariffDto extends createZodDto(CreateTariffSchema) {}

export const UpdateTariffSchema = z
  .object({ name: z.string().trim().min(1).max(100).optional(), isExample: z.boolean().optional() })
  .strict();
export type UpdateTariff = z.infer<typeof UpdateTariffSchema>;
export class UpdateTariffDto extends createZodDto(UpdateTariffSchema) {}

export const ListTariffsQuerySchema = z
  .object({
    ...pageQueryShape,
    /** The tariffs that apply at this tenant: its own and those inherited from its ancestors. */
    tenantId: uuid.optional(),
    subscriptionType: z.enum(SUBSCRIPTION_TYPES).optional(),
    sort: z.enum(['code', 'name', 'createdAt']).default('code'),
  })
  .strict();
export type ListTariffsQuery = z.infer<typeof ListTariffsQuerySchema>;
export class ListTariffsQueryDto extends createZodDto(ListTariffsQuerySchema) {}

export const EffectiveTariffQuerySchema = z
  .object({
    tenantId: uuid,
    subscriptionType: z.enum(SUBSCRIPTION_TYPES),
    subscriptionGroupId: uuid.optional(),
    /** The day asked about (default: today in the tenant's time zone). */
    on: isoDate.optional(),
  })
  .strict();
export type EffectiveTariffQuery = z.infer<typeof EffectiveTariffQuerySchema>;
export class EffectiveTariffQueryDto extends createZodDto(EffectiveTariffQuerySchema) {}

export const PreviewSchema = z
  .object({
    /** First day of the period. */
    periodStart: isoDate,
    /** First day after the period: [periodStart, periodEnd). */
    periodEnd: isoDate,
    consumptionM3: m3,
    /** The part of the consumption from estimated readings. */
    estimatedM3: m3.default(0),
  })
  .strict()
  .refine((v) => v.periodEnd > v.periodStart, { message: 'ends after it starts', path: ['periodEnd'] })
  .refine((v) => v.estimatedM3 <= v.consumptionM3, { message: 'at most the consumption', path: ['estimatedM3'] });
export type PreviewInput = z.infer<typeof PreviewSchema>;
export class PreviewDto extends createZodDto(PreviewSchema) {}

// ─── Responses ──────────────────────────────────────────────────────────────────

export const VERSION_STATES = ['PAST', 'CURRENT', 'FUTURE'] as const;

export const TariffVersionSchema = z.object({
  id: uuid,
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
  /** Relative to today in the owner's time zone; only a FUTURE version is a draft that may change freely. */
  state: z.enum(VERSION_STATES),
  fixedChargeKurus: z.number().int(),
  fixedVatRate: z.number(),
  tiers: z.array(z.object({ fromM3: z.number(), toM3: z.number().nullable(), unitPriceKurus: z.number().int() })),
  waterVatRate: z.number(),
  wastewaterMode: z.enum(WASTEWATER_MODES),
  wastewaterUnitPriceKurus: z.number().int(),
  wastewaterSharePercent: z.number(),
  wastewaterVatRate: z.number(),
  fees: z.array(z.object({ code: z.string(), name: z.string(), unitPriceKurus: z.number().int(), vatRate: z.number() })),
  minimumChargeKurus: z.number().int(),
  latePaymentInterestRate: z.number(),
  note: z.string().nullable(),
});
export type TariffVersionView = z.infer<typeof TariffVersionSchema>;

export const TariffSchema = z.object({
  id: uuid,
  tenantId: uuid,
  tenantName: z.string(),
  code: z.string(),
  name: z.string(),
  subscriptionType: z.enum(SUBSCRIPTION_TYPES),
  subscriptionGroupId: uuid.nullable(),
  subscriptionGroupName: z.string().nullable(),
  subscriptionGroupNameEn: z.string().nullable(),
  currency: z.literal('TRY'),
  isExample: z.boolean(),
  /** True when the tariff is an ancestor's, seen from the tenant asked about (read-only there). */
  inherited: z.boolean(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  versions: z.array(TariffVersionSchema),
});
export type TariffView = z.infer<typeof TariffSchema>;
export class TariffDto extends createZodDto(TariffSchema) {}
export class TariffPageDto extends createZodDto(pageSchema(TariffSchema)) {}

export const EffectiveTariffSchema = z.object({
  tariff: TariffSchema,
  /** The version in force on the day asked, null when the tariff has none then. */
  version: TariffVersionSchema.nullable(),
  on: z.string(),
});
export class EffectiveTariffDto extends createZodDto(EffectiveTariffSchema) {}

export const PricedLineSchema = z.object({
  versionId: uuid,
  component: z.enum(['FIXED', 'WATER', 'WASTEWATER', 'FEE', 'MINIMUM']),
  tier: z.number().int().nullable(),
  code: z.string().nullable(),
  segmentStart: z.string(),
  segmentEnd: z.string(),
  quantityM3: z.string().nullable(),
  blockFromM3: z.string().nullable(),
  blockToM3: z.string().nullable(),
  unitPriceKurus: z.number().int().nullable(),
  netKurus: z.number().int(),
  vatRate: z.number(),
  vatKurus: z.number().int(),
  grossKurus: z.number().int(),
});
export const PreviewResultSchema = z.object({
  tariffId: uuid,
  periodStart: z.string(),
  periodEnd: z.string(),
  days: z.number().int(),
  consumptionM3: z.string(),
  estimatedM3: z.string(),
  segments: z.array(
    z.object({
      versionId: uuid,
      start: z.string(),
      end: z.string(),
      days: z.number().int(),
      perMonthDays: z.number().int(),
      consumptionM3: z.string(),
    }),
  ),
  lines: z.array(PricedLineSchema),
  netKurus: z.number().int(),
  vatKurus: z.number().int(),
  grossKurus: z.number().int(),
  currency: z.literal('TRY'),
});
export type PreviewResult = z.infer<typeof PreviewResultSchema>;
export class PreviewResultDto extends createZodDto(PreviewResultSchema) {}

export function mapVersion(v: VersionRecord & { id: string }, today: string): TariffVersionView {
  return { id: v.id, ...toVersionInput(v), effectiveTo: v.effectiveTo, note: v.note, state: versionState(v, today) };
}

export function mapTariff(t: TariffRecord, inherited: boolean): TariffView {
  const today = localToday(t.tenantTimeZone);
  return {
    id: t.id,
    tenantId: t.tenantId,
    tenantName: t.tenantName,
    code: t.code,
    name: t.name,
    subscriptionType: t.subscriptionType,
    subscriptionGroupId: t.subscriptionGroupId,
    subscriptionGroupName: t.subscriptionGroupName,
    subscriptionGroupNameEn: t.subscriptionGroupNameEn,
    currency: 'TRY',
    isExample: t.isExample,
    inherited,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    versions: t.versions.map((v) => mapVersion(v, today)),
  };
}
