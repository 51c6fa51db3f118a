import type { PermissionMatrix } from '@water/shared';

/** Shapes of /api/tenants (apps/api/src/modules/tenants/tenants.dto.ts). */
export type TenantsPlanStatus = 'ACTIVE' | 'PASSIVE';

export interface TenantsNode {
  id: string;
  name: string;
  /** Null for a tenant whose parent the caller cannot see. */
  parentId: string | null;
  depth: number;
  planType: string;
  planStatus: TenantsPlanStatus;
  children: TenantsNode[];
}

export interface TenantsAddress {
  id: string;
  name: string | null;
  latitude: number | null;
  longitude: number | null;
  city: string | null;
  district: string | null;
  neighborhood: string | null;
  street: string | null;
  buildingNo: string | null;
  floor: string | null;
  doorNo: string | null;
  postalCode: string | null;
  uavtCode: string | null;
  description: string | null;
  extraDetails: string | null;
}

export interface TenantsMember {
  userId: string;
  name: string;
  surname: string;
  email: string;
  isActive: boolean;
  role: string;
  permissions: PermissionMatrix;
}

export interface TenantsProfileRef {
  id: string;
  brand: string;
  modelCode: string;
}

export interface TenantsDetail {
  id: string;
  parentId: string | null;
  parentName: string | null;
  isRoot: boolean;
  name: string;
  contactName: string | null;
  contactSurname: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  taxId: string | null;
  taxOffice: string | null;
  address: TenantsAddress | null;
  planType: string;
  planStatus: TenantsPlanStatus;
  timeZone: string;
  createdAt: string;
  updatedAt: string;
  stats: { users: number; meters: number; devices: number; customers: number; subscriptions: number; activeAlarms: number; childTenants: number };
  users: TenantsMember[];
  allowedMeterProfiles: TenantsProfileRef[];
  allowedDeviceProfiles: TenantsProfileRef[];
}

/** The tenants the caller may read, as a forest. */
export function useTenantsTree() {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData('tenants:tree', () => $apiFetch<TenantsNode[]>('/api/tenants'));
  return { roots: computed(() => data.value ?? []), loaded: computed(() => !!data.value), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useTenantsDetail(id: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `tenants:detail:${toValue(id)}`,
    () => $apiFetch<TenantsDetail>(`/api/tenants/${toValue(id)}`),
  );
  return { tenant: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useTenantsMutations() {
  const { $apiFetch } = useNuxtApp();
  return {
    create: (body: Record<string, unknown>) => $apiFetch<TenantsDetail>('/api/tenants', { method: 'POST', body }),
    update: (id: string, body: Record<string, unknown>) => $apiFetch<TenantsDetail>(`/api/tenants/${id}`, { method: 'PATCH', body }),
    remove: (id: string) => $apiFetch(`/api/tenants/${id}`, { method: 'DELETE' }),
  };
}
