import type { ApiBody, ApiQuery, ApiSchema, NullableFields } from '~/lib/api-client';
import { unwrap, unwrapNullable } from '~/lib/api-client';

export type UsersRow = ApiSchema<'UserPageDto'>['items'][number];
export type UsersTenantRef = UsersRow['tenants'][number];
const DETAIL_NULLABLE = ['phone', 'tcIdNo'] as const;
export type UsersDetail = NullableFields<ApiSchema<'UserDetailDto'>, (typeof DETAIL_NULLABLE)[number]>;
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
    async () => unwrapNullable(await $api.GET('/api/users/{id}', { params: { path: { id: toValue(id) } } }), DETAIL_NULLABLE),
  );
  return { user: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useUsersMutations() {
  const { $api } = useNuxtApp();
  return {
    create: async (body: ApiBody<'/api/users', 'post'>) => unwrapNullable(await $api.POST('/api/users', { body }), DETAIL_NULLABLE),
    update: async (id: string, body: ApiBody<'/api/users/{id}', 'patch'>) => unwrapNullable(await $api.PATCH('/api/users/{id}', { params: { path: { id } }, body }), DETAIL_NULLABLE),
    remove: async (id: string) => unwrap(await $api.DELETE('/api/users/{id}', { params: { path: { id } } })),
    /** Adds the user to the tenant, or changes their role and matrix there. */
    setMembership: async (id: string, tenantId: string, body: ApiBody<'/api/users/{id}/memberships/{tenantId}', 'put'>) =>
      unwrapNullable(await $api.PUT('/api/users/{id}/memberships/{tenantId}', { params: { path: { id, tenantId } }, body }), DETAIL_NULLABLE),
    removeMembership: async (id: string, tenantId: string) =>
      unwrap(await $api.DELETE('/api/users/{id}/memberships/{tenantId}', { params: { path: { id, tenantId } } })),
  };
}
