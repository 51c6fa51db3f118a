import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { COMMUNICATION_MODULES, CONNECTION_TYPES, DIAL_TYPES, METER_TYPES, MOUNTING_TYPES, TEMPERATURE_TYPES } from '@water/shared';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { decimal, distinctArray, hasAtMostDecimals, toNumber, toNumberOrNull } from '../definitions/definitions.dto';

const uuid = z.string().uuid();

/** Flow rates in m³/h, NUMERIC(10,4). */
const flow = decimal(10, 4);
/** Dimensions in mm, NUMERIC(8,1). */
const dimension = decimal(8, 1).nullable();
const pressureLoss = z
  .number()
  .min(0)
  .max(999.999)
  .refine((v) => hasAtMostDecimals(v, 3), 'at most 3 decimals')
  .nullable();

export const FLOW_KEYS = ['q1', 'q2', 'q3', 'q4'] as const;
export type FlowRates = Partial<Record<(typeof FLOW_KEYS)[number], number>>;

/**
 * Q1 ≤ Q2 ≤ Q3 ≤ Q4 among the rates given. The first pair out of order is reported on its later rate,
 * or on the earlier one when only that one is among `changed` (a partial update checked against stored rates).
 */
export function flowOrderIssue(rates: FlowRates, changed?: ReadonlySet<string>): { path: [string]; message: string } | null {
  let previous: { key: string; value: number } | null = null;
  for (const key of FLOW_KEYS) {
    const value = rates[key];
    if (value === undefined) continue;
    if (previous && value < previous.value) {
      if (changed && !changed.has(key) && changed.has(previous.key))
        return { path: [previous.key], message: `must be at most ${key.toUpperCase()} (${value})` };
      return { path: [key], message: `must be at least ${previous.key.toUpperCase()} (${previous.value})` };
    }
    previous = { key, value };
  }
  return null;
}

const checkFlowOrder = (rates: FlowRates, ctx: z.RefinementCtx) => {
  const issue = flowOrderIssue(rates);
  if (issue) ctx.addIssue({ code: 'custom', ...issue });
};

const meterProfileShape = {
  brandId: uuid,
  /** Brand + model code is unique. */
  modelCode: z.string().trim().min(1).max(60),
  meterType: z.enum(METER_TYPES),
  dialType: z.enum(DIAL_TYPES),
  temperatureType: z.enum(TEMPERATURE_TYPES),
  mountingType: z.enum(MOUNTING_TYPES),
  connectionType: z.enum(CONNECTION_TYPES),
  ipRatingId: uuid,
  /** Nominal diameter DN in mm. */
  diameterMm: z.number().int().positive().max(5000),
  lengthMm: dimension,
  widthMm: dimension,
  heightMm: dimension,
  q1: flow,
  q2: flow,
  q3: flow,
  q4: flow,
  /** Entered by hand when given; null (or absent on create) lets the database compute Q3/Q1. */
  rValue: decimal(10, 2).nullable(),
  /** In bar. */
  pressureLossBar: pressureLoss,
  /** Where the register wraps to zero, m³ (10^digits; 100,000 for 5 integer digits); null: the tenant's rollover default (issue 17). */
  registerCapacityM3: z.number().positive().max(99_999_999_999).nullable(),
  communicationModule: z.enum(COMMUNICATION_MODULES),
  compatibleDeviceProfileIds: distinctArray(uuid, 500),
  /** Child tenants that may use the profile (the root always may). */
  allowedTenantIds: distinctArray(uuid, 1000),
};

export const CreateMeterProfileSchema = z
  .object({
    ...meterProfileShape,
    lengthMm: dimension.default(null),
    widthMm: dimension.default(null),
    heightMm: dimension.default(null),
    rValue: meterProfileShape.rValue.default(null),
    pressureLossBar: pressureLoss.default(null),
    registerCapacityM3: z.number().positive().max(99_999_999_999).nullable().default(null),
    compatibleDeviceProfileIds: meterProfileShape.compatibleDeviceProfileIds.default([]),
    allowedTenantIds: meterProfileShape.allowedTenantIds.default([]),
  })
  .strict()
  .superRefine(checkFlowOrder);
export class CreateMeterProfileDto extends createZodDto(CreateMeterProfileSchema) {}

export const UpdateMeterProfileSchema = z.object(meterProfileShape).partial().strict().superRefine(checkFlowOrder);
export class UpdateMeterProfileDto extends createZodDto(UpdateMeterProfileSchema) {}

export const ListMeterProfilesQuerySchema = z
  .object({
    ...pageQueryShape,
    sort: z.enum(['brand', 'modelCode', 'meterType', 'diameterMm', 'q3', 'createdAt']).default('brand'),
    brandId: uuid.optional(),
    meterType: z.enum(METER_TYPES).optional(),
    communicationModule: z.enum(COMMUNICATION_MODULES).optional(),
    /** Only profiles this tenant may use (the meter form's list). */
    tenantId: uuid.optional(),
    /** Only profiles compatible with this device profile. */
    deviceProfileId: uuid.optional(),
  })
  .strict();
