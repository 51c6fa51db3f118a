import type { DefinitionsBrand, DefinitionsIpRating, DefinitionsTechnology } from '~/composables/useDefinitionsApi';
import type { PagedList } from '~/lib/list-query';

// Catalogues are short (tens of entries); one page of the API's maximum size holds them.
const ALL = { page: 1, pageSize: 200 } as const;

/** Choices for the profile forms: brands, IP ratings and communication technologies. */
export function useDefinitionsOptions(kind: 'meter' | 'device') {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(`definitions-options:${kind}`, async () => {
    const [brands, ipRatings, technologies] = await Promise.all([
      $apiFetch<PagedList<DefinitionsBrand>>(`/api/definitions/${kind}-brands`, { query: { ...ALL, sort: 'name' } }),
      kind === 'meter' ? $apiFetch<PagedList<DefinitionsIpRating>>('/api/definitions/ip-ratings', { query: ALL }) : null,
      kind === 'device' ? $apiFetch<PagedList<DefinitionsTechnology>>('/api/definitions/technologies', { query: ALL }) : null,
    ]);
    return { brands: brands.items, ipRatings: ipRatings?.items ?? [], technologies: technologies?.items ?? [] };
  });
  return {
    brands: computed(() => data.value?.brands ?? []),
    ipRatings: computed(() => data.value?.ipRatings ?? []),
    technologies: computed(() => data.value?.technologies ?? []),
    pending: computed(() => status.value === 'pending'),
    error,
    refresh,
  };
}
