import type { ApiBody, ApiQuery, ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';

export type UsersRow = ApiSchema<'UserPageDto'>['items'][number];
export type UsersTenantRef = UsersRow['tenants'][number];
export type UsersDetail = ApiSchema<'UserDetailDto'>;
/** canManage: the signed-in user may change this membership (USERS update there). */
export type UsersMembership = UsersDetail['memberships'][number];

/** One page of users, refetched when the query changes. */
export function useUsersPage(query: MaybeRefOrGetter<ApiQuery<'/api/users'>>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `users:list:${JSON.stringify(toValue(query))}`,
    async () => unwrap(await $api.GET('/api/users', { params: { query: toValue(query) } })),
  );
  return { page: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useUsersDetail(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `users:detail:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/users/{id}', { params: { path: { id: toValue(id) } } })),
  );
  return { user: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useUsersMutations() {
  const { $api } = useNuxtApp();
  return {
    create: async (body: ApiBody<'/api/users', 'post'>) => unwrap(await $api.POST('/api/users', { body })),
    update: async (id: string, body: ApiBody<'/api/users/{id}', 'patch'>) =>
      unwrap(await $api.PATCH('/api/users/{id}', { params: { path: { id } }, body })),
    remove: async (id: string) => unwrap(await $api.DELETE('/api/users/{id}', { params: { path: { id } } })),
    /** Adds the user to the tenant, or changes their role and matrix there. */
    setMembership: async (id: string, tenantId: string, body: ApiBody<'/api/users/{id}/memberships/{tenantId}', 'put'>) =>
      unwrap(await $api.PUT('/api/users/{id}/memberships/{tenantId}', { params: { path: { id, tenantId } }, body })),
    removeMembership: async (id: string, tenantId: string) =>
      unwrap(await $api.DELETE('/api/users/{id}/memberships/{tenantId}', { params: { path: { id, tenantId } } })),
  };
}
