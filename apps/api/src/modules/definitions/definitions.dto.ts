import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import {
  ALARM_TYPES,
  ASSET_STATUSES,
  COMMUNICATION_MODULES,
  CONNECTION_TYPES,
  DIAL_TYPES,
  METER_TYPES,
  MOUNTING_TYPES,
  SUBSCRIPTION_TYPES,
  TEMPERATURE_TYPES,
  VALVE_STATES,
} from '@water/shared';
import { pageQueryShape, pageSchema } from '../../core/http/paging';

/** How an identifier value is written (DevEUI: HEX, IMEI: DIGITS, manufacturer code: TEXT, Wi-Fi: MAC). */
export const IDENTIFIER_VALUE_TYPES = ['HEX', 'DIGITS', 'TEXT', 'MAC'] as const;
/** How a network server reaches the platform. */
export const TRANSPORTS = ['HTTP', 'MQTT', 'API'] as const;

type DecimalLike = { toNumber(): number } | number | string;
export const toNumber = (v: DecimalLike): number => (typeof v === 'object' ? v.toNumber() : Number(v));
export const toNumberOrNull = (v: DecimalLike | null): number | null => (v == null ? null : toNumber(v));

/** True when `value` has at most `places` decimals (tolerating binary floating-point noise). */
export function hasAtMostDecimals(value: number, places: number): boolean {
  const scaled = value * 10 ** places;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/** A positive amount stored in a NUMERIC(precision, scale) column. */
export function decimal(precision: number, scale: number) {
  return z
    .number()
    .positive()
    .max(10 ** (precision - scale) - 10 ** -scale)
    .refine((v) => hasAtMostDecimals(v, scale), `at most ${scale} decimals`);
}

/** Array of distinct items; a repeated item is reported at its own index. */
export function distinctArray<T extends z.ZodTypeAny>(item: T, max: number) {
  return z
    .array(item)
    .max(max)
    .superRefine((values, ctx) => {
      const seen = new Set<unknown>();
      values.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i], message: 'appears twice' });
        seen.add(v);
      });
    });
}

/** Query-string booleans. */
export const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

const code = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9_]{1,29}$/, 'upper-case letters, digits and _ (2 to 30), starting with a letter');

// ─── Fixed lists ─────────────────────────────────────────────────────────────────

export const EnumsSchema = z.object({
  subscriptionTypes: z.array(z.enum(SUBSCRIPTION_TYPES)),
  meterTypes: z.array(z.enum(METER_TYPES)),
  dialTypes: z.array(z.enum(DIAL_TYPES)),
  temperatureTypes: z.array(z.enum(TEMPERATURE_TYPES)),
  mountingTypes: z.array(z.enum(MOUNTING_TYPES)),
  connectionTypes: z.array(z.enum(CONNECTION_TYPES)),
  /** Meter statuses (brief 1.8) and device statuses (1.9) are one list. */
  meterStatuses: z.array(z.enum(ASSET_STATUSES)),
  deviceStatuses: z.array(z.enum(ASSET_STATUSES)),
  communicationModules: z.array(z.enum(COMMUNICATION_MODULES)),
  valveStates: z.array(z.enum(VALVE_STATES)),
  alarmTypes: z.array(z.enum(ALARM_TYPES)),
  identifierValueTypes: z.array(z.enum(IDENTIFIER_VALUE_TYPES)),
  transports: z.array(z.enum(TRANSPORTS)),
});
export class EnumsDto extends createZodDto(EnumsSchema) {}
export type Enums = z.infer<typeof EnumsSchema>;

/** Codes only, in the brief's order; the console shows them through its i18n files. */
export const ENUMS: Enums = {
  subscriptionTypes: [...SUBSCRIPTION_TYPES],
  meterTypes: [...METER_TYPES],
  dialTypes: [...DIAL_TYPES],
  temperatureTypes: [...TEMPERATURE_TYPES],
  mountingTypes: [...MOUNTING_TYPES],
  connectionTypes: [...CONNECTION_TYPES],
  meterStatuses: [...ASSET_STATUSES],
  deviceStatuses: [...ASSET_STATUSES],
  communicationModules: [...COMMUNICATION_MODULES],
  valveStates: [...VALVE_STATES],
  alarmTypes: [...ALARM_TYPES],
  identifierValueTypes: [...IDENTIFIER_VALUE_TYPES],
  transports: [...TRANSPORTS],
};

