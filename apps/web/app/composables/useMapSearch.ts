import type { ApiSchema } from '~/lib/api-client';
import { refDebounced } from '@vueuse/core';
import { unwrap } from '~/lib/api-client';

/** One answer of GET /api/dashboard/map/search: a subscription on the map and where it stands. */
export type MapSearchHit = ApiSchema<'MapSearchDto'>['items'][number];

/** The API searches from this many characters on (MapSearchQuerySchema). */
export const MAP_SEARCH_MIN_LENGTH = 2;

/**
 * The map's search box (issue 21): subscriptions of the tenant's subtree by number, customer or
 * address, through the API's one Turkish-aware search rule, asked again as the term settles.
 */
export function useMapSearch(tenantId: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();
  const term = ref('');
  const settled = refDebounced(
    computed(() => term.value.trim()),
    250,
  );
  const active = computed(() => settled.value.length >= MAP_SEARCH_MIN_LENGTH && !!toValue(tenantId));

  const { data, status, error } = useAsyncData(
    () => `dashboard-map-search:${toValue(tenantId) ?? 'none'}:${settled.value}`,
    async () => {
      const id = toValue(tenantId);
      if (!id || !active.value) return [];
      return unwrap(await $api.GET('/api/dashboard/map/search', { params: { query: { tenantId: id, q: settled.value } } })).items;
    },
    { server: false, lazy: true },
  );

  return {
    term,
    /** The term the hits are for (after the pause). */
    settled,
    active,
    hits: computed<MapSearchHit[]>(() => (active.value ? (data.value ?? []) : [])),
    loading: computed(() => active.value && (status.value === 'pending' || settled.value !== term.value.trim())),
    failed: computed(() => active.value && !!error.value),
  };
}
