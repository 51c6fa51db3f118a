import { canAtRoot } from '~/lib/root-tenant';
import { useSessionStore } from '~/stores/session';

/** Definitions are one catalogue for every tenant: changing them needs the DEFINITIONS right at the root tenant. */
export function useDefinitionsAccess() {
  const store = useSessionStore();
  return {
    canCreate: computed(() => canAtRoot(store.tenants, 'DEFINITIONS', 'create')),
    canUpdate: computed(() => canAtRoot(store.tenants, 'DEFINITIONS', 'update')),
    canDelete: computed(() => canAtRoot(store.tenants, 'DEFINITIONS', 'delete')),
  };
}