// ─── Brands (meter brands 1.12 and device brands 1.13) ──────────────────────────

const brandName = z.string().trim().min(1).max(100);

export const CreateBrandSchema = z.object({ name: brandName, isActive: z.boolean().default(true) }).strict();
export class CreateBrandDto extends createZodDto(CreateBrandSchema) {}

export const UpdateBrandSchema = z.object({ name: brandName.optional(), isActive: z.boolean().optional() }).strict();
export class UpdateBrandDto extends createZodDto(UpdateBrandSchema) {}

export const ListBrandsQuerySchema = z
  .object({ ...pageQueryShape, sort: z.enum(['name', 'createdAt']).default('name'), isActive: queryBoolean.optional() })
  .strict();
export class ListBrandsQueryDto extends createZodDto(ListBrandsQuerySchema) {}

export const BrandSchema = z.object({ id: z.string().uuid(), name: z.string(), isActive: z.boolean(), createdAt: z.string().datetime() });
export class BrandDto extends createZodDto(BrandSchema) {}
export class BrandPageDto extends createZodDto(pageSchema(BrandSchema)) {}
export type Brand = z.infer<typeof BrandSchema>;

export function mapBrand(b: { id: string; name: string; isActive: boolean; createdAt: Date }): Brand {
  return { id: b.id, name: b.name, isActive: b.isActive, createdAt: b.createdAt.toISOString() };
}

// ─── IP ratings (1.7) ────────────────────────────────────────────────────────────

const ipCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^IP[0-9X][0-9X]K?$/, 'an IEC 60529 code such as IP68, IPX7 or IP69K');

/** Turkish; an empty one is stored as none. */
const ipDescription = z
  .string()
  .trim()
  .max(200)
  .nullish()
  .transform((v) => (v === undefined ? undefined : v || null));
/** English; without it the console shows the Turkish description in English too. */
const ipDescriptionEn = ipDescription.describe('the English description');

export const CreateIpRatingSchema = z
  .object({
    code: ipCode,
    description: ipDescription.describe('the Turkish description'),
    descriptionEn: ipDescriptionEn,
    sortOrder: z.number().int().min(0).max(10_000).default(0),
  })
  .strict();
export class CreateIpRatingDto extends createZodDto(CreateIpRatingSchema) {}

