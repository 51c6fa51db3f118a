import type { PermissionMatrix } from '@water/shared';
import type { PagedList } from '~/lib/list-query';

/** Shapes of /api/users (apps/api/src/modules/users/users.dto.ts). */
export interface UsersTenantRef {
  tenantId: string;
  tenantName: string;
  role: string;
}

export interface UsersRow {
  id: string;
  name: string;
  surname: string;
  email: string;
  phone: string | null;
  isActive: boolean;
  lastLoginAt: string | null;
  tenants: UsersTenantRef[];
}

export interface UsersMembership extends UsersTenantRef {
  permissions: PermissionMatrix;
  /** The signed-in user may change this membership (USERS update there). */
  canManage: boolean;
}

export interface UsersDetail extends UsersRow {
  tcIdNo: string | null;
  createdAt: string;
  memberships: UsersMembership[];
  activity: {
    lastLoginAt: string | null;
    logins: { at: string; success: boolean; reason: string | null; ipAddress: string | null }[];
    actions: { at: string; action: string; entityType: string; entityId: string | null; tenantId: string | null }[];
  };
}

/** One page of users, refetched when the query changes. */
export function useUsersPage(query: MaybeRefOrGetter<Record<string, string | number>>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `users:list:${JSON.stringify(toValue(query))}`,
    () => $apiFetch<PagedList<UsersRow>>('/api/users', { query: toValue(query) }),
  );
  return { page: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useUsersDetail(id: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `users:detail:${toValue(id)}`,
    () => $apiFetch<UsersDetail>(`/api/users/${toValue(id)}`),
  );
  return { user: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useUsersMutations() {
  const { $apiFetch } = useNuxtApp();
  return {
    create: (body: Record<string, unknown>) => $apiFetch<UsersDetail>('/api/users', { method: 'POST', body }),
    update: (id: string, body: Record<string, unknown>) => $apiFetch<UsersDetail>(`/api/users/${id}`, { method: 'PATCH', body }),
    remove: (id: string) => $apiFetch(`/api/users/${id}`, { method: 'DELETE' }),
    /** Adds the user to the tenant, or changes their role and matrix there. */
    setMembership: (id: string, tenantId: string, body: { role: string; permissions: PermissionMatrix }) =>
      $apiFetch<UsersDetail>(`/api/users/${id}/memberships/${tenantId}`, { method: 'PUT', body }),
    removeMembership: (id: string, tenantId: string) => $apiFetch(`/api/users/${id}/memberships/${tenantId}`, { method: 'DELETE' }),
  };
}
