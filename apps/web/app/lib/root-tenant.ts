import type { PermissionAction, PermissionModule } from '@water/shared';
import type { VisibleTenant } from '#shared/types/auth';
import { can } from '@water/shared';

/**
 * The root tenant among the visible ones, or null. /api/auth/me hides a parent the user cannot see
 * (its parentId is null then), so the root is told apart by its depth: it is the only tenant at depth 1.
 */
export function findRootTenant(tenants: readonly VisibleTenant[]): VisibleTenant | null {
  return tenants.find((tenant) => tenant.parentId === null && tenant.depth === 1) ?? null;
}

/** Shared catalogues (definitions, profiles) are changed only with the right held at the root tenant. */
export function canAtRoot(tenants: readonly VisibleTenant[], module: PermissionModule, action: PermissionAction): boolean {
  return can(findRootTenant(tenants)?.permissions, module, action);
}
