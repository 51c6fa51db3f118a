import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { COMMUNICATION_MODULES } from '@water/shared';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { distinctArray, IDENTIFIER_VALUE_TYPES } from '../definitions/definitions.dto';
import { ProfileRefSchema, TenantRefSchema } from './meter-profiles.dto';

const uuid = z.string().uuid();

/** Battery life only means something for a device with a communication module. */
export function batteryIssue(v: {
  communicationModule?: string;
  batteryLifeMonths?: number | null;
}): { path: [string]; message: string } | null {
  if (v.communicationModule === 'NONE' && v.batteryLifeMonths != null) {
    return { path: ['batteryLifeMonths'], message: 'only for devices with a communication module (not NONE)' };
  }
  return null;
}

const checkBattery = (v: { communicationModule?: string; batteryLifeMonths?: number | null }, ctx: z.RefinementCtx) => {
  const issue = batteryIssue(v);
  if (issue) ctx.addIssue({ code: 'custom', ...issue });
};

const deviceProfileShape = {
  brandId: uuid,
  /** Brand + model code is unique. */
  modelCode: z.string().trim().min(1).max(60),
  communicationModule: z.enum(COMMUNICATION_MODULES),
  batteryLifeMonths: z.number().int().min(1).max(600).nullable(),
  /** How often the device reports; silent for twice this long means offline. */
  expectedIntervalMinutes: z.number().int().min(1).max(44_640),
  description: z.string().trim().max(500).nullable(),
  /** Communication technologies (brief 2.7.2.6); their fields are what the device form asks for. */
  technologyIds: distinctArray(uuid, 20),
  compatibleMeterProfileIds: distinctArray(uuid, 500),
  allowedTenantIds: distinctArray(uuid, 1000),
};

export const CreateDeviceProfileSchema = z
  .object({
    ...deviceProfileShape,
    communicationModule: deviceProfileShape.communicationModule.default('RETROFIT'),
    batteryLifeMonths: deviceProfileShape.batteryLifeMonths.default(null),
    expectedIntervalMinutes: deviceProfileShape.expectedIntervalMinutes.default(60),
    description: deviceProfileShape.description.default(null),
    technologyIds: deviceProfileShape.technologyIds.default([]),
    compatibleMeterProfileIds: deviceProfileShape.compatibleMeterProfileIds.default([]),
    allowedTenantIds: deviceProfileShape.allowedTenantIds.default([]),
  })
  .strict()
  .superRefine(checkBattery);
export class CreateDeviceProfileDto extends createZodDto(CreateDeviceProfileSchema) {}

export const UpdateDeviceProfileSchema = z.object(deviceProfileShape).partial().strict().superRefine(checkBattery);
export class UpdateDeviceProfileDto extends createZodDto(UpdateDeviceProfileSchema) {}

export const ListDeviceProfilesQuerySchema = z
  .object({
    ...pageQueryShape,
    sort: z.enum(['brand', 'modelCode', 'communicationModule', 'createdAt']).default('brand'),
    brandId: uuid.optional(),
    communicationModule: z.enum(COMMUNICATION_MODULES).optional(),
    technologyId: uuid.optional(),
    /** Only profiles this tenant may use (the device form's list). */
    tenantId: uuid.optional(),
    /** Only profiles compatible with this meter profile. */
    meterProfileId: uuid.optional(),
  })
  .strict();
export class ListDeviceProfilesQueryDto extends createZodDto(ListDeviceProfilesQuerySchema) {}

const TechnologyRefSchema = z.object({ id: z.string().uuid(), code: z.string(), name: z.string() });

