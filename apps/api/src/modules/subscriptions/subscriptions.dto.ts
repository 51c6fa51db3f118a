import { createZodDto } from '../../core/http/zod-dto';
import { BILLING_STATUSES, type BillingStatus } from '../dunning/dunning.dto';
import { z } from 'zod';
import { GroupRefSchema } from '../definitions/definitions.dto';
import { AddressInputSchema, AddressSchema, mapAddress } from '../../core/http/address.dto';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { addressColumnsLine, addressRefIsExclusive, addressRefShape, type AddressColumnsRecord } from '../addresses/addresses.dto';
import { CUSTOMER_TYPES, CustomerFieldsSchema, refineCustomerFields } from '../customers/customers.dto';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });

/** A cumulative index in m³ with litre resolution, as stored (decimal 14,3). */
export const indexM3 = z
  .number({ message: 'must be a number of m³' })
  .min(0, 'cannot be negative')
  .max(99_999_999_999, 'too large')
  .refine((v) => Math.abs(Math.round(v * 1000) / 1000 - v) < 1e-9, 'at most 3 decimals (litres)');

/** An ISO 8601 instant that names its zone (Z or ±hh:mm), so it is never read in the server's zone. */
export const isoInstant = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2025-12-08T07:18:55+03:00' })
  .transform((s) => new Date(s));

const subscriptionNo = z.string().trim().min(1, 'required').max(40, 'at most 40 characters');

export const CreateSubscriptionSchema = z
  .object({
    /** Only when creating a new customer; otherwise the subscription follows its customer's tenant. */
    tenantId: uuid().optional(),
    subscriptionNo,
    type: z.enum(CUSTOMER_TYPES, { message: 'must be INDIVIDUAL or ORGANIZATIONAL' }),
    groupId: uuid(),
    ...addressRefShape,
    customerId: uuid().optional(),
    customer: CustomerFieldsSchema.optional(),
    meterId: uuid().optional(),
    /** When the meter was fitted; now by default. */
    meterStartedAt: isoInstant.optional(),
    initialIndexM3: indexM3.optional(),
    isActive: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (Boolean(v.customerId) === Boolean(v.customer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['customerId'],
        message: 'give either customerId (existing customer) or customer (new customer)',
      });
    }
    if (v.customer) {
      refineCustomerFields(v.type, v.customer, ctx, ['customer']);
      if (!v.tenantId) ctx.addIssue({ code: 'custom', path: ['tenantId'], message: 'required when creating a new customer' });
    }
    if (!addressRefIsExclusive(v))
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'give either addressId or address, not both' });
    else if (!v.addressId && !v.address)
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'required: give addressId or address' });
    if (!v.meterId && (v.meterStartedAt || v.initialIndexM3 !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['meterId'], message: 'required with meterStartedAt or initialIndexM3' });
    }
  });
export type CreateSubscriptionInput = z.infer<typeof CreateSubscriptionSchema>;
export class CreateSubscriptionDto extends createZodDto(CreateSubscriptionSchema) {}

export const UpdateSubscriptionSchema = z
  .object({
    subscriptionNo: subscriptionNo.optional(),
    /** Sent back unchanged by forms; the type follows the customer and cannot change. */
    type: z.enum(CUSTOMER_TYPES, { message: 'must be INDIVIDUAL or ORGANIZATIONAL' }).optional(),
    groupId: uuid().optional(),
    addressId: uuid().optional(),
    address: AddressInputSchema.optional(),
    /** Transfers the subscription to another customer of the same tenant and type. */
    customerId: uuid().optional(),
    isActive: z.boolean().optional(),
  })
  .strict()
  .refine(addressRefIsExclusive, { message: 'give either addressId or address, not both', path: ['address'] });
export type UpdateSubscriptionInput = z.infer<typeof UpdateSubscriptionSchema>;
export class UpdateSubscriptionDto extends createZodDto(UpdateSubscriptionSchema) {}

/** PUT /subscriptions/:id/meter: closes the open meter period and opens the next one, in one transaction. */
export const ChangeMeterSchema = z
  .object({
    /** The new meter, or null to leave the subscription without a meter. */
    meterId: uuid().nullable(),
    /** When the change happened; now by default. */
    at: isoInstant.optional(),
    /** Final index of the meter taken off; its last reading before `at` (else its last index) by default. */
    finalIndexM3: indexM3.optional(),
    /** Initial index of the new meter; its last known index by default. */
    initialIndexM3: indexM3.optional(),
  })
  .strict()
  .refine((v) => v.meterId !== null || v.initialIndexM3 === undefined, { message: 'only with a new meter', path: ['initialIndexM3'] });
