import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { PERMISSION_MODULES, PHONE_REGEX } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';

export const LoginSchema = z
  .object({
    email: z.string().trim().max(254).email(),
    password: z.string().min(1).max(200),
  })
  .strict();
export class LoginDto extends createZodDto(LoginSchema) {}

export const RefreshSchema = z.object({ refreshToken: z.string().min(20).max(200) }).strict();
export class RefreshDto extends createZodDto(RefreshSchema) {}

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.string().datetime(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.string().datetime(),
});
export class TokenPairDto extends createZodDto(TokenPairSchema) {}

const RightsSchema = z.object({ create: z.boolean(), read: z.boolean(), update: z.boolean(), delete: z.boolean() });
export const MatrixSchema = z.object(
  Object.fromEntries(PERMISSION_MODULES.map((m) => [m, RightsSchema])) as Record<(typeof PERMISSION_MODULES)[number], typeof RightsSchema>,
);

export const LanguageSchema = z.enum(['tr', 'en']);

export const MeSchema = z.object({
  user: z.object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    surname: z.string(),
    phone: z.string().nullable(),
    /** The language of the user's e-mails and notifications (their notification settings; Turkish until set). */
    language: LanguageSchema,
  }),
  memberships: z.array(z.object({ tenantId: z.string().uuid(), tenantName: z.string(), role: z.string(), permissions: MatrixSchema })),
  tenants: z.array(
    z.object({
      id: z.string().uuid(),
      name: z.string(),
      parentId: z.string().uuid().nullable(),
      depth: z.number().int(),
      permissions: MatrixSchema,
    }),
  ),
});
export class MeDto extends createZodDto(MeSchema) {}

export function mapMe(
  user: { id: string; email: string; name: string; surname: string; phone: string | null; language: string | null },
  access: AccessContext,
): z.infer<typeof MeSchema> {
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      surname: user.surname,
      phone: user.phone,
      language: user.language === 'en' ? 'en' : 'tr',
    },
    memberships: access.memberships.map((m) => ({ tenantId: m.tenantId, tenantName: m.tenantName, role: m.role, permissions: m.matrix })),
    // A tenant's parent is named only when the caller can see it.
    tenants: [...access.tenants.values()].map((t) => ({
      id: t.id,
      name: t.name,
      parentId: t.parentId && access.canSee(t.parentId) ? t.parentId : null,
      depth: t.depth,
      permissions: t.matrix,
    })),
  };
}

/** At least 8 characters with a letter and a digit: the rule of the users' form (users.dto), for one's own password. */
const newPassword = z
  .string()
  .min(8, 'at least 8 characters')
  .max(200)
  .refine((p) => /[A-Za-z]/.test(p) && /[0-9]/.test(p), 'needs at least one letter and one digit');

/** The signed-in user's own profile; the e-mail is the sign-in name and is changed by an administrator only. */
export const UpdateProfileSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    surname: z.string().trim().min(1).max(100),
    phone: z.string().trim().regex(PHONE_REGEX, 'must be an international number like +905321234567').nullable(),
    language: LanguageSchema,
  })
  .partial()
  .strict();
export class UpdateProfileDto extends createZodDto(UpdateProfileSchema) {}

export const ChangePasswordSchema = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword })
  .strict()
  .refine((b) => b.currentPassword !== b.newPassword, { path: ['newPassword'], message: 'must differ from the current password' });
export class ChangePasswordDto extends createZodDto(ChangePasswordSchema) {}

export const PasswordResetRequestSchema = z
  .object({
    email: z.string().trim().max(254).email(),
    /** The page's language: the e-mail's, unless the user has chosen one. */
    language: LanguageSchema.optional(),
  })
  .strict();
export class PasswordResetRequestDto extends createZodDto(PasswordResetRequestSchema) {}

export const PasswordResetConfirmSchema = z
  .object({
    /** The link's token: 32 random bytes, base64url. */
    token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a reset token'),
    password: newPassword,
  })
  .strict();
export class PasswordResetConfirmDto extends createZodDto(PasswordResetConfirmSchema) {}
