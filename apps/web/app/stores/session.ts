import type { PermissionAction, PermissionModule } from '@water/shared';
import type { Me, VisibleTenant } from '#shared/types/auth';
import { can as matrixCan } from '@water/shared';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useCookie } from '#app';

export const TENANT_COOKIE = 'water_tenant';

/** Client state of the signed-in user: the /api/auth/me answer and the tenant the console works in. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  // Not httpOnly: it only says which visible tenant is selected; the API checks access on every call.
  const tenantCookie = useCookie<string | null>(TENANT_COOKIE, {
    default: () => null,
    sameSite: 'lax',
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
  });

  const user = computed(() => me.value?.user ?? null);
  const isSignedIn = computed(() => me.value !== null);
  const tenants = computed<VisibleTenant[]>(() => me.value?.tenants ?? []);
  /** The cookie's tenant while it is still visible, else the first visible tenant (a root: parents come first). */
  const selectedTenant = computed<VisibleTenant | null>(
    () => tenants.value.find((tenant) => tenant.id === tenantCookie.value) ?? tenants.value[0] ?? null,
  );
  const selectedTenantId = computed(() => selectedTenant.value?.id ?? null);

  function can(module: PermissionModule, action: PermissionAction): boolean {
    return matrixCan(selectedTenant.value?.permissions, module, action);
  }

  function setMe(value: Me): void {
    me.value = value;
    if (selectedTenant.value && tenantCookie.value !== selectedTenant.value.id) tenantCookie.value = selectedTenant.value.id;
  }

  function selectTenant(id: string): boolean {
    if (!tenants.value.some((tenant) => tenant.id === id)) return false;
    tenantCookie.value = id;
    return true;
  }

  function clear(): void {
    me.value = null;
  }

  return { me, user, isSignedIn, tenants, selectedTenant, selectedTenantId, can, setMe, selectTenant, clear };
});
