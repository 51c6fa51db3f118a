import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { PHONE_REGEX } from '@water/shared';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { MatrixSchema } from '../auth/auth.dto';

/** At least 8 characters with a letter and a digit (the seeded password Asdf1234. is the floor). */
const password = z
  .string()
  .min(8, 'at least 8 characters')
  .max(200)
  .refine((p) => /[A-Za-z]/.test(p) && /[0-9]/.test(p), 'needs at least one letter and one digit');

export const MembershipInputSchema = z
  .object({
    tenantId: z.string().uuid(),
    role: z.string().trim().min(1).max(60).default('Member'),
    permissions: MatrixSchema,
  })
  .strict();

const userFields = {
  name: z.string().trim().min(1).max(100),
  surname: z.string().trim().min(1).max(100),
  phone: z.string().trim().regex(PHONE_REGEX, 'must be an international number like +905321234567').nullish(),
  email: z.string().trim().toLowerCase().email().max(254),
  /** Checked with its check digits when new or changed (legacy stored values stay editable). */
  tcIdNo: z
    .string()
    .trim()
    .regex(/^[0-9]{11}$/, 'must be 11 digits')
    .nullish(),
  isActive: z.boolean().optional(),
};

export const CreateUserSchema = z
  .object({
    ...userFields,
    password,
    memberships: z.array(MembershipInputSchema).min(1, 'a user belongs to at least one tenant').max(100),
  })
  .strict();
export class CreateUserDto extends createZodDto(CreateUserSchema) {}

export const UpdateUserSchema = z
  .object({
    name: userFields.name.optional(),
    surname: userFields.surname.optional(),
    phone: userFields.phone,
    email: userFields.email.optional(),
    tcIdNo: userFields.tcIdNo,
    isActive: userFields.isActive,
    password: password.optional(),
  })
  .strict();
export class UpdateUserDto extends createZodDto(UpdateUserSchema) {}

export const SetMembershipSchema = z.object({ role: z.string().trim().min(1).max(60), permissions: MatrixSchema }).strict();
export class SetMembershipDto extends createZodDto(SetMembershipSchema) {}

export const ListUsersQuerySchema = z
  .object({
    ...pageQueryShape,
    tenantId: z.string().uuid().optional(),
    sort: z.enum(['name', 'email', 'createdAt', 'lastLoginAt']).default('name'),
  })
  .strict();
export class ListUsersQueryDto extends createZodDto(ListUsersQuerySchema) {}

const TenantRefSchema = z.object({ tenantId: z.string().uuid(), tenantName: z.string(), role: z.string() });

export const UserRowSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  surname: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  isActive: z.boolean(),
  lastLoginAt: z.string().datetime().nullable(),
  tenants: z.array(TenantRefSchema),
});
export class UserPageDto extends createZodDto(pageSchema(UserRowSchema)) {}
export type UserRow = z.infer<typeof UserRowSchema>;

export const UserDetailSchema = UserRowSchema.extend({
  tcIdNo: z.string().nullable(),
  createdAt: z.string().datetime(),
  memberships: z.array(TenantRefSchema.extend({ permissions: MatrixSchema, canManage: z.boolean() })),
  activity: z.object({
    lastLoginAt: z.string().datetime().nullable(),
    logins: z.array(
      z.object({ at: z.string().datetime(), success: z.boolean(), reason: z.string().nullable(), ipAddress: z.string().nullable() }),
    ),
    actions: z.array(
      z.object({
        at: z.string().datetime(),
        action: z.string(),
        entityType: z.string(),
        entityId: z.string().nullable(),
        tenantId: z.string().nullable(),
      }),
    ),
  }),
});
export class UserDetailDto extends createZodDto(UserDetailSchema) {}
export type UserDetail = z.infer<typeof UserDetailSchema>;
