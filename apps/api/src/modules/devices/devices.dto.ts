import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { ASSET_STATUSES } from '@water/shared';
import { AddressSchema, mapAddress } from '../../core/http/address.dto';
import { pageQueryShape, pageSchema } from '../../core/http/paging';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });
const status = z.enum(ASSET_STATUSES, { message: `must be one of ${ASSET_STATUSES.join(', ')}` });
const serialNo = z.string().trim().min(1, 'required').max(60, 'at most 60 characters');

/**
 * Provisioning identifiers keyed by the technology field's key, e.g. { DevEUI, JoinEUI, AppKey }.
 * Checked by the service against the device profile's technologies. A secret left out (or sent
 * back masked) keeps its stored value; null clears an optional field.
 */
export const IdentifiersSchema = z
  .record(z.string().max(40, 'unknown field'), z.string().trim().max(100, 'at most 100 characters').nullable())
  .refine((r) => Object.keys(r).length <= 20, 'too many identifier fields');
export type IdentifiersInput = z.infer<typeof IdentifiersSchema>;

/** Fields of a new device; the meter form's "create new" device uses them too (without tenant and meter). */
export const NewDeviceShape = {
  deviceProfileId: uuid(),
  serialNo,
  status: status.default('WAREHOUSE'),
  identifiers: IdentifiersSchema.default({}),
};
export const NewDeviceSchema = z.object(NewDeviceShape).strict();
export type NewDeviceInput = z.infer<typeof NewDeviceSchema>;

export const CreateDeviceSchema = z
  .object({
    tenantId: uuid(),
    /** Attaches the device to this meter (same tenant, compatible profiles, meter without a device). */
    meterId: uuid().nullish(),
    ...NewDeviceShape,
  })
  .strict();
export type CreateDeviceInput = z.infer<typeof CreateDeviceSchema>;
export class CreateDeviceDto extends createZodDto(CreateDeviceSchema) {}

export const UpdateDeviceSchema = z
  .object({
    deviceProfileId: uuid().optional(),
    serialNo: serialNo.optional(),
    status: status.optional(),
    /** A meter attaches (or moves) the device; null detaches it to the inventory. */
    meterId: uuid().nullish(),
    identifiers: IdentifiersSchema.optional(),
  })
  .strict();
export type UpdateDeviceInput = z.infer<typeof UpdateDeviceSchema>;
export class UpdateDeviceDto extends createZodDto(UpdateDeviceSchema) {}

export const AttachDeviceSchema = z.object({ meterId: uuid() }).strict();
export class AttachDeviceDto extends createZodDto(AttachDeviceSchema) {}

const booleanQuery = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');

export const ListDevicesQuerySchema = z
  .object({
    ...pageQueryShape,
    tenantId: uuid().optional(),
    status: status.optional(),
    brandId: uuid().optional(),
    deviceProfileId: uuid().optional(),
    /** false: the inventory of devices not attached to any meter. */
    attached: booleanQuery.optional(),
    sort: z.enum(['serialNo', 'status', 'lastSeenAt', 'batteryPct', 'createdAt']).default('serialNo'),
  })
  .strict();
export type ListDevicesQuery = z.infer<typeof ListDevicesQuerySchema>;
export class ListDevicesQueryDto extends createZodDto(ListDevicesQuerySchema) {}

/** The brand filter's options: brands the caller's devices (of one tenant subtree) are of. */
export const DeviceBrandsQuerySchema = z.object({ tenantId: uuid().optional() }).strict();
export type DeviceBrandsQuery = z.infer<typeof DeviceBrandsQuerySchema>;
export class DeviceBrandsQueryDto extends createZodDto(DeviceBrandsQuerySchema) {}

// ─── Responses ────────────────────────────────────────────────────────────────────

export const DeviceBrandListSchema = z.object({ items: z.array(z.object({ id: z.string().uuid(), name: z.string() })) });
export type DeviceBrandList = z.infer<typeof DeviceBrandListSchema>;
export class DeviceBrandListDto extends createZodDto(DeviceBrandListSchema) {}

