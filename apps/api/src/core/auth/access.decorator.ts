import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { PermissionAction, PermissionModule } from '@water/shared';
import type { AccessContext } from '../access/access-context';

export const ACCESS_RULE = 'water:access-rule';

export type AccessRule =
  { kind: 'public' } | { kind: 'authenticated' } | { kind: 'permission'; module: PermissionModule; action: PermissionAction };

/** The route needs `action` on `module` in at least one visible tenant; services narrow it per tenant. */
export const Access = (module: PermissionModule, action: PermissionAction) =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'permission', module, action } satisfies AccessRule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'missing, expired or revoked access token' }),
    ApiForbiddenResponse({ description: `requires ${action} on ${module}` }),
  );

/** Any signed-in user (e.g. their own profile). */
export const Authenticated = () =>
  applyDecorators(SetMetadata(ACCESS_RULE, { kind: 'authenticated' } satisfies AccessRule), ApiBearerAuth());

/** No token needed (login, health, ingestion webhooks with their own secret). */
export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/** The caller's AccessContext, set by the guard. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AccessContext => {
  const access = ctx.switchToHttp().getRequest<{ access?: AccessContext }>().access;
  if (!access) throw new Error('Auth() used on a route without an authenticated access rule');
  return access;
});
