import type { SearchOption } from '~/composables/useAssetLookups';
import type { ApiBody, ApiQuery, ApiSchema } from '~/lib/api-client';
import type { CustomerForm, CustomerType } from '~/lib/customer-fields';
import type { ListQuerySpec } from '~/lib/list-query';
import { unwrap } from '~/lib/api-client';
import { customerPayload, emptyCustomer, validateCustomer } from '~/lib/customer-fields';
import { addressChanged, contactChanges, customerFormFrom, prefixErrorPaths, storedIdentity } from '~/lib/customer-form';

export type CustomerRow = ApiSchema<'CustomerPageDto'>['items'][number];
export type CustomerDetail = ApiSchema<'CustomerDetailDto'>;
export type CustomerSubscription = CustomerDetail['subscriptions'][number];

export const CUSTOMER_LIST: ListQuerySpec<'name' | 'identityNo' | 'subscriptions' | 'createdAt', 'tenantId' | 'type'> = {
  sorts: ['name', 'identityNo', 'subscriptions', 'createdAt'],
  defaultSort: 'name',
  filters: ['tenantId', 'type'],
};

/** The customers table (brief 2.4.1.1), in the selected tenant's subtree by default. */
export function useCustomerList() {
  const { $api } = useNuxtApp();
  return useAssetList(CUSTOMER_LIST, 'customers', async (query) =>
    unwrap(await $api.GET('/api/customers', { params: { query: query as ApiQuery<'/api/customers'> } })),
  );
}

export function useCustomer(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  return useAssetRecord('customer', id, async (recordId) =>
    unwrap(await $api.GET('/api/customers/{id}', { params: { path: { id: recordId } } })),
  );
}

/** Customers of a tenant (of one type when given) for the subscription form's "select existing". */
export function useCustomerSearch(
  tenantId: MaybeRefOrGetter<string | null | undefined>,
  type: MaybeRefOrGetter<CustomerType | null | undefined>,
) {
  const { $api } = useNuxtApp();
  return computed(() => {
    const tenant = toValue(tenantId);
    const kind = toValue(type);
    return async (search: string): Promise<SearchOption[]> => {
      if (!tenant) return [];
      const query: ApiQuery<'/api/customers'> = { tenantId: tenant, pageSize: 20, sort: 'name' };
      if (search) query.search = search;
      if (kind) query.type = kind;
      const page = unwrap(await $api.GET('/api/customers', { params: { query } }));
      return page.items.map((c) => ({ value: c.id, label: c.displayName, hint: [c.identityNo, c.phone].filter(Boolean).join(' · ') }));
    };
  });
}

interface CustomerFormState extends CustomerForm {
  tenantId: string;
}

/** The customer form (brief 2.4.3): create, or edit `initial` (its type then stays). Extra contacts are saved after the customer. */
export function useCustomerForm(initial: CustomerDetail | null) {
  const { $api } = useNuxtApp();
  const tenants = useAssetTenants('CUSTOMERS', 'create');
  const start = (): CustomerFormState =>
    initial
      ? { ...customerFormFrom(initial), tenantId: initial.tenantId }
      : { ...emptyCustomer('INDIVIDUAL'), tenantId: tenants.defaultId.value ?? '' };
  const initialForm = start();
  const stored = initial ? storedIdentity(initial) : undefined;
  const form = useAssetForm<CustomerFormState>(start, (state) => {
    const errors = validateCustomer(state, { stored });
    return state.tenantId ? errors : { ...errors, tenantId: 'assets.validation.required' };
  });

  async function save(): Promise<CustomerDetail> {
    if (!initial) {
      const { tenantId, type } = form.state;
      const body: ApiBody<'/api/customers', 'post'> = { tenantId, type, ...customerPayload(form.state, 'create') };
      return unwrap(await $api.POST('/api/customers', { body }));
    }
    const id = initial.id;
    const body: ApiBody<'/api/customers/{id}', 'patch'> = customerPayload(form.state, 'update', {
      address: addressChanged(form.state, initialForm) ? 'include' : 'omit',
    });
    let saved = unwrap(await $api.PATCH('/api/customers/{id}', { params: { path: { id } }, body }));
    const changes = contactChanges(form.state, initialForm);
    for (const change of changes) {
      try {
        if (change.kind === 'create')
          unwrap(await $api.POST('/api/customers/{id}/contacts', { params: { path: { id } }, body: change.body }));
        if (change.kind === 'update')
          unwrap(
            await $api.PATCH('/api/customers/{id}/contacts/{contactId}', {
              params: { path: { id, contactId: change.id } },
              body: change.body,
            }),
          );
        if (change.kind === 'delete')
          unwrap(await $api.DELETE('/api/customers/{id}/contacts/{contactId}', { params: { path: { id, contactId: change.id } } }));
      } catch (error) {
        if (change.kind !== 'delete') prefixErrorPaths(error, ['contacts', change.index]);
        throw error;
      }
    }
    if (changes.length) saved = unwrap(await $api.GET('/api/customers/{id}', { params: { path: { id } } }));
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
  const { $api } = useNuxtApp();
  return {
    remove: async (id: string) => unwrap(await $api.DELETE('/api/customers/{id}', { params: { path: { id } } })),
  };
}