const ProfileRefSchema = z.object({ id: z.string().uuid(), brand: z.string(), modelCode: z.string() });

export const DeviceRowSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  serialNo: z.string(),
  status: z.enum(ASSET_STATUSES),
  brand: z.object({ id: z.string().uuid(), name: z.string() }),
  profile: ProfileRefSchema,
  /** The identifying field of the network (DevEUI, Sigfox ID, IMEI ...), never a secret. */
  networkId: z.object({ key: z.string(), value: z.string() }).nullable(),
  meter: z.object({ id: z.string().uuid(), serialNo: z.string() }).nullable(),
  lastSeenAt: z.string().datetime().nullable(),
  batteryPct: z.number().nullable(),
  rssi: z.number().nullable(),
  snr: z.number().nullable(),
  /** Heard from within twice the profile's expected interval. */
  online: z.boolean(),
  createdAt: z.string().datetime(),
});
export type DeviceRow = z.infer<typeof DeviceRowSchema>;
export class DevicePageDto extends createZodDto(pageSchema(DeviceRowSchema)) {}

export const IdentifierViewSchema = z.object({
  label: z.string(),
  labelEn: z.string().nullable(),
  technology: z.string(),
  /** Secrets are shown masked (last 4 characters only); null when not set. */
  value: z.string().nullable(),
  hasValue: z.boolean(),
  isSecret: z.boolean(),
  isRequired: z.boolean(),
  isUnique: z.boolean(),
});

export const DeviceDetailSchema = DeviceRowSchema.extend({
  profile: ProfileRefSchema.extend({
    communicationModule: z.string(),
    batteryLifeMonths: z.number().int().nullable(),
    expectedIntervalMinutes: z.number().int(),
    technologies: z.array(z.object({ code: z.string(), name: z.string() })),
  }),
  meter: z
    .object({
      id: z.string().uuid(),
      serialNo: z.string(),
      brand: z.string(),
      modelCode: z.string(),
      status: z.enum(ASSET_STATUSES),
      lastIndexM3: z.number().nullable(),
      lastReadingAt: z.string().datetime().nullable(),
      subscription: z.object({ id: z.string().uuid(), subscriptionNo: z.string(), customerName: z.string() }).nullable(),
    })
    .nullable(),
  address: AddressSchema.nullable(),
  identifiers: z.record(z.string(), IdentifierViewSchema),
  updatedAt: z.string().datetime(),
});
export type DeviceDetail = z.infer<typeof DeviceDetailSchema>;
export class DeviceDetailDto extends createZodDto(DeviceDetailSchema) {}

/** Write-only secrets: twelve bullets and the last four characters. */
export function maskSecret(value: string): string {
  return `${'•'.repeat(12)}${value.slice(-4)}`;
}

export const isMasked = (value: string) => value.includes('•');

type Decimalish = { toNumber(): number } | string | number | null;
const num = (v: Decimalish): number | null => (v == null ? null : typeof v === 'object' ? v.toNumber() : Number(v));
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function isOnline(lastSeenAt: Date | null, expectedIntervalMinutes: number, now = Date.now()): boolean {
  return lastSeenAt !== null && now - lastSeenAt.getTime() <= 2 * expectedIntervalMinutes * 60_000;
}

/** What an identifier field says about itself: its key, its label in both languages and its flags. */
interface IdentifierFieldFacts {
  key: string;
  label: string;
  labelEn: string | null;
  isSecret: boolean;
  isRequired: boolean;
  isUnique: boolean;
}

export interface IdentifierRecord {
  value: string;
  field: IdentifierFieldFacts & {
    sortOrder: number;
    technology: { code: string; name: string };
  };
}