export type ChangeMeterInput = z.infer<typeof ChangeMeterSchema>;
export class ChangeMeterDto extends createZodDto(ChangeMeterSchema) {}

const booleanQuery = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');

export const ListSubscriptionsQuerySchema = z
  .object({
    ...pageQueryShape,
    tenantId: uuid().optional(),
    type: z.enum(CUSTOMER_TYPES, { message: 'must be INDIVIDUAL or ORGANIZATIONAL' }).optional(),
    groupId: uuid().optional(),
    customerId: uuid().optional(),
    hasMeter: booleanQuery.optional(),
    isActive: booleanQuery.optional(),
    sort: z.enum(['subscriptionNo', 'customer', 'identityNo', 'consumption', 'createdAt']).default('subscriptionNo'),
  })
  .strict();
export type ListSubscriptionsQuery = z.infer<typeof ListSubscriptionsQuerySchema>;
export class ListSubscriptionsQueryDto extends createZodDto(ListSubscriptionsQuerySchema) {}

// ─── Responses ────────────────────────────────────────────────────────────────────

export const SubscriptionRowSchema = z.object({
  id: z.string().uuid(),
  subscriptionNo: z.string(),
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  type: z.enum(CUSTOMER_TYPES),
  group: GroupRefSchema,
  isActive: z.boolean(),
  customer: z.object({ id: z.string().uuid(), displayName: z.string(), type: z.enum(CUSTOMER_TYPES) }),
  /** TC ID No of an individual, tax id of an organisation (the table's "TC/Tax ID"). */
  identityNo: z.string().nullable(),
  /** m³ over the last 30 days of the tenant's calendar, from the daily consumption table. */
  consumption30dM3: z.number(),
  address: z
    .object({
      id: z.string().uuid(),
      line: z.string(),
      city: z.string().nullable(),
      district: z.string().nullable(),
      latitude: z.number().nullable(),
      longitude: z.number().nullable(),
    })
    .nullable(),
  meter: z.object({ id: z.string().uuid(), serialNo: z.string() }).nullable(),
  /** Dunning's view (issue 18): OK, OVERDUE (an issued invoice past due), or where its disconnection order stands. */
  billingStatus: z.enum(BILLING_STATUSES),
  createdAt: z.string().datetime(),
});
export type SubscriptionRow = z.infer<typeof SubscriptionRowSchema>;
export class SubscriptionPageDto extends createZodDto(pageSchema(SubscriptionRowSchema)) {}

export const MeterPeriodSchema = z.object({
  id: z.string().uuid(),
  meterId: z.string().uuid(),
  serialNo: z.string(),
  brand: z.string(),
  modelCode: z.string(),
  startedAt: z.string().datetime(),
  endedAt: z.string().datetime().nullable(),
  initialIndexM3: z.number(),
  finalIndexM3: z.number().nullable(),
});

export const SubscriptionDetailSchema = SubscriptionRowSchema.extend({
  customer: z.object({
    id: z.string().uuid(),
    displayName: z.string(),
    type: z.enum(CUSTOMER_TYPES),
    tcIdNo: z.string().nullable(),
    taxId: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
  }),
  address: AddressSchema.nullable(),
  meter: z
    .object({
      id: z.string().uuid(),
      serialNo: z.string(),
      brand: z.string(),
      modelCode: z.string(),
      meterType: z.string(),
      status: z.string(),
      valveState: z.string().nullable(),
      lastIndexM3: z.number().nullable(),
      lastReadingAt: z.string().datetime().nullable(),
      since: z.string().datetime(),
      initialIndexM3: z.number(),
    })
    .nullable(),
  device: z
    .object({
      id: z.string().uuid(),
      serialNo: z.string(),
      brand: z.string(),
      modelCode: z.string(),
      status: z.string(),
      lastSeenAt: z.string().datetime().nullable(),
      batteryPct: z.number().nullable(),
      rssi: z.number().nullable(),
      snr: z.number().nullable(),
    })
    .nullable(),
  meterHistory: z.array(MeterPeriodSchema),
  updatedAt: z.string().datetime(),
});
export type SubscriptionDetail = z.infer<typeof SubscriptionDetailSchema>;
export class SubscriptionDetailDto extends createZodDto(SubscriptionDetailSchema) {}

