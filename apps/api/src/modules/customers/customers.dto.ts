import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { GroupRefSchema, mapGroupRef, type GroupRef } from '../definitions/definitions.dto';
import { PHONE_REGEX } from '@water/shared';
import { AddressSchema, mapAddress } from '../../core/http/address.dto';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { addressRefIsExclusive, addressRefShape, ADDRESS_REF_MESSAGE } from '../addresses/addresses.dto';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });
/** Format only; the check digits are verified by the service for new or changed values (legacy values stay editable). */
const tcIdNo = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]{10}$/, 'must be 11 digits, the first not 0');
const taxId = z
  .string()
  .trim()
  .regex(/^[0-9]{10,11}$/, 'must be a 10-digit tax number (VKN) or an 11-digit TC ID No');
const phone = z.string().trim().regex(PHONE_REGEX, 'must be an international number like +905321234567');
const email = z.string().trim().toLowerCase().max(254).email('not a valid email address');
const personName = z.string().trim().min(1, 'required').max(100);

export const CUSTOMER_TYPES = ['INDIVIDUAL', 'ORGANIZATIONAL'] as const;

/** "If another contact" (brief 2.3.3.9.2.1.6): an extra person to reach about the customer's subscriptions. */
export const ContactInputSchema = z
  .object({
    name: personName,
    surname: z.string().trim().max(100).nullish(),
    tcIdNo: tcIdNo.nullish(),
    phone: phone.nullish(),
    email: email.nullish(),
    details: z.string().trim().max(1000).nullish(),
    ...addressRefShape,
  })
  .strict()
  .refine(addressRefIsExclusive, ADDRESS_REF_MESSAGE);
export type ContactInput = z.infer<typeof ContactInputSchema>;
export class ContactInputDto extends createZodDto(ContactInputSchema) {}

export const UpdateContactSchema = z
  .object({
    name: personName.optional(),
    surname: z.string().trim().max(100).nullish(),
    tcIdNo: tcIdNo.nullish(),
    phone: phone.nullish(),
    email: email.nullish(),
    details: z.string().trim().max(1000).nullish(),
    ...addressRefShape,
  })
  .strict()
  .refine(addressRefIsExclusive, ADDRESS_REF_MESSAGE);
export type UpdateContactInput = z.infer<typeof UpdateContactSchema>;
export class UpdateContactDto extends createZodDto(UpdateContactSchema) {}

/** The contact person of an organisation (brief 2.3.3.9.2.2.4–7), stored as its primary contact. */
export const PrimaryContactSchema = z
  .object({
    name: personName,
    surname: personName,
    tcIdNo: tcIdNo.nullish(),
    phone: phone.nullish(),
    email: email.nullish(),
    details: z.string().trim().max(1000).nullish(),
  })
  .strict();
export type PrimaryContactInput = z.infer<typeof PrimaryContactSchema>;

/** Fields of an individual customer (brief 2.3.3.9.2.1), shared with the subscription form's "create new". */
export const IndividualCustomerShape = {
  name: personName,
  surname: personName,
  tcIdNo,
  phone: phone.nullish(),
  email: email.nullish(),
  ...addressRefShape,
  contacts: z.array(ContactInputSchema).max(20).optional(),
};
/** Fields of an organisational customer (brief 2.3.3.9.2.2). */
export const OrganizationalCustomerShape = {
  organizationName: z.string().trim().min(1, 'required').max(300),
  taxId,
  taxOffice: z.string().trim().max(100).nullish(),
  phone: phone.nullish(),
  email: email.nullish(),
  ...addressRefShape,
  contact: PrimaryContactSchema,
  contacts: z.array(ContactInputSchema).max(20).optional(),
};
export const IndividualCustomerSchema = z.object(IndividualCustomerShape).strict().refine(addressRefIsExclusive, ADDRESS_REF_MESSAGE);
export const OrganizationalCustomerSchema = z
  .object(OrganizationalCustomerShape)
  .strict()
  .refine(addressRefIsExclusive, ADDRESS_REF_MESSAGE);
export type IndividualCustomerInput = z.infer<typeof IndividualCustomerSchema>;
export type OrganizationalCustomerInput = z.infer<typeof OrganizationalCustomerSchema>;
export type NewCustomerInput =
  ({ type: 'INDIVIDUAL' } & IndividualCustomerInput) | ({ type: 'ORGANIZATIONAL' } & OrganizationalCustomerInput);