export interface DeviceRecord {
  id: string;
  tenantId: string;
  tenant: { name: string };
  serialNo: string;
  status: (typeof ASSET_STATUSES)[number];
  brandId: string;
  brand: { name: string };
  profile: {
    id: string;
    modelCode: string;
    communicationModule: string;
    batteryLifeMonths: number | null;
    expectedIntervalMinutes: number;
    technologies: Array<{ technology: { code: string; name: string } }>;
  };
  meter: {
    id: string;
    serialNo: string;
    status: (typeof ASSET_STATUSES)[number];
    lastIndexM3: Decimalish;
    lastReadingAt: Date | null;
    brand: { name: string };
    profile: { modelCode: string };
    subscriptions: Array<{
      subscription: {
        id: string;
        subscriptionNo: string;
        address: Parameters<typeof mapAddress>[0] | null;
        customer: { customerType: string; name: string | null; surname: string | null; organizationName: string | null };
      };
    }>;
  } | null;
  identifiers: IdentifierRecord[];
  lastSeenAt: Date | null;
  batteryPct: Decimalish;
  rssi: number | null;
  snr: Decimalish;
  createdAt: Date;
  updatedAt: Date;
}

export function mapDeviceRow(d: DeviceRecord): DeviceRow {
  const network = [...d.identifiers]
    .sort((a, b) => a.field.sortOrder - b.field.sortOrder)
    .find((i) => i.field.isUnique && !i.field.isSecret);
  return {
    id: d.id,
    tenantId: d.tenantId,
    tenantName: d.tenant.name,
    serialNo: d.serialNo,
    status: d.status,
    brand: { id: d.brandId, name: d.brand.name },
    profile: { id: d.profile.id, brand: d.brand.name, modelCode: d.profile.modelCode },
    networkId: network ? { key: network.field.key, value: network.value } : null,
    meter: d.meter ? { id: d.meter.id, serialNo: d.meter.serialNo } : null,
    lastSeenAt: iso(d.lastSeenAt),
    batteryPct: num(d.batteryPct),
    rssi: d.rssi,
    snr: num(d.snr),
    online: isOnline(d.lastSeenAt, d.profile.expectedIntervalMinutes),
    createdAt: d.createdAt.toISOString(),
  };
}

export function mapDeviceDetail(d: DeviceRecord, fields: Array<IdentifierFieldFacts & { technologyCode: string }>): DeviceDetail {
  const values = new Map(d.identifiers.map((i) => [i.field.key, i.value]));
  const identifiers: DeviceDetail['identifiers'] = {};
  for (const f of fields) {
    if (identifiers[f.key]) continue;
    const value = values.get(f.key) ?? null;
    identifiers[f.key] = {
      label: f.label,
      labelEn: f.labelEn,
      technology: f.technologyCode,
      value: value === null ? null : f.isSecret ? maskSecret(value) : value,
      hasValue: value !== null,
      isSecret: f.isSecret,
      isRequired: f.isRequired,
      isUnique: f.isUnique,
    };
  }
  const m = d.meter;
  const s = m?.subscriptions[0]?.subscription;
  const c = s?.customer;
  return {
    ...mapDeviceRow(d),
    profile: {
      id: d.profile.id,
      brand: d.brand.name,
      modelCode: d.profile.modelCode,
      communicationModule: d.profile.communicationModule,
      batteryLifeMonths: d.profile.batteryLifeMonths,
      expectedIntervalMinutes: d.profile.expectedIntervalMinutes,
      technologies: d.profile.technologies.map((t) => ({ code: t.technology.code, name: t.technology.name })),
    },
    meter: m
      ? {
          id: m.id,
          serialNo: m.serialNo,
          brand: m.brand.name,
          modelCode: m.profile.modelCode,
          status: m.status,
          lastIndexM3: num(m.lastIndexM3),
          lastReadingAt: iso(m.lastReadingAt),
          subscription:
            s && c
              ? {
                  id: s.id,
                  subscriptionNo: s.subscriptionNo,
                  customerName:
                    c.customerType === 'ORGANIZATIONAL' ? (c.organizationName ?? '') : `${c.name ?? ''} ${c.surname ?? ''}`.trim(),
                }
              : null,
        }
      : null,
    address: s?.address ? mapAddress(s.address) : null,
    identifiers,
    updatedAt: d.updatedAt.toISOString(),
  };
}
