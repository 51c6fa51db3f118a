import type { ApiBody, ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';

/** parentId is null for a tenant whose parent the caller cannot see. */
export type TenantsNode = ApiSchema<'TenantTreeDto'>[number];
export type TenantsDetail = ApiSchema<'TenantDetailDto'>;
export type TenantsPlanStatus = TenantsDetail['planStatus'];
export type TenantsAddress = NonNullable<TenantsDetail['address']>;
export type TenantsMember = TenantsDetail['users'][number];
export type TenantsProfileRef = TenantsDetail['allowedMeterProfiles'][number];
type CreateBody = ApiBody<'/api/tenants', 'post'>;
/** What the tenant form sends: the create body, parentId only when creating. */
export type TenantsBody = Omit<CreateBody, 'parentId'> & { parentId?: string };

/** The tenants the caller may read, as a forest. */
export function useTenantsTree() {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData('tenants:tree', async () => unwrap(await $api.GET('/api/tenants')));
  return {
    roots: computed(() => data.value ?? []),
    loaded: computed(() => !!data.value),
    pending: computed(() => status.value === 'pending'),
    error,
    refresh,
  };
}

export function useTenantsDetail(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `tenants:detail:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/tenants/{id}', { params: { path: { id: toValue(id) } } })),
  );
  return { tenant: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useTenantsMutations() {
  const { $api } = useNuxtApp();
  return {
    create: async (body: TenantsBody) => unwrap(await $api.POST('/api/tenants', { body: body as CreateBody })),
    update: async (id: string, body: Partial<TenantsBody>) =>
      unwrap(await $api.PATCH('/api/tenants/{id}', { params: { path: { id } }, body: body as ApiBody<'/api/tenants/{id}', 'patch'> })),
    remove: async (id: string) => unwrap(await $api.DELETE('/api/tenants/{id}', { params: { path: { id } } })),
    /** The logo printed on the tenant's invoices: one PNG or JPEG file (multipart). */
    setLogo: async (id: string, file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return unwrap(
        await $api.PUT('/api/tenants/{id}/logo', {
          params: { path: { id } },
          body: form as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      );
    },
    removeLogo: async (id: string) => unwrap(await $api.DELETE('/api/tenants/{id}/logo', { params: { path: { id } } })),
  };
}