export const UpdateIpRatingSchema = z
  .object({
    code: ipCode.optional(),
    description: ipDescription.describe('the Turkish description'),
    descriptionEn: ipDescriptionEn,
    sortOrder: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();
export class UpdateIpRatingDto extends createZodDto(UpdateIpRatingSchema) {}

export const ListIpRatingsQuerySchema = z.object({ ...pageQueryShape, sort: z.enum(['sortOrder', 'code']).default('sortOrder') }).strict();
export class ListIpRatingsQueryDto extends createZodDto(ListIpRatingsQuerySchema) {}

export const IpRatingSchema = z.object({
  id: z.string().uuid(),
  code: z.string(),
  description: z.string().nullable(),
  descriptionEn: z.string().nullable(),
  sortOrder: z.number().int(),
});
export class IpRatingDto extends createZodDto(IpRatingSchema) {}
export class IpRatingPageDto extends createZodDto(pageSchema(IpRatingSchema)) {}
export type IpRatingView = z.infer<typeof IpRatingSchema>;

export function mapIpRating(r: IpRatingView): IpRatingView {
  return { id: r.id, code: r.code, description: r.description, descriptionEn: r.descriptionEn, sortOrder: r.sortOrder };
}

// ─── Subscription groups (1.15) with their high-usage threshold ─────────────────

const threshold = decimal(12, 3).describe('daily consumption in m³ above which usage counts as high');
const groupName = z.string().trim().min(1).max(100).describe('the Turkish name');
/** Optional: without it the console shows the Turkish name in English too; an empty string clears it. */
const groupNameEn = z
  .string()
  .trim()
  .max(100)
  .nullable()
  .transform((v) => v || null)
  .describe('the English name');

export const CreateSubscriptionGroupSchema = z
  .object({ code, name: groupName, nameEn: groupNameEn.default(null), dailyThresholdM3: threshold })
  .strict();
export class CreateSubscriptionGroupDto extends createZodDto(CreateSubscriptionGroupSchema) {}

export const UpdateSubscriptionGroupSchema = z
  .object({ code: code.optional(), name: groupName.optional(), nameEn: groupNameEn.optional(), dailyThresholdM3: threshold.optional() })
  .strict();
export class UpdateSubscriptionGroupDto extends createZodDto(UpdateSubscriptionGroupSchema) {}

export const ListSubscriptionGroupsQuerySchema = z
  .object({ ...pageQueryShape, sort: z.enum(['code', 'name', 'nameEn', 'dailyThresholdM3']).default('code') })
  .strict();
export class ListSubscriptionGroupsQueryDto extends createZodDto(ListSubscriptionGroupsQuerySchema) {}

/** A subscription group as other records name it: the console picks the name of the user's language. */
export const GroupRefSchema = z.object({ id: z.string().uuid(), code: z.string(), name: z.string(), nameEn: z.string().nullable() });
export type GroupRef = z.infer<typeof GroupRefSchema>;

export const SubscriptionGroupSchema = GroupRefSchema.extend({ dailyThresholdM3: z.number() });
export class SubscriptionGroupDto extends createZodDto(SubscriptionGroupSchema) {}
export class SubscriptionGroupPageDto extends createZodDto(pageSchema(SubscriptionGroupSchema)) {}
export type SubscriptionGroupView = z.infer<typeof SubscriptionGroupSchema>;

export function mapGroupRef(g: GroupRef): GroupRef {
  return { id: g.id, code: g.code, name: g.name, nameEn: g.nameEn };
}

export function mapSubscriptionGroup(g: GroupRef & { dailyThresholdM3: DecimalLike }): SubscriptionGroupView {
  return { ...mapGroupRef(g), dailyThresholdM3: toNumber(g.dailyThresholdM3) };
}

// ─── Communication technologies (1.11) and their provisioning fields ────────────

/**
 * A validation pattern for identifier values. It must compile as a JavaScript RegExp (the console
 * checks with it) and be anchored so it judges the whole value; PostgreSQL compiles it too (service).
 */
export const identifierRegex = z
  .string()
  .min(2)
  .max(300)
  .superRefine((pattern, ctx) => {
    if (!pattern.startsWith('^') || !pattern.endsWith('$') || /(^|[^\\])(\\\\)*\\\$$/.test(pattern)) {
      ctx.addIssue({ code: 'custom', message: 'must be anchored: start with ^ and end with $' });
    }
    try {
      new RegExp(pattern);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
    }
  });

const fieldKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'letters, digits and _ (up to 40), starting with a letter');

const technologyFieldShape = {
  key: fieldKey,
  label: z.string().trim().min(1).max(100).describe('the Turkish label'),
  /** Optional: without it the console shows the Turkish label in English too; an empty string clears it. */
  labelEn: z
    .string()
    .trim()
    .max(100)
    .nullable()
    .transform((v) => v || null)
    .describe('the English label'),
  valueType: z.enum(IDENTIFIER_VALUE_TYPES),
  /** Exact length when fixed; null when the identifier varies (IMSI, ICCID). */
  length: z.number().int().min(1).max(100).nullable(),
  regex: identifierRegex,
  isRequired: z.boolean(),
  isSecret: z.boolean(),
  isUnique: z.boolean(),
  sortOrder: z.number().int().min(0).max(10_000),
};

export const CreateTechnologyFieldSchema = z
  .object({
    ...technologyFieldShape,
    labelEn: technologyFieldShape.labelEn.default(null),
    length: technologyFieldShape.length.default(null),
    isRequired: technologyFieldShape.isRequired.default(true),
    isSecret: technologyFieldShape.isSecret.default(false),
    isUnique: technologyFieldShape.isUnique.default(false),
    /** Defaults to after the technology's last field. */
    sortOrder: technologyFieldShape.sortOrder.optional(),
  })
  .strict();
export class CreateTechnologyFieldDto extends createZodDto(CreateTechnologyFieldSchema) {}
export type CreateTechnologyFieldInput = z.infer<typeof CreateTechnologyFieldSchema>;

export const UpdateTechnologyFieldSchema = z
  .object({
    key: technologyFieldShape.key.optional(),
    label: technologyFieldShape.label.optional(),
    labelEn: technologyFieldShape.labelEn.optional(),
    valueType: technologyFieldShape.valueType.optional(),
    length: technologyFieldShape.length.optional(),
    regex: technologyFieldShape.regex.optional(),
    isRequired: technologyFieldShape.isRequired.optional(),
    isSecret: technologyFieldShape.isSecret.optional(),
    isUnique: technologyFieldShape.isUnique.optional(),
    sortOrder: technologyFieldShape.sortOrder.optional(),
  })
  .strict();
export class UpdateTechnologyFieldDto extends createZodDto(UpdateTechnologyFieldSchema) {}

const technologyShape = {
  code,
  name: z.string().trim().min(1).max(100),
  transports: distinctArray(z.enum(TRANSPORTS), TRANSPORTS.length),
  sortOrder: z.number().int().min(0).max(10_000),
};

export const CreateTechnologySchema = z
  .object({
    ...technologyShape,
    transports: technologyShape.transports.default([]),
    sortOrder: technologyShape.sortOrder.default(0),
    fields: z
      .array(CreateTechnologyFieldSchema)
      .max(20)
      .default([])
      .superRefine((fields, ctx) => {
        const seen = new Set<string>();
        fields.forEach((f, i) => {
          if (seen.has(f.key.toLowerCase())) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'appears twice' });
          seen.add(f.key.toLowerCase());
        });
      }),
  })
  .strict();
