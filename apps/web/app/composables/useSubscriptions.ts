import type { AssetStatus } from '@water/shared';
import type { SearchOption } from '~/composables/useAssetLookups';
import type { AddressView } from '~/lib/address-form';
import type { CustomerType } from '~/lib/customer-fields';
import type { ListQuerySpec, PagedList } from '~/lib/list-query';
import type { SubscriptionForm } from '~/lib/subscription-form';
import { DEFAULT_TIME_ZONE } from '@water/shared';
import { createSubscriptionPayload, emptySubscriptionForm, subscriptionFormFrom, updateSubscriptionPayload, validateSubscriptionForm } from '~/lib/subscription-form';
import { useSessionStore } from '~/stores/session';

/** Shapes of /api/subscriptions (apps/api/src/modules/subscriptions/subscriptions.dto.ts). */
export interface SubscriptionRow {
  id: string;
  subscriptionNo: string;
  tenantId: string;
  tenantName: string;
  type: CustomerType;
  group: { id: string; code: string; name: string };
  isActive: boolean;
  customer: { id: string; displayName: string; type: CustomerType };
  /** TC ID No of an individual, tax id of an organisation. */
  identityNo: string | null;
  consumption30dM3: number;
  address: { id: string; line: string; city: string | null; district: string | null; latitude: number | null; longitude: number | null } | null;
  meter: { id: string; serialNo: string } | null;
  createdAt: string;
}

export interface MeterPeriod {
  id: string;
  meterId: string;
  serialNo: string;
  brand: string;
  modelCode: string;
  startedAt: string;
  endedAt: string | null;
  initialIndexM3: number;
  finalIndexM3: number | null;
}

export interface SubscriptionDetail extends Omit<SubscriptionRow, 'customer' | 'address' | 'meter'> {
  customer: { id: string; displayName: string; type: CustomerType; tcIdNo: string | null; taxId: string | null; phone: string | null; email: string | null };
  address: AddressView | null;
  meter: {
    id: string;
    serialNo: string;
    brand: string;
    modelCode: string;
    meterType: string;
    status: string;
    valveState: string | null;
    lastIndexM3: number | null;
    lastReadingAt: string | null;
    since: string;
    initialIndexM3: number;
  } | null;
  device: { id: string; serialNo: string; brand: string; modelCode: string; status: AssetStatus; lastSeenAt: string | null; batteryPct: number | null; rssi: number | null; snr: number | null } | null;
  meterHistory: MeterPeriod[];
  updatedAt: string;
}

export const SUBSCRIPTION_LIST: ListQuerySpec<'subscriptionNo' | 'customer' | 'identityNo' | 'consumption', 'tenantId' | 'type' | 'groupId' | 'hasMeter' | 'isActive'> = {
  sorts: ['subscriptionNo', 'customer', 'identityNo', 'consumption'],
  defaultSort: 'subscriptionNo',
  filters: ['tenantId', 'type', 'groupId', 'hasMeter', 'isActive'],
};

/** The subscriptions table (brief 2.3.1.1), in the selected tenant's subtree by default. */
export function useSubscriptionList() {
  const { $apiFetch } = useNuxtApp();
  const store = useSessionStore();
  const list = useAssetListQuery(SUBSCRIPTION_LIST);
  const query = computed(() => ({ ...list.apiQuery.value, tenantId: list.state.value.filters.tenantId ?? store.selectedTenantId ?? undefined }));
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:subscriptions:${JSON.stringify(query.value)}`,
    () => (query.value.tenantId ? $apiFetch<PagedList<SubscriptionRow>>('/api/subscriptions', { query: query.value }) : Promise.resolve(null)),
  );
  return { ...list, result: useAssetLastPage(data), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useSubscription(id: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:subscription:${toValue(id)}`,
    () => $apiFetch<SubscriptionDetail>(`/api/subscriptions/${toValue(id)}`),
  );
  return { subscription: data, error, pending: computed(() => status.value === 'pending'), refresh };
}

/** Subscriptions of a tenant for a searchable select; `hasMeter: false` keeps those waiting for a meter, `keep` stays listed. */
export function useSubscriptionSearch(tenantId: MaybeRefOrGetter<string | null | undefined>, options: { hasMeter?: boolean; keep?: SearchOption | null } = {}) {
  const { $apiFetch } = useNuxtApp();
  return computed(() => {
    const tenant = toValue(tenantId);
    return async (search: string): Promise<SearchOption[]> => {
      if (!tenant) return [];
      const query: Record<string, string | number | boolean> = { tenantId: tenant, pageSize: 20 };
      if (search) query.search = search;
      if (options.hasMeter !== undefined) query.hasMeter = options.hasMeter;
      const page = await $apiFetch<PagedList<SubscriptionRow>>('/api/subscriptions', { query });
      const found = page.items.map((s) => ({ value: s.id, label: s.subscriptionNo, hint: [s.customer.displayName, s.address?.line].filter(Boolean).join(' · ') }));
      const keep = options.keep;
      return keep && !found.some((o) => o.value === keep.value) && (!search || keep.label.includes(search)) ? [keep, ...found] : found;
    };
  });
}

/** The subscription form (brief 2.3.3): create with an existing or a new customer, or edit `initial`. */
export function useSubscriptionForm(initial: SubscriptionDetail | null) {
  const { $apiFetch } = useNuxtApp();
  const tenants = useAssetTenants('SUBSCRIPTIONS', 'create');
  const timeZone = DEFAULT_TIME_ZONE;
  const mode = initial ? 'update' : 'create';
  const start = (): SubscriptionForm => (initial ? subscriptionFormFrom(initial) : emptySubscriptionForm(tenants.defaultId.value ?? ''));
  const initialForm = start();
  const form = useAssetForm<SubscriptionForm>(start, (state) => validateSubscriptionForm(state, timeZone, mode));

  // A customer and a meter belong to one tenant; the type decides which customers fit.
  watch(() => form.state.tenantId, (now, before) => {
    if (before && now !== before) Object.assign(form.state, { customerId: null, meterId: null });
  });
  watch(() => form.state.type, (type) => {
    form.state.customer.type = type;
    if (!initial) form.state.customerId = null;
  });

  async function submit() {
    const saved = await form.save(() =>
      initial
        ? $apiFetch<SubscriptionDetail>(`/api/subscriptions/${initial.id}`, { method: 'PATCH', body: updateSubscriptionPayload(form.state, initialForm) })
        : $apiFetch<SubscriptionDetail>('/api/subscriptions', { method: 'POST', body: createSubscriptionPayload(form.state, timeZone) }),
    );
    if (saved) {
      clearNuxtData((key) => key.startsWith('assets:'));
      await navigateTo(`/subscriptions/${saved.id}`);
    }
  }

  return { ...form, tenants, timeZone, submit };
}

export function useSubscriptionActions() {
  const { $apiFetch } = useNuxtApp();
  return {
    remove: (id: string) => $apiFetch(`/api/subscriptions/${id}`, { method: 'DELETE' }),
    /** PUT /api/subscriptions/:id/meter: closes the current period and opens the next (meterId null: no meter). */
    changeMeter: (id: string, body: { meterId: string | null; at?: string; finalIndexM3?: number; initialIndexM3?: number }) =>
      $apiFetch<SubscriptionDetail>(`/api/subscriptions/${id}/meter`, { method: 'PUT', body }),
  };
}
