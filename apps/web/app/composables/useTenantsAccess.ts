import type { PermissionAction } from '@water/shared';
import { can } from '@water/shared';
import { useSessionStore } from '~/stores/session';

/** What the signed-in user may do with tenants, tenant by tenant (rights are held per tenant and inherited down). */
export function useTenantsAccess() {
  const store = useSessionStore();
  const allows = (tenantId: string | null | undefined, action: PermissionAction) =>
    !!tenantId && can(store.tenants.find((t) => t.id === tenantId)?.permissions, 'TENANTS', action);
  return {
    allows,
    /** Create a tenant under some visible tenant. */
    canCreateAny: computed(() => store.tenants.some((t) => can(t.permissions, 'TENANTS', 'create'))),
    /** The user's own matrix at a tenant: what they may grant there. */
    heldAt: (tenantId: string) => store.tenants.find((t) => t.id === tenantId)?.permissions ?? null,
  };
}
