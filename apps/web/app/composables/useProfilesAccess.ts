import { canAtRoot } from '~/lib/root-tenant';
import { useSessionStore } from '~/stores/session';

/** Profiles are one catalogue for every tenant: writes are offered only with the PROFILES right at the root tenant. */
export function useProfilesAccess() {
  const store = useSessionStore();
  return {
    canCreate: computed(() => canAtRoot(store.tenants, 'PROFILES', 'create')),
    canUpdate: computed(() => canAtRoot(store.tenants, 'PROFILES', 'update')),
    canDelete: computed(() => canAtRoot(store.tenants, 'PROFILES', 'delete')),
  };
}
