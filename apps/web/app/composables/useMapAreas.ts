import type { ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';

/** GET /api/dashboard/map/areas: the districts and neighbourhoods of the tenant's subscriptions on the map. */
export type MapAreaOptions = ApiSchema<'MapAreasDto'>['districts'];

/** The map's area filter options for a tenant's subtree (the API answers for the caller's scope only). */
export function useMapAreas(tenantId: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();
  const { data, status } = useAsyncData(
    () => `dashboard-map-areas:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      if (!id) return { districts: [] };
      return unwrap(await $api.GET('/api/dashboard/map/areas', { params: { query: { tenantId: id } } }));
    },
    { server: false, lazy: true },
  );
  return {
    districts: computed<MapAreaOptions>(() => data.value?.districts ?? []),
    loading: computed(() => status.value === 'pending'),
  };
}