export const DeviceProfileRowSchema = z.object({
  id: z.string().uuid(),
  brand: z.object({ id: z.string().uuid(), name: z.string() }),
  modelCode: z.string(),
  communicationModule: z.enum(COMMUNICATION_MODULES),
  batteryLifeMonths: z.number().int().nullable(),
  expectedIntervalMinutes: z.number().int(),
  description: z.string().nullable(),
  technologies: z.array(TechnologyRefSchema),
  scenarioCount: z.number().int(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export class DeviceProfilePageDto extends createZodDto(pageSchema(DeviceProfileRowSchema)) {}
export type DeviceProfileRow = z.infer<typeof DeviceProfileRowSchema>;

export const ScenarioSummarySchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  technologyId: z.string().uuid(),
  fPort: z.number().int().nullable(),
  isActive: z.boolean(),
  sortOrder: z.number().int(),
  version: z.number().int(),
});

export const DeviceProfileDetailSchema = DeviceProfileRowSchema.extend({
  /** Only those the caller may see. */
  compatibleMeterProfiles: z.array(ProfileRefSchema),
  /** Child tenants allowed the profile, only those the caller may see. */
  allowedTenants: z.array(TenantRefSchema),
  scenarios: z.array(ScenarioSummarySchema),
});
export class DeviceProfileDetailDto extends createZodDto(DeviceProfileDetailSchema) {}
export type DeviceProfileDetail = z.infer<typeof DeviceProfileDetailSchema>;

interface DeviceProfileRecord {
  id: string;
  brand: { id: string; name: string };
  modelCode: string;
  communicationModule: DeviceProfileRow['communicationModule'];
  batteryLifeMonths: number | null;
  expectedIntervalMinutes: number;
  description: string | null;
  technologies: { technology: { id: string; code: string; name: string; sortOrder: number } }[];
  _count: { scenarios: number };
  createdAt: Date;
  updatedAt: Date;
}

export function mapDeviceProfileRow(p: DeviceProfileRecord): DeviceProfileRow {
  return {
    id: p.id,
    brand: { id: p.brand.id, name: p.brand.name },
    modelCode: p.modelCode,
    communicationModule: p.communicationModule,
    batteryLifeMonths: p.batteryLifeMonths,
    expectedIntervalMinutes: p.expectedIntervalMinutes,
    description: p.description,
    technologies: p.technologies
      .map((t) => t.technology)
      .sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code))
      .map((t) => ({ id: t.id, code: t.code, name: t.name })),
    scenarioCount: p._count.scenarios,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function mapDeviceProfileDetail(
  p: DeviceProfileRecord & {
    compatibleMeters: { meterProfile: { id: string; modelCode: string; brand: { name: string } } }[];
    tenants: { tenant: { id: string; name: string } }[];
    scenarios: {
      id: string;
      name: string;
      technologyId: string;
      fPort: number | null;
      isActive: boolean;
      sortOrder: number;
      version: number;
    }[];
  },
  canSeeTenant: (tenantId: string) => boolean,
): DeviceProfileDetail {
  return {
    ...mapDeviceProfileRow(p),
    compatibleMeterProfiles: p.compatibleMeters
      .map(({ meterProfile: m }) => ({ id: m.id, brand: m.brand.name, modelCode: m.modelCode }))
      .sort((a, b) => `${a.brand} ${a.modelCode}`.localeCompare(`${b.brand} ${b.modelCode}`)),
    allowedTenants: p.tenants
      .filter((t) => canSeeTenant(t.tenant.id))
      .map((t) => ({ id: t.tenant.id, name: t.tenant.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    scenarios: p.scenarios.map((s) => ({
      id: s.id,
      name: s.name,
      technologyId: s.technologyId,
      fPort: s.fPort,
      isActive: s.isActive,
      sortOrder: s.sortOrder,
      version: s.version,
    })),
  };
}

// ─── Message scenarios (brief 2.7.2.3) ──────────────────────────────────────────

/** Decoders are TS013 codecs of at most 64 KB; they run in a sandbox elsewhere, never here. */
const decoderSource = z
  .string()
  .min(1)
  .refine((s) => Buffer.byteLength(s, 'utf8') <= 65_536, 'at most 64 KB')
  .refine((s) => /\bdecodeUplink\b/.test(s), 'must define decodeUplink(input) (LoRa Alliance TS013 codec API)');

const fieldMapping = z
  .record(z.string().min(1).max(60), z.string().trim().min(1).max(100))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 entries')
  .describe('decoder output key → reading field, for vendors whose keys differ from the convention');

const scenarioShape = {
  name: z.string().trim().min(1).max(100),
  /** One of the profile's communication technologies. */
  technologyId: uuid,
  /** Uplink port the scenario applies to (LoRaWAN FPort); null matches any port. */
  fPort: z.number().int().min(0).max(255).nullable(),
  decoderSource,
  fieldMapping,
  isActive: z.boolean(),
  sortOrder: z.number().int().min(0).max(10_000),
};

export const CreateScenarioSchema = z
  .object({
    ...scenarioShape,
    fPort: scenarioShape.fPort.default(null),
    fieldMapping: fieldMapping.default({}),
    isActive: scenarioShape.isActive.default(true),
    sortOrder: scenarioShape.sortOrder.default(0),
  })
  .strict();
export class CreateScenarioDto extends createZodDto(CreateScenarioSchema) {}

export const UpdateScenarioSchema = z.object(scenarioShape).partial().strict();
export class UpdateScenarioDto extends createZodDto(UpdateScenarioSchema) {}

export const ScenarioSchema = z.object({
  id: z.string().uuid(),
  deviceProfileId: z.string().uuid(),
  technology: TechnologyRefSchema,
  name: z.string(),
  fPort: z.number().int().nullable(),
  decoderSource: z.string(),
  fieldMapping: z.record(z.string(), z.string()),
  isActive: z.boolean(),
  sortOrder: z.number().int(),
  /** Bumped on every change so compiled decoders can be invalidated. */
  version: z.number().int(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export class ScenarioDto extends createZodDto(ScenarioSchema) {}
export class ScenarioListDto extends createZodDto(z.array(ScenarioSchema)) {}
export type ScenarioView = z.infer<typeof ScenarioSchema>;

export function mapScenario(s: {
  id: string;
  deviceProfileId: string;
  technology: { id: string; code: string; name: string };
  name: string;
  fPort: number | null;
  decoderSource: string;
  fieldMapping: unknown;
  isActive: boolean;
  sortOrder: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}): ScenarioView {
  const mapping =
    s.fieldMapping && typeof s.fieldMapping === 'object' && !Array.isArray(s.fieldMapping)
      ? (s.fieldMapping as Record<string, unknown>)
      : {};
  return {
    id: s.id,
    deviceProfileId: s.deviceProfileId,
    technology: { id: s.technology.id, code: s.technology.code, name: s.technology.name },
    name: s.name,
    fPort: s.fPort,
    decoderSource: s.decoderSource,
    fieldMapping: Object.fromEntries(Object.entries(mapping).filter((e): e is [string, string] => typeof e[1] === 'string')),
    isActive: s.isActive,
    sortOrder: s.sortOrder,
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

// ─── Identifier fields a device of the profile needs (brief 2.6.3.6) ────────────

export const IdentifierFieldSchema = z.object({
  id: z.string().uuid(),
  technologyId: z.string().uuid(),
  technologyCode: z.string(),
  technologyName: z.string(),
  key: z.string(),
  label: z.string(),
  labelEn: z.string().nullable(),
  valueType: z.enum(IDENTIFIER_VALUE_TYPES),
  length: z.number().int().nullable(),
  regex: z.string(),
  isRequired: z.boolean(),
  /** Write-only once stored: the device form never shows the stored value. */
  isSecret: z.boolean(),
  /** Identifies the device on its network: unique across the platform. */
  isUnique: z.boolean(),
  sortOrder: z.number().int(),
});
export class IdentifierFieldListDto extends createZodDto(z.array(IdentifierFieldSchema)) {}
export type IdentifierField = z.infer<typeof IdentifierFieldSchema>;

export function mapIdentifierField(f: {
  id: string;
  key: string;
  label: string;
  labelEn: string | null;
  valueType: IdentifierField['valueType'];
  length: number | null;
  regex: string;
  isRequired: boolean;
  isSecret: boolean;
  isUnique: boolean;
  sortOrder: number;
  technology: { id: string; code: string; name: string };
}): IdentifierField {
  return {
    id: f.id,
    technologyId: f.technology.id,
    technologyCode: f.technology.code,
    technologyName: f.technology.name,
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