/** Every field of either type, each optional: the shape of a customer in a form before its type is known. */
export const CustomerFieldsSchema = z
  .object({
    ...IndividualCustomerShape,
    ...OrganizationalCustomerShape,
    name: IndividualCustomerShape.name.optional(),
    surname: IndividualCustomerShape.surname.optional(),
    tcIdNo: IndividualCustomerShape.tcIdNo.optional(),
    organizationName: OrganizationalCustomerShape.organizationName.optional(),
    taxId: OrganizationalCustomerShape.taxId.optional(),
    contact: OrganizationalCustomerShape.contact.optional(),
  })
  .strict();

/**
 * Checks `value` against the fields of `type` (required ones present, the other type's refused)
 * and reports problems under `path`: the subscription form puts them under ["customer", ...].
 */
export function refineCustomerFields(
  type: 'INDIVIDUAL' | 'ORGANIZATIONAL' | undefined,
  value: Record<string, unknown>,
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  if (!type) return;
  const schema = type === 'INDIVIDUAL' ? IndividualCustomerSchema : OrganizationalCustomerSchema;
  const result = schema.safeParse(value);
  if (result.success) return;
  for (const issue of result.error.issues) {
    const message =
      issue.code === 'unrecognized_keys' ? `not a field of an ${type.toLowerCase()} customer: ${issue.keys.join(', ')}` : issue.message;
    ctx.addIssue({ code: 'custom', path: [...path, ...(issue.path as (string | number)[])], message });
  }
}

export const CreateCustomerSchema = z
  .object({
    tenantId: uuid(),
    type: z.enum(CUSTOMER_TYPES, { message: 'must be INDIVIDUAL or ORGANIZATIONAL' }),
    ...CustomerFieldsSchema.shape,
  })
  .strict()
  .superRefine(({ tenantId: _t, type, ...fields }, ctx) => refineCustomerFields(type, fields, ctx, []));
export class CreateCustomerDto extends createZodDto(CreateCustomerSchema) {}

/** Fields of either type; the service refuses those that do not fit the customer's type. The type itself never changes. */
export const UpdateCustomerSchema = z
  .object({
    type: z.enum(CUSTOMER_TYPES).optional(),
    name: personName.optional(),
    surname: personName.optional(),
    tcIdNo: tcIdNo.nullish(),
    organizationName: z.string().trim().min(1, 'required').max(300).optional(),
    taxId: taxId.optional(),
    taxOffice: z.string().trim().max(100).nullish(),
    phone: phone.nullish(),
    email: email.nullish(),
    ...addressRefShape,
    contact: PrimaryContactSchema.partial().strict().optional(),
  })
  .strict()
  .refine(addressRefIsExclusive, ADDRESS_REF_MESSAGE);
export type UpdateCustomerInput = z.infer<typeof UpdateCustomerSchema>;
export class UpdateCustomerDto extends createZodDto(UpdateCustomerSchema) {}

export const ListCustomersQuerySchema = z
  .object({
    ...pageQueryShape,
    tenantId: uuid().optional(),
    type: z.enum(CUSTOMER_TYPES).optional(),
    sort: z.enum(['name', 'identityNo', 'createdAt', 'subscriptions']).default('name'),
  })
  .strict();
export class ListCustomersQueryDto extends createZodDto(ListCustomersQuerySchema) {}

// ─── Responses ────────────────────────────────────────────────────────────────────

export const CustomerRowSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  type: z.enum(CUSTOMER_TYPES),
  /** "Name Surname" or the organisation's name. */
  displayName: z.string(),
  name: z.string().nullable(),
  surname: z.string().nullable(),
  organizationName: z.string().nullable(),
  tcIdNo: z.string().nullable(),
  taxId: z.string().nullable(),
  /** TC ID No of an individual, tax id of an organisation. */
  identityNo: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  subscriptionCount: z.number().int(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type CustomerRow = z.infer<typeof CustomerRowSchema>;
export class CustomerPageDto extends createZodDto(pageSchema(CustomerRowSchema)) {}

export const ContactSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  surname: z.string().nullable(),
  tcIdNo: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  details: z.string().nullable(),
  isPrimary: z.boolean(),
  address: AddressSchema.nullable(),
});
export type ContactView = z.infer<typeof ContactSchema>;

const AssetRefSchema = z.object({
  id: z.string().uuid(),
  serialNo: z.string(),
  brand: z.string(),
  modelCode: z.string(),
  status: z.string(),
});

export const CustomerSubscriptionSchema = z.object({
  id: z.string().uuid(),
  subscriptionNo: z.string(),
  type: z.enum(CUSTOMER_TYPES),
  group: GroupRefSchema,
  isActive: z.boolean(),
  address: AddressSchema.nullable(),
  meter: AssetRefSchema.extend({
    lastIndexM3: z.number().nullable(),
    lastReadingAt: z.string().datetime().nullable(),
    since: z.string().datetime(),
  }).nullable(),
  device: AssetRefSchema.extend({ lastSeenAt: z.string().datetime().nullable(), batteryPct: z.number().nullable() }).nullable(),
});

