import { allows, deniedRight } from '~/lib/page-permission';
import { buildTenantTree, flattenTenantTree } from '~/lib/tenant-tree';
import { useSessionStore } from '~/stores/session';

/** The visible tenants as an indented tree, and switching the selected one. */
export function useTenantSwitcher() {
  const store = useSessionStore();
  const route = useRoute();

  const rows = computed(() => flattenTenantTree(buildTenantTree(store.tenants)));
  const selected = computed(() => store.selectedTenant);

  async function select(id: string): Promise<void> {
    if (id === store.selectedTenantId || !store.selectTenant(id)) return;
    // Data keyed by tenant refetches by itself; a page the new tenant does not grant is left.
    const permission = route.meta.permission;
    if (permission && !allows(permission, store.can)) {
      const denied = deniedRight(permission, store.can);
      await navigateTo({ path: '/forbidden', query: { module: denied?.module, action: denied?.action } });
    }
  }

  return { rows, selected, select };
}
