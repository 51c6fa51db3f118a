import { unwrap } from '~/lib/api-client';

// Catalogues are short (tens of entries); one page of the API's maximum size holds them.
const ALL = { page: 1, pageSize: 200 } as const;

/** Choices for the profile forms: brands, IP ratings and communication technologies. */
export function useDefinitionsOptions(kind: 'meter' | 'device') {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(`definitions-options:${kind}`, async () => {
    const brandQuery = { params: { query: { ...ALL, sort: 'name' as const } } };
    const [brands, ipRatings, technologies] = await Promise.all([
      (kind === 'meter'
        ? $api.GET('/api/definitions/meter-brands', brandQuery)
        : $api.GET('/api/definitions/device-brands', brandQuery)
      ).then(unwrap),
      kind === 'meter' ? $api.GET('/api/definitions/ip-ratings', { params: { query: ALL } }).then(unwrap) : null,
      kind === 'device' ? $api.GET('/api/definitions/technologies', { params: { query: ALL } }).then(unwrap) : null,
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