type Decimalish = { toNumber(): number } | string | number | null;
export const num = (v: Decimalish): number | null => (v == null ? null : typeof v === 'object' ? v.toNumber() : Number(v));
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface SubscriptionRowRecord extends AddressColumnsRecord {
  id: string;
  subscription_no: string;
  tenant_id: string;
  tenant_name: string;
  subscription_type: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  group_id: string;
  group_code: string;
  group_name: string;
  group_name_en: string | null;
  is_active: boolean;
  customer_id: string;
  customer_type: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  customer_name: string;
  identity_no: string | null;
  consumption_m3: string | number;
  address_id: string | null;
  latitude: string | null;
  longitude: string | null;
  meter_id: string | null;
  meter_serial_no: string | null;
  created_at: Date;
}

export function mapSubscriptionRow(r: SubscriptionRowRecord, billingStatus: BillingStatus): SubscriptionRow {
  return {
    id: r.id,
    subscriptionNo: r.subscription_no,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    type: r.subscription_type,
    group: { id: r.group_id, code: r.group_code, name: r.group_name, nameEn: r.group_name_en },
    isActive: r.is_active,
    customer: { id: r.customer_id, displayName: r.customer_name, type: r.customer_type },
    identityNo: r.identity_no,
    consumption30dM3: Number(r.consumption_m3),
    address: r.address_id
      ? {
          id: r.address_id,
          line: addressColumnsLine(r),
          city: r.city,
          district: r.district,
          latitude: num(r.latitude),
          longitude: num(r.longitude),
        }
      : null,
    meter: r.meter_id ? { id: r.meter_id, serialNo: r.meter_serial_no! } : null,
    billingStatus,
    createdAt: r.created_at.toISOString(),
  };
}

interface AssetRecord {
  id: string;
  serialNo: string;
  status: string;
  brand: { name: string };
}

export function mapSubscriptionDetail(
  row: SubscriptionRow,
  s: {
    updatedAt: Date;
    customer: {
      id: string;
      customerType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
      tcIdNo: string | null;
      taxId: string | null;
      phone: string | null;
      email: string | null;
    };
    address: Parameters<typeof mapAddress>[0] | null;
    meterHistory: Array<{
      id: string;
      meterId: string;
      startedAt: Date;
      endedAt: Date | null;
      initialIndexM3: Decimalish;
      finalIndexM3: Decimalish;
      meter: AssetRecord & {
        profile: { modelCode: string; meterType: string };
        valveState: string | null;
        lastIndexM3: Decimalish;
        lastReadingAt: Date | null;
        device:
          | (AssetRecord & {
              profile: { modelCode: string };
              lastSeenAt: Date | null;
              batteryPct: Decimalish;
              rssi: number | null;
              snr: Decimalish;
            })
          | null;
      };
    }>;
  },
): SubscriptionDetail {
  const open = s.meterHistory.find((p) => p.endedAt === null);
  const m = open?.meter;
  const d = m?.device;
  return {
    ...row,
    customer: { ...row.customer, tcIdNo: s.customer.tcIdNo, taxId: s.customer.taxId, phone: s.customer.phone, email: s.customer.email },
    address: s.address ? mapAddress(s.address) : null,
    meter:
      open && m
        ? {
            id: m.id,
            serialNo: m.serialNo,
            brand: m.brand.name,
            modelCode: m.profile.modelCode,
            meterType: m.profile.meterType,
            status: m.status,
            valveState: m.valveState,
            lastIndexM3: num(m.lastIndexM3),
            lastReadingAt: iso(m.lastReadingAt),
            since: open.startedAt.toISOString(),
            initialIndexM3: num(open.initialIndexM3)!,
          }
        : null,
    device: d
      ? {
          id: d.id,
          serialNo: d.serialNo,
          brand: d.brand.name,
          modelCode: d.profile.modelCode,
          status: d.status,
          lastSeenAt: iso(d.lastSeenAt),
          batteryPct: num(d.batteryPct),
          rssi: d.rssi,
          snr: num(d.snr),
        }
      : null,
    meterHistory: s.meterHistory.map((p) => ({
      id: p.id,
      meterId: p.meterId,
      serialNo: p.meter.serialNo,
      brand: p.meter.brand.name,
      modelCode: p.meter.profile.modelCode,
      startedAt: p.startedAt.toISOString(),
      endedAt: iso(p.endedAt),
      initialIndexM3: num(p.initialIndexM3)!,
      finalIndexM3: num(p.finalIndexM3),
    })),
    updatedAt: s.updatedAt.toISOString(),
  };
}
