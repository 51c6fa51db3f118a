import type { IdentifierValueType, Transport } from '~/lib/definition-labels';
import type { PagedList } from '~/lib/list-query';

/** Shapes of /api/definitions/* (apps/api/src/modules/definitions/definitions.dto.ts). */
export interface DefinitionsBrand {
  id: string;
  name: string;
  isActive: boolean;
  createdAt: string;
}

export interface DefinitionsIpRating {
  id: string;
  code: string;
  description: string | null;
  sortOrder: number;
}

export interface DefinitionsSubscriptionGroup {
  id: string;
  code: string;
  name: string;
  dailyThresholdM3: number;
}

export interface DefinitionsTechnologyField {
  id: string;
  key: string;
  label: string;
  valueType: IdentifierValueType;
  length: number | null;
  regex: string;
  isRequired: boolean;
  isSecret: boolean;
  isUnique: boolean;
  sortOrder: number;
}

export interface DefinitionsTechnology {
  id: string;
  code: string;
  name: string;
  transports: Transport[];
  sortOrder: number;
  fields: DefinitionsTechnologyField[];
}

/** The editable lists of the definitions module, by their API path segment. */
export type DefinitionsResource = 'meter-brands' | 'device-brands' | 'ip-ratings' | 'subscription-groups' | 'technologies';

export interface DefinitionsItem {
  'meter-brands': DefinitionsBrand;
  'device-brands': DefinitionsBrand;
  'ip-ratings': DefinitionsIpRating;
  'subscription-groups': DefinitionsSubscriptionGroup;
  'technologies': DefinitionsTechnology;
}

const base = (resource: DefinitionsResource) => `/api/definitions/${resource}`;

/** One page of an editable definition list, refetched when the query changes. */
export function useDefinitionsPage<R extends DefinitionsResource>(resource: R, query: MaybeRefOrGetter<Record<string, string | number>>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `definitions:${resource}:${JSON.stringify(toValue(query))}`,
    () => $apiFetch<PagedList<DefinitionsItem[R]>>(base(resource), { query: toValue(query) }),
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
  const { $apiFetch } = useNuxtApp();
  return {
    create: <R extends DefinitionsResource>(resource: R, body: Record<string, unknown>) =>
      $apiFetch<DefinitionsItem[R]>(base(resource), { method: 'POST', body }),
    update: <R extends DefinitionsResource>(resource: R, id: string, body: Record<string, unknown>) =>
      $apiFetch<DefinitionsItem[R]>(`${base(resource)}/${id}`, { method: 'PATCH', body }),
    remove: (resource: DefinitionsResource, id: string) => $apiFetch(`${base(resource)}/${id}`, { method: 'DELETE' }),
    createField: (technologyId: string, body: Record<string, unknown>) =>
      $apiFetch<DefinitionsTechnologyField>(`${base('technologies')}/${technologyId}/fields`, { method: 'POST', body }),
    updateField: (technologyId: string, fieldId: string, body: Record<string, unknown>) =>
      $apiFetch<DefinitionsTechnologyField>(`${base('technologies')}/${technologyId}/fields/${fieldId}`, { method: 'PATCH', body }),
    removeField: (technologyId: string, fieldId: string) =>
      $apiFetch(`${base('technologies')}/${technologyId}/fields/${fieldId}`, { method: 'DELETE' }),
  };
}
