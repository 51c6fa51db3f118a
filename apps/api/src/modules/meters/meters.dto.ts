import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { ASSET_STATUSES, COMMUNICATION_MODULES, VALVE_STATES } from '@water/shared';
import { AddressSchema, mapAddress } from '../../core/http/address.dto';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { isOnline, NewDeviceShape } from '../devices/devices.dto';
import { indexM3, isoInstant } from '../subscriptions/subscriptions.dto';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });
const status = z.enum(ASSET_STATUSES, { message: `must be one of ${ASSET_STATUSES.join(', ')}` });
const communicationModule = z.enum(COMMUNICATION_MODULES, { message: `must be one of ${COMMUNICATION_MODULES.join(', ')}` });
const valveState = z.enum(VALVE_STATES, { message: `must be one of ${VALVE_STATES.join(', ')}` });
const serialNo = z.string().trim().min(1, 'required').max(60, 'at most 60 characters');

/** Device configuration of the meter form (brief 2.5.3.10): none, select from inventory, or create new. */
export const DeviceConfigSchema = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('none') }).strict(),
    z.object({ mode: z.literal('existing'), deviceId: uuid() }).strict(),
    z.object({ mode: z.literal('new'), ...NewDeviceShape }).strict(),
  ],
  { message: 'mode must be none, existing or new' },
);
export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;

export const CreateMeterSchema = z
  .object({
    tenantId: uuid(),
    meterProfileId: uuid(),
    serialNo,
    initialIndexM3: indexM3.default(0),
    /** ISO 8601 with its zone; the console enters DD.MM.YYYY HH:mm:ss in the tenant's zone. */
    installedAt: isoInstant.nullish(),
    status: status.default('WAREHOUSE'),
    /** Overrides the profile's communication module. */
    communicationModule: communicationModule.nullish(),
    hasValve: z.boolean().default(false),
    valveState: valveState.nullish(),
    /** Fits the meter to this subscription (same rules as PUT /subscriptions/:id/meter). */
    subscriptionId: uuid().nullish(),
    device: DeviceConfigSchema.default({ mode: 'none' }),
  })
  .strict()
  .refine((v) => v.hasValve || !v.valveState, { message: 'only a meter with a valve has a valve state', path: ['valveState'] });
export type CreateMeterInput = z.infer<typeof CreateMeterSchema>;
export class CreateMeterDto extends createZodDto(CreateMeterSchema) {}

export const UpdateMeterSchema = z
  .object({
    meterProfileId: uuid().optional(),
    serialNo: serialNo.optional(),
    initialIndexM3: indexM3.optional(),
    installedAt: isoInstant.nullish(),
    status: status.optional(),
    communicationModule: communicationModule.nullish(),
    hasValve: z.boolean().optional(),
    valveState: valveState.nullish(),
    /** Fits the meter to a subscription; null takes it off its current subscription. */
    subscriptionId: uuid().nullish(),
    /** none detaches the current device; existing/new replace it. */
    device: DeviceConfigSchema.optional(),
  })
  .strict();
export type UpdateMeterInput = z.infer<typeof UpdateMeterSchema>;
export class UpdateMeterDto extends createZodDto(UpdateMeterSchema) {}

const booleanQuery = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');

export const ListMetersQuerySchema = z
  .object({
    ...pageQueryShape,
    tenantId: uuid().optional(),
    status: status.optional(),
    brandId: uuid().optional(),
    meterProfileId: uuid().optional(),
    hasDevice: booleanQuery.optional(),
    hasSubscription: booleanQuery.optional(),
    sort: z.enum(['serialNo', 'status', 'installedAt', 'lastReadingAt', 'lastIndexM3', 'createdAt']).default('serialNo'),
  })
  .strict();
export type ListMetersQuery = z.infer<typeof ListMetersQuerySchema>;
export class ListMetersQueryDto extends createZodDto(ListMetersQuerySchema) {}

/** The brand filter's options: brands the caller's meters (of one tenant subtree) are of. */
export const MeterBrandsQuerySchema = z.object({ tenantId: uuid().optional() }).strict();
export type MeterBrandsQuery = z.infer<typeof MeterBrandsQuerySchema>;
export class MeterBrandsQueryDto extends createZodDto(MeterBrandsQuerySchema) {}

// ─── Responses ────────────────────────────────────────────────────────────────────

export const MeterBrandListSchema = z.object({ items: z.array(z.object({ id: z.string().uuid(), name: z.string() })) });
export type MeterBrandList = z.infer<typeof MeterBrandListSchema>;
export class MeterBrandListDto extends createZodDto(MeterBrandListSchema) {}

