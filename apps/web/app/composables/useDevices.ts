import type { SearchOption } from '~/composables/useAssetLookups';
import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import type { DeviceForm } from '~/lib/device-form';
import type { IdentifierField } from '~/lib/identifier-fields';
import type { ListQuerySpec } from '~/lib/list-query';
import { unwrap } from '~/lib/api-client';
import {
  createDevicePayload,
  deviceFormFrom,
  emptyNewDevice,
  storedSecretKeys,
  updateDevicePayload,
  validateNewDevice,
} from '~/lib/device-form';

/** networkId: the network's identifying field (DevEUI, IMEI ...), never a secret. */
export type DeviceRow = ApiSchema<'DevicePageDto'>['items'][number];
export type DeviceDetail = ApiSchema<'DeviceDetailDto'>;

export const DEVICE_LIST: ListQuerySpec<
  'serialNo' | 'status' | 'lastSeenAt' | 'batteryPct',
  'tenantId' | 'status' | 'brandId' | 'deviceProfileId' | 'attached'
> = {
  sorts: ['serialNo', 'status', 'lastSeenAt', 'batteryPct'],
  defaultSort: 'serialNo',
  filters: ['tenantId', 'status', 'brandId', 'deviceProfileId', 'attached'],
};

/** The devices table (brief 2.6.1.1), in the selected tenant's subtree by default. */
export function useDeviceList() {
  const { $api } = useNuxtApp();
  return useAssetList(DEVICE_LIST, 'devices', async (query) =>
    unwrap(await $api.GET('/api/devices', { params: { query: query as ApiQuery<'/api/devices'> } })),
  );
}

export function useDevice(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  return useAssetRecord('device', id, async (recordId) =>
    unwrap(await $api.GET('/api/devices/{id}', { params: { path: { id: recordId } } })),
  );
}

/**
 * Devices of a tenant's inventory (not attached) for the meter form's "select from inventory", limited
 * to the given compatible device profiles; `keep` is the device the meter already has.
 */
export function useInventorySearch(
  tenantId: MaybeRefOrGetter<string | null | undefined>,
  profileIds: MaybeRefOrGetter<readonly string[]>,
  keep?: MaybeRefOrGetter<SearchOption | null>,
) {
  const { $api } = useNuxtApp();
  return computed(() => {
    const tenant = toValue(tenantId);
    const allowed = new Set(toValue(profileIds));
    const current = keep ? toValue(keep) : null;
    return async (search: string): Promise<SearchOption[]> => {
      if (!tenant) return [];
      const query: ApiQuery<'/api/devices'> = { tenantId: tenant, attached: 'false', pageSize: 200, sort: 'serialNo' };
      if (search) query.search = search;
      // One profile can be asked of the API; several are filtered here (an inventory page holds up to 200 devices).
      if (allowed.size === 1) query.deviceProfileId = [...allowed][0]!;
      const page = unwrap(await $api.GET('/api/devices', { params: { query } }));
      const options = page.items
        .filter((d) => allowed.has(d.profile.id))
        .map((d) => ({
          value: d.id,
          label: d.serialNo,
          hint: [`${d.profile.brand} ${d.profile.modelCode}`, d.networkId ? `${d.networkId.key} ${d.networkId.value}` : '']
            .filter(Boolean)
            .join(' · '),
        }));
      const matchesCurrent = current && (!search || current.label.toLocaleLowerCase('tr').includes(search.toLocaleLowerCase('tr')));
      return matchesCurrent ? [current, ...options.filter((o) => o.value !== current.value)] : options;
    };
  });
}

/** The device form (brief 2.6.3): create, or edit `initial`. Navigates to the device once saved. */
export function useDeviceForm(initial: DeviceDetail | null, fields: Ref<IdentifierField[]>) {
  const { $api } = useNuxtApp();
  const tenants = useAssetTenants('DEVICES', 'create');
  const start = (): DeviceForm =>
    initial ? deviceFormFrom(initial) : { ...emptyNewDevice(), tenantId: tenants.defaultId.value ?? '', meterId: null };
  const initialForm = start();
  const storedSecrets = storedSecretKeys(initial?.identifiers);
  const check = (state: DeviceForm) => {
    const result = validateNewDevice(state, fields.value, storedSecrets);
    return state.tenantId ? result.errors : { ...result.errors, tenantId: 'assets.validation.required' };
  };
  const form = useAssetForm<DeviceForm>(start, check);
  const identifierProblems = computed(() => validateNewDevice(form.state, fields.value, storedSecrets).identifiers);

  watch(
    () => form.state.tenantId,
    (now, before) => {
      if (before && now !== before) Object.assign(form.state, { meterId: null, deviceProfileId: '' });
    },
  );

  async function submit() {
    const saved = await form.save(
      async () =>
        initial
          ? unwrap(
              await $api.PATCH('/api/devices/{id}', {
                params: { path: { id: initial.id } },
                body: updateDevicePayload(form.state, initialForm, fields.value),
              }),
            )
          : unwrap(await $api.POST('/api/devices', { body: createDevicePayload(form.state, fields.value) })),
      Object.keys(identifierProblems.value).length > 0,
    );
    if (saved) {
      clearNuxtData((key) => key.startsWith('assets:device') || key.startsWith('assets:meter'));
      await navigateTo(`/devices/${saved.id}`);
    }
  }

  return { ...form, tenants, storedSecrets, identifierProblems, submit };
}

export function useDeviceActions() {
  const { $api } = useNuxtApp();
  return {
    remove: async (id: string) => unwrap(await $api.DELETE('/api/devices/{id}', { params: { path: { id } } })),
  };
}
