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

/** The module the forbidden page names for a refused permission (the first alternative's). */
export function deniedModule(permission: PagePermission): PermissionModule | undefined {
  return 'anyOf' in permission ? permission.anyOf[0]?.[0]?.module : permission.module;
}
