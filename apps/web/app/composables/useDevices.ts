import type { AssetStatus } from '@water/shared';
import type { SearchOption } from '~/composables/useAssetLookups';
import type { AddressView } from '~/lib/address-form';
import type { DeviceForm } from '~/lib/device-form';
import type { IdentifierField, IdentifierView } from '~/lib/identifier-fields';
import type { ListQuerySpec, PagedList } from '~/lib/list-query';
import { createDevicePayload, deviceFormFrom, storedSecretKeys, updateDevicePayload, validateNewDevice } from '~/lib/device-form';
import { emptyNewDevice } from '~/lib/device-form';
import { useSessionStore } from '~/stores/session';

/** Shapes of /api/devices (apps/api/src/modules/devices/devices.dto.ts). */
export interface DeviceRow {
  id: string;
  tenantId: string;
  tenantName: string;
  serialNo: string;
  status: AssetStatus;
  brand: { id: string; name: string };
  profile: { id: string; brand: string; modelCode: string };
  /** The network's identifying field (DevEUI, IMEI ...), never a secret. */
  networkId: { key: string; value: string } | null;
  meter: { id: string; serialNo: string } | null;
  lastSeenAt: string | null;
  batteryPct: number | null;
  rssi: number | null;
  snr: number | null;
  online: boolean;
  createdAt: string;
}

export interface DeviceDetail extends Omit<DeviceRow, 'profile' | 'meter'> {
  profile: {
    id: string;
    brand: string;
    modelCode: string;
    communicationModule: string;
    batteryLifeMonths: number | null;
    expectedIntervalMinutes: number;
    technologies: { code: string; name: string }[];
  };
  meter: {
    id: string;
    serialNo: string;
    brand: string;
    modelCode: string;
    status: AssetStatus;
    lastIndexM3: number | null;
    lastReadingAt: string | null;
    subscription: { id: string; subscriptionNo: string; customerName: string } | null;
  } | null;
  address: AddressView | null;
  identifiers: Record<string, IdentifierView>;
  updatedAt: string;
}

export const DEVICE_LIST: ListQuerySpec<'serialNo' | 'status' | 'lastSeenAt' | 'batteryPct', 'tenantId' | 'status' | 'brandId' | 'deviceProfileId' | 'attached'> = {
  sorts: ['serialNo', 'status', 'lastSeenAt', 'batteryPct'],
  defaultSort: 'serialNo',
  filters: ['tenantId', 'status', 'brandId', 'deviceProfileId', 'attached'],
};

/** The devices table (brief 2.6.1.1), in the selected tenant's subtree by default. */
export function useDeviceList() {
  const { $apiFetch } = useNuxtApp();
  const store = useSessionStore();
  const list = useAssetListQuery(DEVICE_LIST);
  const query = computed(() => ({ ...list.apiQuery.value, tenantId: list.state.value.filters.tenantId ?? store.selectedTenantId ?? undefined }));
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:devices:${JSON.stringify(query.value)}`,
    () => (query.value.tenantId ? $apiFetch<PagedList<DeviceRow>>('/api/devices', { query: query.value }) : Promise.resolve(null)),
  );
  return { ...list, result: useAssetLastPage(data), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useDevice(id: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:device:${toValue(id)}`,
    () => $apiFetch<DeviceDetail>(`/api/devices/${toValue(id)}`),
  );
  return { device: data, error, pending: computed(() => status.value === 'pending'), refresh };
}

/**
 * Devices of a tenant's inventory (not attached) for the meter form's "select from inventory", limited
 * to the given compatible device profiles; `keep` is the device the meter already has.
 */
export function useInventorySearch(tenantId: MaybeRefOrGetter<string | null | undefined>, profileIds: MaybeRefOrGetter<readonly string[]>, keep?: MaybeRefOrGetter<SearchOption | null>) {
  const { $apiFetch } = useNuxtApp();
  return computed(() => {
    const tenant = toValue(tenantId);
    const allowed = new Set(toValue(profileIds));
    const current = keep ? toValue(keep) : null;
    return async (search: string): Promise<SearchOption[]> => {
      if (!tenant) return [];
      const query: Record<string, string | number | boolean> = { tenantId: tenant, attached: false, pageSize: 200, sort: 'serialNo' };
      if (search) query.search = search;
      // One profile can be asked of the API; several are filtered here (an inventory page holds up to 200 devices).
      if (allowed.size === 1) query.deviceProfileId = [...allowed][0]!;
      const page = await $apiFetch<PagedList<DeviceRow>>('/api/devices', { query });
      const options = page.items
        .filter((d) => allowed.has(d.profile.id))
        .map((d) => ({ value: d.id, label: d.serialNo, hint: [`${d.profile.brand} ${d.profile.modelCode}`, d.networkId ? `${d.networkId.key} ${d.networkId.value}` : ''].filter(Boolean).join(' · ') }));
      const matchesCurrent = current && (!search || current.label.toLocaleLowerCase('tr').includes(search.toLocaleLowerCase('tr')));
      return matchesCurrent ? [current, ...options.filter((o) => o.value !== current.value)] : options;
    };
  });
}

/** The device form (brief 2.6.3): create, or edit `initial`. Navigates to the device once saved. */
export function useDeviceForm(initial: DeviceDetail | null, fields: Ref<IdentifierField[]>) {
  const { $apiFetch } = useNuxtApp();
  const tenants = useAssetTenants('DEVICES', 'create');
  const start = (): DeviceForm => (initial ? deviceFormFrom(initial) : { ...emptyNewDevice(), tenantId: tenants.defaultId.value ?? '', meterId: null });
  const initialForm = start();
  const storedSecrets = storedSecretKeys(initial?.identifiers);
  const check = (state: DeviceForm) => {
    const result = validateNewDevice(state, fields.value, storedSecrets);
    return state.tenantId ? result.errors : { ...result.errors, tenantId: 'assets.validation.required' };
  };
  const form = useAssetForm<DeviceForm>(start, check);
  const identifierProblems = computed(() => validateNewDevice(form.state, fields.value, storedSecrets).identifiers);

  watch(() => form.state.tenantId, (now, before) => {
    if (before && now !== before) Object.assign(form.state, { meterId: null, deviceProfileId: '' });
  });

  async function submit() {
    const saved = await form.save(
      () =>
        initial
          ? $apiFetch<DeviceDetail>(`/api/devices/${initial.id}`, { method: 'PATCH', body: updateDevicePayload(form.state, initialForm, fields.value) })
          : $apiFetch<DeviceDetail>('/api/devices', { method: 'POST', body: createDevicePayload(form.state, fields.value) }),
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
  const { $apiFetch } = useNuxtApp();
  return {
    remove: (id: string) => $apiFetch(`/api/devices/${id}`, { method: 'DELETE' }),
  };
}
