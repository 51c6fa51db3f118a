import type { ApiBody, ApiSchema, NullableFields } from '~/lib/api-client';
import { unwrap, unwrapNullable } from '~/lib/api-client';

const DETAIL_NULLABLE = ['parentName', 'contactName', 'contactSurname', 'contactPhone', 'contactEmail', 'taxId', 'taxOffice'] as const;
/** parentId is null for a tenant whose parent the caller cannot see. */
export type TenantsNode = ApiSchema<'TenantTreeDto'>[number];
export type TenantsDetail = NullableFields<ApiSchema<'TenantDetailDto'>, (typeof DETAIL_NULLABLE)[number]>;
export type TenantsPlanStatus = TenantsDetail['planStatus'];
export type TenantsAddress = NonNullable<TenantsDetail['address']>;
export type TenantsMember = TenantsDetail['users'][number];
export type TenantsProfileRef = TenantsDetail['allowedMeterProfiles'][number];
type CreateBody = ApiBody<'/api/tenants', 'post'>;
/**
 * What the tenant form sends: the create body, parentId only when creating, and taxId as the API takes it
 * (string or null; the OpenAPI document renders it as an array, see NullableFields).
 */
export type TenantsBody = Omit<CreateBody, 'parentId' | 'taxId'> & { parentId?: string; taxId?: string | null };

/** The tenants the caller may read, as a forest. */
export function useTenantsTree() {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData('tenants:tree', async () => unwrap(await $api.GET('/api/tenants')));
  return { roots: computed(() => data.value ?? []), loaded: computed(() => !!data.value), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useTenantsDetail(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `tenants:detail:${toValue(id)}`,
    async () => unwrapNullable(await $api.GET('/api/tenants/{id}', { params: { path: { id: toValue(id) } } }), DETAIL_NULLABLE),
  );
  return { tenant: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useTenantsMutations() {
  const { $api } = useNuxtApp();
  return {
    create: async (body: TenantsBody) => unwrapNullable(await $api.POST('/api/tenants', { body: body as CreateBody }), DETAIL_NULLABLE),
    update: async (id: string, body: Partial<TenantsBody>) =>
      unwrapNullable(await $api.PATCH('/api/tenants/{id}', { params: { path: { id } }, body: body as ApiBody<'/api/tenants/{id}', 'patch'> }), DETAIL_NULLABLE),
    remove: async (id: string) => unwrap(await $api.DELETE('/api/tenants/{id}', { params: { path: { id } } })),
  };
}
