import type { ChecklistOption } from '~/components/ui/checklist';
import { unwrap } from '~/lib/api-client';
import { buildTenantTree, flattenTenantTree } from '~/lib/tenant-tree';
import { useSessionStore } from '~/stores/session';

/** The profiles of one kind as checklist options ("Brand model"), for the compatibility lists of the forms. */
export function useProfilesOptions(kind: 'meter' | 'device') {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(`profiles-options:${kind}`, async () => {
    const params = { query: { page: 1, pageSize: 200, sort: 'brand' as const } };
    return kind === 'meter'
      ? unwrap(await $api.GET('/api/meter-profiles', { params }))
      : unwrap(await $api.GET('/api/device-profiles', { params }));
  });
  const options = computed<ChecklistOption[]>(() =>
    (data.value?.items ?? []).map((p) => ({ value: p.id, label: `${p.brand.name} ${p.modelCode}` })),
  );
  return { options, pending: computed(() => status.value === 'pending'), error, refresh };
}

/**
 * The child tenants a profile can be allowed to, as an indented tree (the root always uses every
 * profile, so it is left out).
 */
export function useProfilesTenantOptions() {
  const store = useSessionStore();
  return computed<ChecklistOption[]>(() =>
    flattenTenantTree(buildTenantTree(store.tenants))
      .filter((row) => row.tenant.depth > 1)
      .map((row) => ({ value: row.tenant.id, label: row.tenant.name, level: Math.max(0, row.tenant.depth - 2) })),
  );
}
