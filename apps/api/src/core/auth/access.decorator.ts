import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { PermissionAction, PermissionModule } from '@water/shared';
import type { AccessContext } from '../access/access-context';
import type { CustomerPrincipal } from './portal-session';

export const ACCESS_RULE = 'water:access-rule';

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'permission'; module: PermissionModule; action: PermissionAction }
  | { kind: 'customer' };

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

/**
 * A customer's portal route: only a portal access token (audience water-portal) passes, never an
 * operator's; the handler gets the customer with `@Customer()` and must bound every query by it.
 */
export const PortalCustomer = () =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'customer' } satisfies AccessRule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'missing, expired or revoked portal access token' }),
  );

/** The signed-in customer, set by the guard on `@PortalCustomer()` routes. */
export const Customer = createParamDecorator((_: unknown, ctx: ExecutionContext): CustomerPrincipal => {
  const customer = ctx.switchToHttp().getRequest<{ customer?: CustomerPrincipal }>().customer;
  if (!customer) throw new Error('Customer() used on a route without the customer access rule');
  return customer;
});