export const MeterRowSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  serialNo: z.string(),
  status: z.enum(ASSET_STATUSES),
  brand: z.object({ id: z.string().uuid(), name: z.string() }),
  profile: z.object({ id: z.string().uuid(), modelCode: z.string(), meterType: z.string(), diameterMm: z.number().int() }),
  initialIndexM3: z.number(),
  installedAt: z.string().datetime().nullable(),
  lastIndexM3: z.number().nullable(),
  lastReadingAt: z.string().datetime().nullable(),
  hasValve: z.boolean(),
  valveState: z.enum(VALVE_STATES).nullable(),
  device: z.object({ id: z.string().uuid(), serialNo: z.string() }).nullable(),
  subscription: z.object({ id: z.string().uuid(), subscriptionNo: z.string() }).nullable(),
  createdAt: z.string().datetime(),
});
export type MeterRow = z.infer<typeof MeterRowSchema>;
export class MeterPageDto extends createZodDto(pageSchema(MeterRowSchema)) {}

export const MeterDetailSchema = MeterRowSchema.extend({
  /** The tenant's zone, in which the console shows DD.MM.YYYY HH:mm:ss. */
  timeZone: z.string(),
  profile: z.object({
    id: z.string().uuid(),
    brand: z.string(),
    modelCode: z.string(),
    meterType: z.string(),
    dialType: z.string(),
    temperatureType: z.string(),
    mountingType: z.string(),
    connectionType: z.string(),
    ipRating: z.string(),
    diameterMm: z.number().int(),
    lengthMm: z.number().nullable(),
    widthMm: z.number().nullable(),
    heightMm: z.number().nullable(),
    q1: z.number(),
    q2: z.number(),
    q3: z.number(),
    q4: z.number(),
    rValue: z.number(),
    pressureLossBar: z.number().nullable(),
    communicationModule: z.enum(COMMUNICATION_MODULES),
  }),
  communicationModule: z.object({ override: z.enum(COMMUNICATION_MODULES).nullable(), effective: z.enum(COMMUNICATION_MODULES) }),
  device: z
    .object({ id: z.string().uuid(), serialNo: z.string(), brand: z.string(), modelCode: z.string(), status: z.enum(ASSET_STATUSES) })
    .nullable(),
  connectivity: z.object({
    lastSeenAt: z.string().datetime().nullable(),
    batteryPct: z.number().nullable(),
    rssi: z.number().nullable(),
    snr: z.number().nullable(),
    online: z.boolean(),
  }),
  subscription: z
    .object({
      id: z.string().uuid(),
      subscriptionNo: z.string(),
      since: z.string().datetime(),
      customer: z.object({ id: z.string().uuid(), displayName: z.string() }),
    })
    .nullable(),
  /** The address of the subscription the meter serves (brief 2.5.2.2). */
  address: AddressSchema.nullable(),
  /** Subscriptions the meter served, newest first. */
  history: z.array(
    z.object({
      subscriptionId: z.string().uuid(),
      subscriptionNo: z.string(),
      startedAt: z.string().datetime(),
      endedAt: z.string().datetime().nullable(),
      initialIndexM3: z.number(),
      finalIndexM3: z.number().nullable(),
    }),
  ),
  updatedAt: z.string().datetime(),
});
export type MeterDetail = z.infer<typeof MeterDetailSchema>;
export class MeterDetailDto extends createZodDto(MeterDetailSchema) {}

type Decimalish = { toNumber(): number } | null;
const num = (v: Decimalish): number | null => (v == null ? null : v.toNumber());
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

interface MeterRecord {
  id: string;
  tenantId: string;
  tenant: { name: string; timeZone: string };
  serialNo: string;
  status: (typeof ASSET_STATUSES)[number];
  brandId: string;
  brand: { name: string };
  profile: {
    id: string;
    modelCode: string;
    meterType: string;
    dialType: string;
    temperatureType: string;
    mountingType: string;
    connectionType: string;
    ipRating: { code: string };
    diameterMm: number;
    lengthMm: Decimalish;
    widthMm: Decimalish;
    heightMm: Decimalish;
    q1: Decimalish;
    q2: Decimalish;
    q3: Decimalish;
    q4: Decimalish;
    rValue: Decimalish;
    pressureLossBar: Decimalish;
    communicationModule: (typeof COMMUNICATION_MODULES)[number];
  };
  initialIndexM3: Decimalish;
  installedAt: Date | null;
  communicationModule: (typeof COMMUNICATION_MODULES)[number] | null;
  hasValve: boolean;
  valveState: (typeof VALVE_STATES)[number] | null;
  lastIndexM3: Decimalish;
  lastReadingAt: Date | null;
  device: {
    id: string;
    serialNo: string;
    status: (typeof ASSET_STATUSES)[number];
    brand: { name: string };
    profile: { modelCode: string; expectedIntervalMinutes: number };
    lastSeenAt: Date | null;
    batteryPct: Decimalish;
    rssi: number | null;
    snr: Decimalish;
  } | null;
  subscriptions: Array<{
    startedAt: Date;
    endedAt: Date | null;
    initialIndexM3: Decimalish;
    finalIndexM3: Decimalish;
    subscription: {
      id: string;
      subscriptionNo: string;
      address: Parameters<typeof mapAddress>[0] | null;
      customer: { id: string; customerType: string; name: string | null; surname: string | null; organizationName: string | null };
    };
  }>;
  createdAt: Date;
  updatedAt: Date;
}