export class ListMeterProfilesQueryDto extends createZodDto(ListMeterProfilesQuerySchema) {}

export const ProfileRefSchema = z.object({ id: z.string().uuid(), brand: z.string(), modelCode: z.string() });
export const TenantRefSchema = z.object({ id: z.string().uuid(), name: z.string() });

export const MeterProfileRowSchema = z.object({
  id: z.string().uuid(),
  brand: z.object({ id: z.string().uuid(), name: z.string() }),
  modelCode: z.string(),
  meterType: z.enum(METER_TYPES),
  dialType: z.enum(DIAL_TYPES),
  temperatureType: z.enum(TEMPERATURE_TYPES),
  mountingType: z.enum(MOUNTING_TYPES),
  connectionType: z.enum(CONNECTION_TYPES),
  ipRating: z.object({ id: z.string().uuid(), code: z.string() }),
  diameterMm: z.number().int(),
  lengthMm: z.number().nullable(),
  widthMm: z.number().nullable(),
  heightMm: z.number().nullable(),
  q1: z.number(),
  q2: z.number(),
  q3: z.number(),
  q4: z.number(),
  rValue: z.number(),
  rValueManual: z.boolean(),
  pressureLossBar: z.number().nullable(),
  registerCapacityM3: z.number().nullable(),
  communicationModule: z.enum(COMMUNICATION_MODULES),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export class MeterProfilePageDto extends createZodDto(pageSchema(MeterProfileRowSchema)) {}
export type MeterProfileRow = z.infer<typeof MeterProfileRowSchema>;

export const MeterProfileDetailSchema = MeterProfileRowSchema.extend({
  /** Only those the caller may see. */
  compatibleDeviceProfiles: z.array(ProfileRefSchema),
  /** Child tenants allowed the profile, only those the caller may see. */
  allowedTenants: z.array(TenantRefSchema),
});
export class MeterProfileDetailDto extends createZodDto(MeterProfileDetailSchema) {}
export type MeterProfileDetail = z.infer<typeof MeterProfileDetailSchema>;

type DecimalLike = Parameters<typeof toNumber>[0];

interface MeterProfileRecord {
  id: string;
  brand: { id: string; name: string };
  modelCode: string;
  meterType: MeterProfileRow['meterType'];
  dialType: MeterProfileRow['dialType'];
  temperatureType: MeterProfileRow['temperatureType'];
  mountingType: MeterProfileRow['mountingType'];
  connectionType: MeterProfileRow['connectionType'];
  ipRating: { id: string; code: string };
  diameterMm: number;
  lengthMm: DecimalLike | null;
  widthMm: DecimalLike | null;
  heightMm: DecimalLike | null;
  q1: DecimalLike;
  q2: DecimalLike;
  q3: DecimalLike;
  q4: DecimalLike;
  rValue: DecimalLike;
  rValueManual: boolean;
  pressureLossBar: DecimalLike | null;
  registerCapacityM3: DecimalLike | null;
  communicationModule: MeterProfileRow['communicationModule'];
  createdAt: Date;
  updatedAt: Date;
}

export function mapMeterProfileRow(p: MeterProfileRecord): MeterProfileRow {
  return {
    id: p.id,
    brand: { id: p.brand.id, name: p.brand.name },
    modelCode: p.modelCode,
    meterType: p.meterType,
    dialType: p.dialType,
    temperatureType: p.temperatureType,
    mountingType: p.mountingType,
    connectionType: p.connectionType,
    ipRating: { id: p.ipRating.id, code: p.ipRating.code },
    diameterMm: p.diameterMm,
    lengthMm: toNumberOrNull(p.lengthMm),
    widthMm: toNumberOrNull(p.widthMm),
    heightMm: toNumberOrNull(p.heightMm),
    q1: toNumber(p.q1),
    q2: toNumber(p.q2),
    q3: toNumber(p.q3),
    q4: toNumber(p.q4),
    rValue: toNumber(p.rValue),
    rValueManual: p.rValueManual,
    pressureLossBar: toNumberOrNull(p.pressureLossBar),
    registerCapacityM3: toNumberOrNull(p.registerCapacityM3),
    communicationModule: p.communicationModule,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function mapMeterProfileDetail(
  p: MeterProfileRecord & {
    compatibleDevices: { deviceProfile: { id: string; modelCode: string; brand: { name: string } } }[];
    tenants: { tenant: { id: string; name: string } }[];
  },
  canSeeTenant: (tenantId: string) => boolean,
): MeterProfileDetail {
  return {
    ...mapMeterProfileRow(p),
    compatibleDeviceProfiles: p.compatibleDevices
      .map(({ deviceProfile: d }) => ({ id: d.id, brand: d.brand.name, modelCode: d.modelCode }))
      .sort((a, b) => `${a.brand} ${a.modelCode}`.localeCompare(`${b.brand} ${b.modelCode}`)),
    allowedTenants: p.tenants
      .filter((t) => canSeeTenant(t.tenant.id))
      .map((t) => ({ id: t.tenant.id, name: t.tenant.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
