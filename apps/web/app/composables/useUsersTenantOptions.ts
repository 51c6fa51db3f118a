import type { PermissionAction } from '@water/shared';
import { can } from '@water/shared';
import { buildTenantTree, flattenTenantTree } from '~/lib/tenant-tree';
import { useSessionStore } from '~/stores/session';

/**
 * Visible tenants as an indented list, marked with whether the signed-in user holds a USERS right
 * there (create for a new user, update to add a membership), and the matrix they hold at each.
 */
export function useUsersTenantOptions(action: PermissionAction) {
  const store = useSessionStore();
  const options = computed(() =>
    flattenTenantTree(buildTenantTree(store.tenants)).map((row) => ({
      value: row.tenant.id,
      label: row.tenant.name,
      level: row.level,
      allowed: can(row.tenant.permissions, 'USERS', action),
    })),
  );
  return {
    options,
    nameOf: (tenantId: string) => store.tenants.find((t) => t.id === tenantId)?.name ?? tenantId,
    held: (tenantId: string) => store.tenants.find((t) => t.id === tenantId)?.permissions ?? null,
  };
}
