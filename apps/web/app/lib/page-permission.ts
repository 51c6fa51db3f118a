import type { PermissionAction, PermissionModule } from '@water/shared';

/** One right in the selected tenant's matrix. */
export interface Right {
  module: PermissionModule;
  action: PermissionAction;
}

/**
 * What a page (definePageMeta `permission`) or a sidebar entry needs: one right, or alternatives of which
 * one must be granted whole (each a list of rights all needed), as the import wizard opens for any kind
 * the user may import.
 */
export type PagePermission = Right | { anyOf: readonly (readonly Right[])[] };

type Can = (module: PermissionModule, action: PermissionAction) => boolean;

export function allows(permission: PagePermission, can: Can): boolean {
  if ('anyOf' in permission) return permission.anyOf.some((rights) => rights.every((r) => can(r.module, r.action)));
  return can(permission.module, permission.action);
}

/**
 * The right the forbidden page names for a refused permission: the first one the user lacks (of the
 * first alternative), so a reader who may not create is told "create", not "view".
 */
export function deniedRight(permission: PagePermission, can: Can): Right | undefined {
  const rights = 'anyOf' in permission ? (permission.anyOf[0] ?? []) : [permission];
  return rights.find((r) => !can(r.module, r.action)) ?? rights[0];
}
