import type { ChecklistOption } from '~/components/ui/checklist';
import type { TenantsProfileRef } from '~/composables/useTenantsApi';
import type { ApiQuery } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';

/**
 * The profiles a tenant may be allowed: those its parent may use (the API's ?tenantId= filter).
 * Profiles already allowed but outside that list stay visible, marked, so they can be unticked; when
 * the parent cannot be seen, only the tenant's current profiles are offered.
 */
export function useTenantsProfileOptions(
  parentId: () => string | null,
  current: () => { meter: TenantsProfileRef[]; device: TenantsProfileRef[] },
) {
  const { $api } = useNuxtApp();
  const { t } = useI18n();
  const { data, error, status } = useAsyncData(
    () => `tenants:profile-options:${parentId() ?? 'none'}`,
    async () => {
      const id = parentId();
      if (!id) return null;
      const query: ApiQuery<'/api/meter-profiles'> & ApiQuery<'/api/device-profiles'> = {
        tenantId: id,
        page: 1,
        pageSize: 200,
        sort: 'brand',
      };
      const [meter, device] = await Promise.all([
        $api.GET('/api/meter-profiles', { params: { query } }).then(unwrap),
        $api.GET('/api/device-profiles', { params: { query } }).then(unwrap),
      ]);
      return { meter: meter.items, device: device.items };
    },
  );

  // Labels of every profile seen so far, so a selection the new parent cannot use still has a name.
  const labels = new Map<string, string>();
  watch(
    [data, current],
    () => {
      for (const p of current().meter.concat(current().device)) labels.set(p.id, `${p.brand} ${p.modelCode}`);
      for (const p of [...(data.value?.meter ?? []), ...(data.value?.device ?? [])]) labels.set(p.id, `${p.brand.name} ${p.modelCode}`);
    },
    { immediate: true },
  );

  function options(kind: 'meter' | 'device', selected: readonly string[]): ChecklistOption[] {
    const usable = (data.value?.[kind] ?? []).map((p) => ({ value: p.id, label: `${p.brand.name} ${p.modelCode}` }));
    const known = new Set(usable.map((o) => o.value));
    // Without a visible parent only the tenant's own profiles can be offered (and unticked).
    const extra = data.value ? selected.filter((id) => !known.has(id)) : current()[kind].map((p) => p.id);
    const outside = extra.map((id) => ({
      value: id,
      label: labels.get(id) ?? id,
      hint: data.value ? t('tenants.form.notUsableByParent') : undefined,
    }));
    return [...usable, ...outside];
  }

  return { options, pending: computed(() => status.value === 'pending'), error };
}
