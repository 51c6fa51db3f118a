import type { ApiQuery } from '~/lib/api-client';
import type { ListQuerySpec } from '~/lib/list-query';
import type { PreviewBody } from '~/lib/billing-preview-form';
import type { TariffCreateBody, TariffVersionBody, TariffVersionPatch, TariffView } from '~/lib/billing-tariff-form';
import { unwrap } from '~/lib/api-client';
import { bindListQuery } from '~/lib/list-query';
import { useSessionStore } from '~/stores/session';

export type { TariffView, TariffVersionView } from '~/lib/billing-tariff-form';

export const TARIFF_LIST: ListQuerySpec<'code' | 'name' | 'createdAt', 'subscriptionType'> = {
  sorts: ['code', 'name', 'createdAt'],
  defaultSort: 'code',
  filters: ['subscriptionType'],
};

/**
 * The tariffs that apply at the selected tenant (its own and those inherited from its ancestors, marked
 * `inherited`), paged, sorted and searched through the URL.
 */
export function useTariffList() {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const list = bindListQuery(useRoute(), useRouter(), TARIFF_LIST);
  const query = computed(() => ({ ...list.apiQuery.value, ...(store.selectedTenantId ? { tenantId: store.selectedTenantId } : {}) }));
  const { data, error, status, refresh } = useAsyncData(
    () => `billing:tariffs:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/tariffs', { params: { query: query.value as ApiQuery<'/api/tariffs'> } })),
  );
  return {
    list,
    source: { page: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh },
  };
}

export function useTariff(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, refresh } = useAsyncData(
    () => `billing:tariff:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/tariffs/{id}', { params: { path: { id: toValue(id) } } })),
  );
  return { tariff: data, error, refresh };
}

export function useTariffMutations() {
  const { $api } = useNuxtApp();
  const path = (id: string) => ({ params: { path: { id } } });
  const versionPath = (id: string, versionId: string) => ({ params: { path: { id, versionId } } });
  return {
    create: async (body: TariffCreateBody): Promise<TariffView> => unwrap(await $api.POST('/api/tariffs', { body })),
    rename: async (id: string, body: { name?: string; isExample?: boolean }) =>
      unwrap(await $api.PATCH('/api/tariffs/{id}', { ...path(id), body })),
    remove: async (id: string) => unwrap(await $api.DELETE('/api/tariffs/{id}', path(id))),
    addVersion: async (id: string, body: TariffVersionBody) => unwrap(await $api.POST('/api/tariffs/{id}/versions', { ...path(id), body })),
    updateVersion: async (id: string, versionId: string, body: TariffVersionPatch) =>
      unwrap(await $api.PATCH('/api/tariffs/{id}/versions/{versionId}', { ...versionPath(id, versionId), body })),
    removeVersion: async (id: string, versionId: string) =>
      unwrap(await $api.DELETE('/api/tariffs/{id}/versions/{versionId}', versionPath(id, versionId))),
    preview: async (id: string, body: PreviewBody) => unwrap(await $api.POST('/api/tariffs/{id}/preview', { ...path(id), body })),
  };
}

/** The rights of the selected tenant in the BILLING module (actions the user lacks are hidden). */
export function useBillingAccess() {
  const store = useSessionStore();
  return {
    canCreate: computed(() => store.can('BILLING', 'create')),
    canUpdate: computed(() => store.can('BILLING', 'update')),
    canDelete: computed(() => store.can('BILLING', 'delete')),
  };
}

/**
 * The tenants of the selected subtree where the user may create billing records, indented by depth, for a
 * form's tenant select; `defaultId` is the selected tenant when allowed there.
 */
export function useBillingTenantOptions() {
  const tenants = useAssetTenants('BILLING', 'create');
  const options = computed(() => tenants.options.value.map((o) => ({ value: o.id, label: `${'\u2003'.repeat(o.level)}${o.name}` })));
  return { options, defaultId: tenants.defaultId };
}