export class CreateTechnologyDto extends createZodDto(CreateTechnologySchema) {}

/** Fields are changed one at a time through their own routes: stored identifiers refer to them. */
export const UpdateTechnologySchema = z
  .object({
    code: technologyShape.code.optional(),
    name: technologyShape.name.optional(),
    transports: technologyShape.transports.optional(),
    sortOrder: technologyShape.sortOrder.optional(),
  })
  .strict();
export class UpdateTechnologyDto extends createZodDto(UpdateTechnologySchema) {}

export const ListTechnologiesQuerySchema = z
  .object({ ...pageQueryShape, sort: z.enum(['sortOrder', 'code', 'name']).default('sortOrder') })
  .strict();
export class ListTechnologiesQueryDto extends createZodDto(ListTechnologiesQuerySchema) {}

export const TechnologyFieldSchema = z.object({
  id: z.string().uuid(),
  key: z.string(),
  label: z.string(),
  labelEn: z.string().nullable(),
  valueType: z.enum(IDENTIFIER_VALUE_TYPES),
  length: z.number().int().nullable(),
  regex: z.string(),
  isRequired: z.boolean(),
  isSecret: z.boolean(),
  isUnique: z.boolean(),
  sortOrder: z.number().int(),
});
export class TechnologyFieldDto extends createZodDto(TechnologyFieldSchema) {}
export type TechnologyFieldView = z.infer<typeof TechnologyFieldSchema>;

export const TechnologySchema = z.object({
  id: z.string().uuid(),
  code: z.string(),
  name: z.string(),
  transports: z.array(z.enum(TRANSPORTS)),
  sortOrder: z.number().int(),
  fields: z.array(TechnologyFieldSchema),
});
export class TechnologyDto extends createZodDto(TechnologySchema) {}
export class TechnologyPageDto extends createZodDto(pageSchema(TechnologySchema)) {}
export type TechnologyView = z.infer<typeof TechnologySchema>;

type FieldRow = {
  id: string;
  key: string;
  label: string;
  labelEn: string | null;
  valueType: (typeof IDENTIFIER_VALUE_TYPES)[number];
  length: number | null;
  regex: string;
  isRequired: boolean;
  isSecret: boolean;
  isUnique: boolean;
  sortOrder: number;
};

export function mapTechnologyField(f: FieldRow): TechnologyFieldView {
  return {
    id: f.id,
    key: f.key,
    label: f.label,
    labelEn: f.labelEn,
    valueType: f.valueType,
    length: f.length,
    regex: f.regex,
    isRequired: f.isRequired,
    isSecret: f.isSecret,
    isUnique: f.isUnique,
    sortOrder: f.sortOrder,
  };
}

export function mapTechnology(t: {
  id: string;
  code: string;
  name: string;
  transports: string[];
  sortOrder: number;
  fields: FieldRow[];
}): TechnologyView {
  return {
    id: t.id,
    code: t.code,
    name: t.name,
    // Stored as text[]; anything outside the known list is not shown rather than failing the response.
    transports: t.transports.filter((x): x is (typeof TRANSPORTS)[number] => (TRANSPORTS as readonly string[]).includes(x)),
    sortOrder: t.sortOrder,
    fields: [...t.fields].sort((a, b) => a.sortOrder - b.sortOrder || a.key.localeCompare(b.key)).map(mapTechnologyField),
  };
}
