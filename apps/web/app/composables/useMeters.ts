import type { SearchOption } from '~/composables/useAssetLookups';
import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import type { IdentifierField } from '~/lib/identifier-fields';
import type { ListQuerySpec } from '~/lib/list-query';
import type { MeterForm } from '~/lib/meter-form';
import { DEFAULT_TIME_ZONE } from '@water/shared';
import { unwrap } from '~/lib/api-client';
import { createMeterPayload, emptyMeterForm, meterFormFrom, updateMeterPayload, validateMeterForm } from '~/lib/meter-form';

export type MeterRow = ApiSchema<'MeterPageDto'>['items'][number];
export type MeterDetail = ApiSchema<'MeterDetailDto'>;

export const METER_LIST: ListQuerySpec<
  'serialNo' | 'status' | 'installedAt' | 'lastReadingAt' | 'lastIndexM3',
  'tenantId' | 'status' | 'brandId' | 'hasDevice' | 'hasSubscription'
> = {
  sorts: ['serialNo', 'status', 'installedAt', 'lastReadingAt', 'lastIndexM3'],
  defaultSort: 'serialNo',
  filters: ['tenantId', 'status', 'brandId', 'hasDevice', 'hasSubscription'],
};

/** The meters table (brief 2.5.1.1): the URL's page, sort and filters, in the selected tenant's subtree by default. */
export function useMeterList() {
  const { $api } = useNuxtApp();
  return useAssetList(METER_LIST, 'meters', async (query) =>
    unwrap(await $api.GET('/api/meters', { params: { query: query as ApiQuery<'/api/meters'> } })),
  );
}

export function useMeter(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  return useAssetRecord('meter', id, async (recordId) =>
    unwrap(await $api.GET('/api/meters/{id}', { params: { path: { id: recordId } } })),
  );
}

/** Meters of a tenant for a searchable select; `free` keeps those without a device or without a subscription, `keep` stays listed. */
export function useMeterSearch(
  tenantId: MaybeRefOrGetter<string | null | undefined>,
  free: { hasDevice?: boolean; hasSubscription?: boolean; keep?: SearchOption | null } = {},
) {
  const { $api } = useNuxtApp();
  return computed(() => {
    const tenant = toValue(tenantId);
    return async (search: string): Promise<(SearchOption & { profileId: string })[]> => {
      if (!tenant) return [];
      const query: ApiQuery<'/api/meters'> = { tenantId: tenant, pageSize: 20, sort: 'serialNo' };
      if (search) query.search = search;
      if (free.hasDevice !== undefined) query.hasDevice = free.hasDevice ? 'true' : 'false';
      if (free.hasSubscription !== undefined) query.hasSubscription = free.hasSubscription ? 'true' : 'false';
      const page = unwrap(await $api.GET('/api/meters', { params: { query } }));
      const found = page.items.map((m) => ({
        value: m.id,
        label: m.serialNo,
        hint: `${m.brand.name} ${m.profile.modelCode}`,
        profileId: m.profile.id,
      }));
      // The record's own meter is not "free" but must stay choosable on its edit form.
      const keep = free.keep;
      const keepIt =
        keep &&
        !found.some((o) => o.value === keep.value) &&
        (!search || keep.label.toLocaleLowerCase('tr').includes(search.toLocaleLowerCase('tr')));
      return keepIt ? [{ ...keep, profileId: '' }, ...found] : found;
    };
  });
}

/** The meter form (brief 2.5.3): create, or edit `initial`. Navigates to the meter once saved. */
export function useMeterForm(initial: MeterDetail | null, deviceFields: Ref<IdentifierField[]>) {
  const { $api } = useNuxtApp();
  const tenants = useAssetTenants('METERS', 'create');
  const timeZone = initial?.timeZone ?? DEFAULT_TIME_ZONE;
  const start = (): MeterForm => (initial ? meterFormFrom(initial) : emptyMeterForm(tenants.defaultId.value ?? ''));
  const initialForm = start();
  const form = useAssetForm<MeterForm>(start, (state) => validateMeterForm(state, timeZone, deviceFields.value).errors);
  const identifierProblems = computed(() => validateMeterForm(form.state, timeZone, deviceFields.value).identifiers);

  // Another tenant allows other profiles, subscriptions and devices: choices made for the old one go.
  watch(
    () => form.state.tenantId,
    (now, before) => {
      if (!before || now === before) return;
      Object.assign(form.state, { meterProfileId: '', subscriptionId: null, deviceId: null, deviceMode: 'none' });
      form.state.newDevice.deviceProfileId = '';
    },
  );

  async function submit() {
    const saved = await form.save(
      async () =>
        initial
          ? unwrap(
              await $api.PATCH('/api/meters/{id}', {
                params: { path: { id: initial.id } },
                body: updateMeterPayload(form.state, initialForm, timeZone, deviceFields.value),
              }),
            )
          : unwrap(await $api.POST('/api/meters', { body: createMeterPayload(form.state, timeZone, deviceFields.value) })),
      Object.keys(identifierProblems.value).length > 0,
    );
    if (saved) {
      clearNuxtData((key) => key.startsWith('assets:meter'));
      await navigateTo(`/meters/${saved.id}`);
    }
  }

  return { ...form, tenants, timeZone, identifierProblems, submit };
}

export function useMeterActions() {
  const { $api } = useNuxtApp();
  return {
    remove: async (id: string) => unwrap(await $api.DELETE('/api/meters/{id}', { params: { path: { id } } })),
  };
}
