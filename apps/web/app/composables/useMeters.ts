import type { AssetStatus, CommunicationModule, ValveState } from '@water/shared';
import type { SearchOption } from '~/composables/useAssetLookups';
import type { AddressView } from '~/lib/address-form';
import type { IdentifierField } from '~/lib/identifier-fields';
import type { ListQuerySpec, PagedList } from '~/lib/list-query';
import type { MeterForm } from '~/lib/meter-form';
import { DEFAULT_TIME_ZONE } from '@water/shared';
import { createMeterPayload, emptyMeterForm, meterFormFrom, updateMeterPayload, validateMeterForm } from '~/lib/meter-form';
import { useSessionStore } from '~/stores/session';

/** Shapes of /api/meters (apps/api/src/modules/meters/meters.dto.ts). */
export interface MeterRow {
  id: string;
  tenantId: string;
  tenantName: string;
  serialNo: string;
  status: AssetStatus;
  brand: { id: string; name: string };
  profile: { id: string; modelCode: string; meterType: string; diameterMm: number };
  initialIndexM3: number;
  installedAt: string | null;
  lastIndexM3: number | null;
  lastReadingAt: string | null;
  hasValve: boolean;
  valveState: ValveState | null;
  device: { id: string; serialNo: string } | null;
  subscription: { id: string; subscriptionNo: string } | null;
  createdAt: string;
}

export interface MeterDetail extends Omit<MeterRow, 'profile' | 'device' | 'subscription'> {
  timeZone: string;
  profile: {
    id: string;
    brand: string;
    modelCode: string;
    meterType: string;
    dialType: string;
    temperatureType: string;
    mountingType: string;
    connectionType: string;
    ipRating: string;
    diameterMm: number;
    lengthMm: number | null;
    widthMm: number | null;
    heightMm: number | null;
    q1: number;
    q2: number;
    q3: number;
    q4: number;
    rValue: number;
    pressureLossBar: number | null;
    communicationModule: CommunicationModule;
  };
  communicationModule: { override: CommunicationModule | null; effective: CommunicationModule };
  device: { id: string; serialNo: string; brand: string; modelCode: string; status: AssetStatus } | null;
  connectivity: { lastSeenAt: string | null; batteryPct: number | null; rssi: number | null; snr: number | null; online: boolean };
  subscription: { id: string; subscriptionNo: string; since: string; customer: { id: string; displayName: string } } | null;
  address: AddressView | null;
  history: { subscriptionId: string; subscriptionNo: string; startedAt: string; endedAt: string | null; initialIndexM3: number; finalIndexM3: number | null }[];
  updatedAt: string;
}

export const METER_LIST: ListQuerySpec<'serialNo' | 'status' | 'installedAt' | 'lastReadingAt' | 'lastIndexM3', 'tenantId' | 'status' | 'brandId' | 'hasDevice' | 'hasSubscription'> = {
  sorts: ['serialNo', 'status', 'installedAt', 'lastReadingAt', 'lastIndexM3'],
  defaultSort: 'serialNo',
  filters: ['tenantId', 'status', 'brandId', 'hasDevice', 'hasSubscription'],
};

/** The meters table (brief 2.5.1.1): the URL's page, sort and filters, in the selected tenant's subtree by default. */
export function useMeterList() {
  const { $apiFetch } = useNuxtApp();
  const store = useSessionStore();
  const list = useAssetListQuery(METER_LIST);
  const query = computed(() => ({ ...list.apiQuery.value, tenantId: list.state.value.filters.tenantId ?? store.selectedTenantId ?? undefined }));
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:meters:${JSON.stringify(query.value)}`,
    () => (query.value.tenantId ? $apiFetch<PagedList<MeterRow>>('/api/meters', { query: query.value }) : Promise.resolve(null)),
  );
  return { ...list, result: useAssetLastPage(data), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useMeter(id: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:meter:${toValue(id)}`,
    () => $apiFetch<MeterDetail>(`/api/meters/${toValue(id)}`),
  );
  return { meter: data, error, pending: computed(() => status.value === 'pending'), refresh };
}

/** Meters of a tenant for a searchable select; `free` keeps those without a device or without a subscription, `keep` stays listed. */
export function useMeterSearch(tenantId: MaybeRefOrGetter<string | null | undefined>, free: { hasDevice?: boolean; hasSubscription?: boolean; keep?: SearchOption | null } = {}) {
  const { $apiFetch } = useNuxtApp();
  return computed(() => {
    const tenant = toValue(tenantId);
    return async (search: string): Promise<(SearchOption & { profileId: string })[]> => {
      if (!tenant) return [];
      const query: Record<string, string | number | boolean> = { tenantId: tenant, pageSize: 20, sort: 'serialNo' };
      if (search) query.search = search;
      if (free.hasDevice !== undefined) query.hasDevice = free.hasDevice;
      if (free.hasSubscription !== undefined) query.hasSubscription = free.hasSubscription;
      const page = await $apiFetch<PagedList<MeterRow>>('/api/meters', { query });
      const found = page.items.map((m) => ({ value: m.id, label: m.serialNo, hint: `${m.brand.name} ${m.profile.modelCode}`, profileId: m.profile.id }));
      // The record's own meter is not "free" but must stay choosable on its edit form.
      const keep = free.keep;
      const keepIt = keep && !found.some((o) => o.value === keep.value) && (!search || keep.label.toLocaleLowerCase('tr').includes(search.toLocaleLowerCase('tr')));
      return keepIt ? [{ ...keep, profileId: '' }, ...found] : found;
    };
  });
}

/** The meter form (brief 2.5.3): create, or edit `initial`. Navigates to the meter once saved. */
export function useMeterForm(initial: MeterDetail | null, deviceFields: Ref<IdentifierField[]>) {
  const { $apiFetch } = useNuxtApp();
  const tenants = useAssetTenants('METERS', 'create');
  const timeZone = initial?.timeZone ?? DEFAULT_TIME_ZONE;
  const start = (): MeterForm => (initial ? meterFormFrom(initial) : emptyMeterForm(tenants.defaultId.value ?? ''));
  const initialForm = start();
  const form = useAssetForm<MeterForm>(start, (state) => validateMeterForm(state, timeZone, deviceFields.value).errors);
  const identifierProblems = computed(() => validateMeterForm(form.state, timeZone, deviceFields.value).identifiers);

  // Another tenant allows other profiles, subscriptions and devices: choices made for the old one go.
  watch(() => form.state.tenantId, (now, before) => {
    if (!before || now === before) return;
    Object.assign(form.state, { meterProfileId: '', subscriptionId: null, deviceId: null, deviceMode: 'none' });
    form.state.newDevice.deviceProfileId = '';
  });

  async function submit() {
    const saved = await form.save(
      () =>
        initial
          ? $apiFetch<MeterDetail>(`/api/meters/${initial.id}`, { method: 'PATCH', body: updateMeterPayload(form.state, initialForm, timeZone, deviceFields.value) })
          : $apiFetch<MeterDetail>('/api/meters', { method: 'POST', body: createMeterPayload(form.state, timeZone, deviceFields.value) }),
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
  const { $apiFetch } = useNuxtApp();
  return {
    remove: (id: string) => $apiFetch(`/api/meters/${id}`, { method: 'DELETE' }),
  };
}
