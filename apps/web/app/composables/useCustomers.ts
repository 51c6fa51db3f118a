import type { SearchOption } from '~/composables/useAssetLookups';
import type { AddressView } from '~/lib/address-form';
import type { CustomerForm, CustomerType } from '~/lib/customer-fields';
import type { ContactView, CustomerDetailLike } from '~/lib/customer-form';
import type { ListQuerySpec, PagedList } from '~/lib/list-query';
import { customerPayload, emptyCustomer, validateCustomer } from '~/lib/customer-fields';
import { addressChanged, contactChanges, customerFormFrom, prefixErrorPaths, storedIdentity } from '~/lib/customer-form';
import { useSessionStore } from '~/stores/session';

/** Shapes of /api/customers (apps/api/src/modules/customers/customers.dto.ts). */
export interface CustomerRow {
  id: string;
  tenantId: string;
  tenantName: string;
  type: CustomerType;
  displayName: string;
  name: string | null;
  surname: string | null;
  organizationName: string | null;
  tcIdNo: string | null;
  taxId: string | null;
  identityNo: string | null;
  phone: string | null;
  email: string | null;
  subscriptionCount: number;
  createdAt: string;
  updatedAt: string;
}

interface AssetRef {
  id: string;
  serialNo: string;
  brand: string;
  modelCode: string;
  status: string;
}

export interface CustomerSubscription {
  id: string;
  subscriptionNo: string;
  type: CustomerType;
  group: { id: string; code: string; name: string };
  isActive: boolean;
  address: AddressView | null;
  meter: (AssetRef & { lastIndexM3: number | null; lastReadingAt: string | null; since: string }) | null;
  device: (AssetRef & { lastSeenAt: string | null; batteryPct: number | null }) | null;
}

export interface CustomerDetail extends CustomerRow, CustomerDetailLike {
  taxOffice: string | null;
  address: AddressView | null;
  contact: ContactView | null;
  contacts: ContactView[];
  addresses: (AddressView & { usedBy: string[] })[];
  subscriptions: CustomerSubscription[];
}

export const CUSTOMER_LIST: ListQuerySpec<'name' | 'identityNo' | 'subscriptions' | 'createdAt', 'tenantId' | 'type'> = {
  sorts: ['name', 'identityNo', 'subscriptions', 'createdAt'],
  defaultSort: 'name',
  filters: ['tenantId', 'type'],
};

/** The customers table (brief 2.4.1.1), in the selected tenant's subtree by default. */
export function useCustomerList() {
  const { $apiFetch } = useNuxtApp();
  const store = useSessionStore();
  const list = useAssetListQuery(CUSTOMER_LIST);
  const query = computed(() => ({ ...list.apiQuery.value, tenantId: list.state.value.filters.tenantId ?? store.selectedTenantId ?? undefined }));
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:customers:${JSON.stringify(query.value)}`,
    () => (query.value.tenantId ? $apiFetch<PagedList<CustomerRow>>('/api/customers', { query: query.value }) : Promise.resolve(null)),
  );
  return { ...list, result: useAssetLastPage(data), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useCustomer(id: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:customer:${toValue(id)}`,
    () => $apiFetch<CustomerDetail>(`/api/customers/${toValue(id)}`),
  );
  return { customer: data, error, pending: computed(() => status.value === 'pending'), refresh };
}

/** Customers of a tenant (of one type when given) for the subscription form's "select existing". */
export function useCustomerSearch(tenantId: MaybeRefOrGetter<string | null | undefined>, type: MaybeRefOrGetter<CustomerType | null | undefined>) {
  const { $apiFetch } = useNuxtApp();
  return computed(() => {
    const tenant = toValue(tenantId);
    const kind = toValue(type);
    return async (search: string): Promise<SearchOption[]> => {
      if (!tenant) return [];
      const query: Record<string, string | number> = { tenantId: tenant, pageSize: 20, sort: 'name' };
      if (search) query.search = search;
      if (kind) query.type = kind;
      const page = await $apiFetch<PagedList<CustomerRow>>('/api/customers', { query });
      return page.items.map((c) => ({ value: c.id, label: c.displayName, hint: [c.identityNo, c.phone].filter(Boolean).join(' · ') }));
    };
  });
}

interface CustomerFormState extends CustomerForm {
  tenantId: string;
}

/** The customer form (brief 2.4.3): create, or edit `initial` (its type then stays). Extra contacts are saved after the customer. */
export function useCustomerForm(initial: CustomerDetail | null) {
  const { $apiFetch } = useNuxtApp();
  const tenants = useAssetTenants('CUSTOMERS', 'create');
  const start = (): CustomerFormState => (initial ? { ...customerFormFrom(initial), tenantId: initial.tenantId } : { ...emptyCustomer('INDIVIDUAL'), tenantId: tenants.defaultId.value ?? '' });
  const initialForm = start();
  const stored = initial ? storedIdentity(initial) : undefined;
  const form = useAssetForm<CustomerFormState>(start, (state) => {
    const errors = validateCustomer(state, { stored });
    return state.tenantId ? errors : { ...errors, tenantId: 'assets.validation.required' };
  });

  async function save(): Promise<CustomerDetail> {
    if (!initial) {
      const { tenantId, type } = form.state;
      return $apiFetch<CustomerDetail>('/api/customers', { method: 'POST', body: { tenantId, type, ...customerPayload(form.state, 'create') } });
    }
    const body = customerPayload(form.state, 'update', { address: addressChanged(form.state, initialForm) ? 'include' : 'omit' });
    let saved = await $apiFetch<CustomerDetail>(`/api/customers/${initial.id}`, { method: 'PATCH', body });
    const changes = contactChanges(form.state, initialForm);
    for (const change of changes) {
      try {
        if (change.kind === 'create') await $apiFetch(`/api/customers/${initial.id}/contacts`, { method: 'POST', body: change.body });
        if (change.kind === 'update') await $apiFetch(`/api/customers/${initial.id}/contacts/${change.id}`, { method: 'PATCH', body: change.body });
        if (change.kind === 'delete') await $apiFetch(`/api/customers/${initial.id}/contacts/${change.id}`, { method: 'DELETE' });
      } catch (error) {
        if (change.kind !== 'delete') prefixErrorPaths(error, ['contacts', change.index]);
        throw error;
      }
    }
    if (changes.length) saved = await $apiFetch<CustomerDetail>(`/api/customers/${initial.id}`);
    return saved;
  }

  async function submit() {
    const saved = await form.save(save);
    if (saved) {
      clearNuxtData((key) => key.startsWith('assets:'));
      await navigateTo(`/customers/${saved.id}`);
    }
  }

  return { ...form, tenants, stored, isEdit: !!initial, submit };
}

export function useCustomerActions() {
  const { $apiFetch } = useNuxtApp();
  return {
    remove: (id: string) => $apiFetch(`/api/customers/${id}`, { method: 'DELETE' }),
  };
}