export const CustomerDetailSchema = CustomerRowSchema.extend({
  taxOffice: z.string().nullable(),
  address: AddressSchema.nullable(),
  /** The organisation's contact person (primary contact); null for individuals. */
  contact: ContactSchema.nullable(),
  contacts: z.array(ContactSchema),
  /** The customer's own address, its subscriptions' and its contacts', each once, with what uses it. */
  addresses: z.array(AddressSchema.extend({ usedBy: z.array(z.string()) })),
  subscriptions: z.array(CustomerSubscriptionSchema),
});
export type CustomerDetail = z.infer<typeof CustomerDetailSchema>;
export class CustomerDetailDto extends createZodDto(CustomerDetailSchema) {}
export class ContactDto extends createZodDto(ContactSchema) {}

type Decimalish = { toNumber(): number } | null;
const num = (v: Decimalish): number | null => (v == null ? null : v.toNumber());
type AddressRecord = Parameters<typeof mapAddress>[0];

export function displayName(c: {
  customerType: string;
  name: string | null;
  surname: string | null;
  organizationName: string | null;
}): string {
  return c.customerType === 'ORGANIZATIONAL' ? (c.organizationName ?? '') : [c.name, c.surname].filter(Boolean).join(' ');
}

export function mapCustomerRow(c: {
  id: string;
  tenantId: string;
  tenant: { name: string };
  customerType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  name: string | null;
  surname: string | null;
  organizationName: string | null;
  tcIdNo: string | null;
  taxId: string | null;
  phone: string | null;
  email: string | null;
  createdAt: Date;
  updatedAt: Date;
  _count: { subscriptions: number };
}): CustomerRow {
  return {
    id: c.id,
    tenantId: c.tenantId,
    tenantName: c.tenant.name,
    type: c.customerType,
    displayName: displayName(c),
    name: c.name,
    surname: c.surname,
    organizationName: c.organizationName,
    tcIdNo: c.tcIdNo,
    taxId: c.taxId,
    identityNo: c.customerType === 'ORGANIZATIONAL' ? c.taxId : c.tcIdNo,
    phone: c.phone,
    email: c.email,
    subscriptionCount: c._count.subscriptions,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function mapContact(c: {
  id: string;
  name: string;
  surname: string | null;
  tcIdNo: string | null;
  phone: string | null;
  email: string | null;
  details: string | null;
  isPrimary: boolean;
  address: AddressRecord | null;
}): ContactView {
  return {
    id: c.id,
    name: c.name,
    surname: c.surname,
    tcIdNo: c.tcIdNo,
    phone: c.phone,
    email: c.email,
    details: c.details,
    isPrimary: c.isPrimary,
    address: c.address ? mapAddress(c.address) : null,
  };
}

interface AssetRecord {
  id: string;
  serialNo: string;
  status: string;
  brand: { name: string };
  profile: { modelCode: string };
}

export function mapCustomerSubscription(s: {
  id: string;
  subscriptionNo: string;
  subscriptionType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  isActive: boolean;
  group: GroupRef;
  address: AddressRecord | null;
  meterHistory: Array<{
    startedAt: Date;
    meter: AssetRecord & {
      lastIndexM3: Decimalish;
      lastReadingAt: Date | null;
      device: (AssetRecord & { lastSeenAt: Date | null; batteryPct: Decimalish }) | null;
    };
  }>;
}): z.infer<typeof CustomerSubscriptionSchema> {
  const open = s.meterHistory[0];
  const m = open?.meter;
  const d = m?.device;
  return {
    id: s.id,
    subscriptionNo: s.subscriptionNo,
    type: s.subscriptionType,
    group: mapGroupRef(s.group),
    isActive: s.isActive,
    address: s.address ? mapAddress(s.address) : null,
    meter: m
      ? {
          id: m.id,
          serialNo: m.serialNo,
          brand: m.brand.name,
          modelCode: m.profile.modelCode,
          status: m.status,
          lastIndexM3: num(m.lastIndexM3),
          lastReadingAt: m.lastReadingAt?.toISOString() ?? null,
          since: open.startedAt.toISOString(),
        }
      : null,
    device: d
      ? {
          id: d.id,
          serialNo: d.serialNo,
          brand: d.brand.name,
          modelCode: d.profile.modelCode,
          status: d.status,
          lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
          batteryPct: num(d.batteryPct),
        }
      : null,
  };
}
