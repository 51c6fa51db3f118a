import type { ApiBody, ApiQuery, ApiSchema } from '~/lib/api-client';
import type { PagedList } from '~/lib/list-query';
import { unwrap } from '~/lib/api-client';

export type DefinitionsBrand = ApiSchema<'BrandDto'>;
export type DefinitionsIpRating = ApiSchema<'IpRatingDto'>;
export type DefinitionsSubscriptionGroup = ApiSchema<'SubscriptionGroupDto'>;
export type DefinitionsTechnologyField = ApiSchema<'TechnologyFieldDto'>;
export type DefinitionsTechnology = ApiSchema<'TechnologyDto'>;

/** The editable lists of the definitions module, by their API path segment. */
export type DefinitionsResource = 'meter-brands' | 'device-brands' | 'ip-ratings' | 'subscription-groups' | 'technologies';

export interface DefinitionsItem {
  'meter-brands': DefinitionsBrand;
  'device-brands': DefinitionsBrand;
  'ip-ratings': DefinitionsIpRating;
  'subscription-groups': DefinitionsSubscriptionGroup;
  technologies: DefinitionsTechnology;
}

type ListPath<R extends DefinitionsResource> = `/api/definitions/${R}`;
type ItemPath<R extends DefinitionsResource> = `/api/definitions/${R}/{id}`;
export type DefinitionsQuery<R extends DefinitionsResource> = ApiQuery<ListPath<R>>;
export type DefinitionsCreateBody<R extends DefinitionsResource> = ApiBody<ListPath<R>, 'post'>;
export type DefinitionsUpdateBody<R extends DefinitionsResource> = ApiBody<ItemPath<R>, 'patch'>;

// The five catalogues share one implementation: inside it the route is a union of five, which openapi-fetch
// cannot pair with one body, so the calls go through `as never`; callers are typed per resource by the signatures.
const listPath = <R extends DefinitionsResource>(resource: R) => `/api/definitions/${resource}` as ListPath<DefinitionsResource>;
const itemPath = <R extends DefinitionsResource>(resource: R) => `/api/definitions/${resource}/{id}` as ItemPath<DefinitionsResource>;

/** One page of an editable definition list, refetched when the query changes. */
export function useDefinitionsPage<R extends DefinitionsResource>(resource: R, query: MaybeRefOrGetter<DefinitionsQuery<R>>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `definitions:${resource}:${JSON.stringify(toValue(query))}`,
    async () => unwrap(await $api.GET(listPath(resource), { params: { query: toValue(query) } } as never)) as PagedList<DefinitionsItem[R]>,
  );
  return {
    page: computed(() => data.value ?? null),
    pending: computed(() => status.value === 'pending'),
    error,
    refresh,
  };
}

/** Create, change and delete entries of the editable lists (the API checks the right at the root tenant). */
export function useDefinitionsMutations() {
  const { $api } = useNuxtApp();
  return {
    create: async <R extends DefinitionsResource>(resource: R, body: DefinitionsCreateBody<R>) =>
      unwrap(await $api.POST(listPath(resource), { body } as never)) as DefinitionsItem[R],
    update: async <R extends DefinitionsResource>(resource: R, id: string, body: DefinitionsUpdateBody<R>) =>
      unwrap(await $api.PATCH(itemPath(resource), { params: { path: { id } }, body } as never)) as DefinitionsItem[R],
    remove: async (resource: DefinitionsResource, id: string) =>
      unwrap(await $api.DELETE(itemPath(resource), { params: { path: { id } } })),
    createField: async (technologyId: string, body: ApiBody<'/api/definitions/technologies/{id}/fields', 'post'>) =>
      unwrap(await $api.POST('/api/definitions/technologies/{id}/fields', { params: { path: { id: technologyId } }, body })),
    updateField: async (
      technologyId: string,
      fieldId: string,
      body: ApiBody<'/api/definitions/technologies/{id}/fields/{fieldId}', 'patch'>,
    ) =>
      unwrap(
        await $api.PATCH('/api/definitions/technologies/{id}/fields/{fieldId}', { params: { path: { id: technologyId, fieldId } }, body }),
      ),
    removeField: async (technologyId: string, fieldId: string) =>
      unwrap(await $api.DELETE('/api/definitions/technologies/{id}/fields/{fieldId}', { params: { path: { id: technologyId, fieldId } } })),
  };
}
