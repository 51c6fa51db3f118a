import type { TenantsDetail } from '~/composables/useTenantsApi';
import { buildTenantTree, flattenTenantTree } from '~/lib/tenant-tree';
import { useSessionStore } from '~/stores/session';

/**
 * Tenants that can be the parent in the tenant form: visible ones where the user may create tenants
 * (a new tenant) or update them (moving one), never the tenant itself or one of its descendants.
 */
export function useTenantsParentOptions(tenant: TenantsDetail | null) {
  const store = useSessionStore();
  const access = useTenantsAccess();
  return computed(() => {
    const rows = flattenTenantTree(buildTenantTree(store.tenants));
    const excluded = new Set<string>();
    if (tenant) {
      const start = rows.findIndex((row) => row.tenant.id === tenant.id);
      // Depth-first rows: the subtree is the tenant's row and the deeper rows right after it.
      for (let i = start; start >= 0 && i < rows.length && (i === start || rows[i]!.level > rows[start]!.level); i++)
        excluded.add(rows[i]!.tenant.id);
    }
    return (
      rows
        // The current parent stays listed even where the user could not move a tenant to.
        .filter(
          (row) =>
            row.tenant.id === tenant?.parentId ||
            (!excluded.has(row.tenant.id) && access.allows(row.tenant.id, tenant ? 'update' : 'create')),
        )
        .map((row) => ({ value: row.tenant.id, label: row.tenant.name, level: row.level }))
    );
  });
}