export function mapMeterRow(m: MeterRecord): MeterRow {
  const open = m.subscriptions.find((s) => s.endedAt === null);
  return {
    id: m.id,
    tenantId: m.tenantId,
    tenantName: m.tenant.name,
    serialNo: m.serialNo,
    status: m.status,
    brand: { id: m.brandId, name: m.brand.name },
    profile: { id: m.profile.id, modelCode: m.profile.modelCode, meterType: m.profile.meterType, diameterMm: m.profile.diameterMm },
    initialIndexM3: num(m.initialIndexM3)!,
    installedAt: iso(m.installedAt),
    lastIndexM3: num(m.lastIndexM3),
    lastReadingAt: iso(m.lastReadingAt),
    hasValve: m.hasValve,
    valveState: m.valveState,
    device: m.device ? { id: m.device.id, serialNo: m.device.serialNo } : null,
    subscription: open ? { id: open.subscription.id, subscriptionNo: open.subscription.subscriptionNo } : null,
    createdAt: m.createdAt.toISOString(),
  };
}

export function mapMeterDetail(m: MeterRecord): MeterDetail {
  const p = m.profile;
  const d = m.device;
  const open = m.subscriptions.find((s) => s.endedAt === null);
  const c = open?.subscription.customer;
  return {
    ...mapMeterRow(m),
    timeZone: m.tenant.timeZone,
    profile: {
      id: p.id,
      brand: m.brand.name,
      modelCode: p.modelCode,
      meterType: p.meterType,
      dialType: p.dialType,
      temperatureType: p.temperatureType,
      mountingType: p.mountingType,
      connectionType: p.connectionType,
      ipRating: p.ipRating.code,
      diameterMm: p.diameterMm,
      lengthMm: num(p.lengthMm),
      widthMm: num(p.widthMm),
      heightMm: num(p.heightMm),
      q1: num(p.q1)!,
      q2: num(p.q2)!,
      q3: num(p.q3)!,
      q4: num(p.q4)!,
      rValue: num(p.rValue)!,
      pressureLossBar: num(p.pressureLossBar),
      communicationModule: p.communicationModule,
    },
    communicationModule: { override: m.communicationModule, effective: m.communicationModule ?? p.communicationModule },
    device: d ? { id: d.id, serialNo: d.serialNo, brand: d.brand.name, modelCode: d.profile.modelCode, status: d.status } : null,
    connectivity: {
      lastSeenAt: iso(d?.lastSeenAt ?? null),
      batteryPct: num(d?.batteryPct ?? null),
      rssi: d?.rssi ?? null,
      snr: num(d?.snr ?? null),
      online: d ? isOnline(d.lastSeenAt, d.profile.expectedIntervalMinutes) : false,
    },
    subscription:
      open && c
        ? {
            id: open.subscription.id,
            subscriptionNo: open.subscription.subscriptionNo,
            since: open.startedAt.toISOString(),
            customer: {
              id: c.id,
              displayName: c.customerType === 'ORGANIZATIONAL' ? (c.organizationName ?? '') : `${c.name ?? ''} ${c.surname ?? ''}`.trim(),
            },
          }
        : null,
    address: open?.subscription.address ? mapAddress(open.subscription.address) : null,
    history: m.subscriptions.map((s) => ({
      subscriptionId: s.subscription.id,
      subscriptionNo: s.subscription.subscriptionNo,
      startedAt: s.startedAt.toISOString(),
      endedAt: iso(s.endedAt),
      initialIndexM3: num(s.initialIndexM3)!,
      finalIndexM3: num(s.finalIndexM3),
    })),
    updatedAt: m.updatedAt.toISOString(),
  };
}
