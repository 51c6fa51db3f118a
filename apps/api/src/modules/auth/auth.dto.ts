import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { PERMISSION_MODULES } from '@water/shared';
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

export const MeSchema = z.object({
  user: z.object({ id: z.string().uuid(), email: z.string(), name: z.string(), surname: z.string(), phone: z.string().nullable() }),
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
  user: { id: string; email: string; name: string; surname: string; phone: string | null },
  access: AccessContext,
): z.infer<typeof MeSchema> {
  return {
    user: { id: user.id, email: user.email, name: user.name, surname: user.surname, phone: user.phone },
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
