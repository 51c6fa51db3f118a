import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { PHONE_REGEX, isValidTaxId } from '@water/shared';
import { AddressInputSchema, AddressSchema } from '../../core/http/address.dto';
import { MatrixSchema } from '../auth/auth.dto';

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown IANA time zone');

const tenantFields = {
  name: z.string().trim().min(1).max(200),
  contactName: z.string().trim().max(100).nullish(),
  contactSurname: z.string().trim().max(100).nullish(),
  contactPhone: z.string().trim().regex(PHONE_REGEX, 'must be an international number like +905321234567').nullish(),
  contactEmail: z.string().trim().email().max(254).nullish(),
  taxId: z.string().trim().refine(isValidTaxId, 'not a valid tax id (10-digit VKN or 11-digit TC ID with check digits)').nullish(),
  taxOffice: z.string().trim().max(100).nullish(),
  address: AddressInputSchema.nullish(),
  planType: z.string().trim().min(1).max(40).optional(),
  planStatus: z.enum(['ACTIVE', 'PASSIVE']).optional(),
  timeZone: timeZone.optional(),
  allowedMeterProfileIds: z.array(z.string().uuid()).max(1000).optional(),
  allowedDeviceProfileIds: z.array(z.string().uuid()).max(1000).optional(),
};

export const CreateTenantSchema = z.object({ parentId: z.string().uuid(), ...tenantFields }).strict();
export class CreateTenantDto extends createZodDto(CreateTenantSchema) {}

export const UpdateTenantSchema = z
  .object({ parentId: z.string().uuid().optional(), ...tenantFields, name: tenantFields.name.optional() })
  .strict();
export class UpdateTenantDto extends createZodDto(UpdateTenantSchema) {}

export interface TenantNode {
  id: string;
  name: string;
  parentId: string | null;
  depth: number;
  planType: string;
  planStatus: 'ACTIVE' | 'PASSIVE';
  children: TenantNode[];
}
export const TenantNodeSchema: z.ZodType<TenantNode> = z.lazy(() =>
  z.object({
    id: z.string().uuid(),
    name: z.string(),
    parentId: z.string().uuid().nullable(),
    depth: z.number().int(),
    planType: z.string(),
    planStatus: z.enum(['ACTIVE', 'PASSIVE']),
    children: z.array(TenantNodeSchema),
  }),
);
export class TenantTreeDto extends createZodDto(z.array(TenantNodeSchema)) {}

const ProfileRefSchema = z.object({ id: z.string().uuid(), brand: z.string(), modelCode: z.string() });

export const TenantDetailSchema = z.object({
  id: z.string().uuid(),
  /** Null when the parent is not visible to the caller (a tenant never sees its parent). */
  parentId: z.string().uuid().nullable(),
  parentName: z.string().nullable(),
  isRoot: z.boolean(),
  name: z.string(),
  contactName: z.string().nullable(),
  contactSurname: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
  taxId: z.string().nullable(),
  taxOffice: z.string().nullable(),
  address: AddressSchema.nullable(),
  planType: z.string(),
  planStatus: z.enum(['ACTIVE', 'PASSIVE']),
  timeZone: z.string(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  stats: z.object({
    users: z.number().int(),
    meters: z.number().int(),
    devices: z.number().int(),
    customers: z.number().int(),
    subscriptions: z.number().int(),
    activeAlarms: z.number().int(),
    childTenants: z.number().int(),
  }),
  users: z.array(
    z.object({
      userId: z.string().uuid(),
      name: z.string(),
      surname: z.string(),
      email: z.string(),
      isActive: z.boolean(),
      role: z.string(),
      permissions: MatrixSchema,
    }),
  ),
  allowedMeterProfiles: z.array(ProfileRefSchema),
  allowedDeviceProfiles: z.array(ProfileRefSchema),
});
export class TenantDetailDto extends createZodDto(TenantDetailSchema) {}
export type TenantDetail = z.infer<typeof TenantDetailSchema>;

export const TenantLogoSchema = z.object({
  contentType: z.enum(['image/png', 'image/jpeg']),
  bytes: z.number().int(),
  updatedAt: z.string().datetime(),
});
export class TenantLogoDto extends createZodDto(TenantLogoSchema) {}
export type TenantLogoView = z.infer<typeof TenantLogoSchema>;
