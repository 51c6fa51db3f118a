import type { SearchOption } from '~/composables/useAssetLookups';
import type { ApiBody, ApiQuery, ApiSchema } from '~/lib/api-client';
import type { ListQuerySpec } from '~/lib/list-query';
import type { SubscriptionForm } from '~/lib/subscription-form';
import { DEFAULT_TIME_ZONE } from '@water/shared';
import { unwrap } from '~/lib/api-client';
import {
  createSubscriptionPayload,
  emptySubscriptionForm,
  subscriptionFormFrom,
  updateSubscriptionPayload,
  validateSubscriptionForm,
} from '~/lib/subscription-form';

/** identityNo: the TC ID No of an individual, the tax id of an organisation. */
export type SubscriptionRow = ApiSchema<'SubscriptionPageDto'>['items'][number];
export type SubscriptionDetail = ApiSchema<'SubscriptionDetailDto'>;
export type MeterPeriod = SubscriptionDetail['meterHistory'][number];

export const SUBSCRIPTION_LIST: ListQuerySpec<
  'subscriptionNo' | 'customer' | 'identityNo' | 'consumption',
  'tenantId' | 'type' | 'groupId' | 'hasMeter' | 'isActive'
> = {
  sorts: ['subscriptionNo', 'customer', 'identityNo', 'consumption'],
  defaultSort: 'subscriptionNo',
  filters: ['tenantId', 'type', 'groupId', 'hasMeter', 'isActive'],
};

/** The subscriptions table (brief 2.3.1.1), in the selected tenant's subtree by default. */
export function useSubscriptionList() {
  const { $api } = useNuxtApp();
  return useAssetList(SUBSCRIPTION_LIST, 'subscriptions', async (query) =>
    unwrap(await $api.GET('/api/subscriptions', { params: { query: query as ApiQuery<'/api/subscriptions'> } })),
  );
}

export function useSubscription(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  return useAssetRecord('subscription', id, async (recordId) =>
    unwrap(await $api.GET('/api/subscriptions/{id}', { params: { path: { id: recordId } } })),
  );
}

/** Subscriptions of a tenant for a searchable select; `hasMeter: false` keeps those waiting for a meter, `keep` stays listed. */
export function useSubscriptionSearch(
  tenantId: MaybeRefOrGetter<string | null | undefined>,
  options: { hasMeter?: boolean; keep?: SearchOption | null } = {},
) {
  const { $api } = useNuxtApp();
  return computed(() => {
    const tenant = toValue(tenantId);
    return async (search: string): Promise<SearchOption[]> => {
      if (!tenant) return [];
      const query: ApiQuery<'/api/subscriptions'> = { tenantId: tenant, pageSize: 20 };
      if (search) query.search = search;
      if (options.hasMeter !== undefined) query.hasMeter = options.hasMeter ? 'true' : 'false';
      const page = unwrap(await $api.GET('/api/subscriptions', { params: { query } }));
      const found = page.items.map((s) => ({
        value: s.id,
        label: s.subscriptionNo,
        hint: [s.customer.displayName, s.address?.line].filter(Boolean).join(' · '),
      }));
      const keep = options.keep;
      return keep && !found.some((o) => o.value === keep.value) && (!search || keep.label.includes(search)) ? [keep, ...found] : found;
    };
  });
}

/** The subscription form (brief 2.3.3): create with an existing or a new customer, or edit `initial`. */
export function useSubscriptionForm(initial: SubscriptionDetail | null) {
  const { $api } = useNuxtApp();
  const tenants = useAssetTenants('SUBSCRIPTIONS', 'create');
  const timeZone = DEFAULT_TIME_ZONE;
  const mode = initial ? 'update' : 'create';
  const start = (): SubscriptionForm => (initial ? subscriptionFormFrom(initial) : emptySubscriptionForm(tenants.defaultId.value ?? ''));
  const initialForm = start();
  const form = useAssetForm<SubscriptionForm>(start, (state) => validateSubscriptionForm(state, timeZone, mode));

  // A customer and a meter belong to one tenant; the type decides which customers fit.
  watch(
    () => form.state.tenantId,
    (now, before) => {
      if (before && now !== before) Object.assign(form.state, { customerId: null, meterId: null });
    },
  );
  watch(
    () => form.state.type,
    (type) => {
      form.state.customer.type = type;
      if (!initial) form.state.customerId = null;
    },
  );

  async function submit() {
    // The payloads are looser than the bodies: customerId may be null before validation catches it, and an emptied
    // address is sent as null, which PATCH's address (optional, not nullable) refuses; cast until lib/subscription-form is typed by the API.
    const saved = await form.save(async () =>
      initial
        ? unwrap(
            await $api.PATCH('/api/subscriptions/{id}', {
              params: { path: { id: initial.id } },
              body: updateSubscriptionPayload(form.state, initialForm) as ApiBody<'/api/subscriptions/{id}', 'patch'>,
            }),
          )
        : unwrap(
            await $api.POST('/api/subscriptions', {
              body: createSubscriptionPayload(form.state, timeZone) as ApiBody<'/api/subscriptions', 'post'>,
            }),
          ),
    );
    if (saved) {
      clearNuxtData((key) => key.startsWith('assets:'));
      await navigateTo(`/subscriptions/${saved.id}`);
    }
  }

  return { ...form, tenants, timeZone, submit };
}

export function useSubscriptionActions() {
  const { $api } = useNuxtApp();
  return {
    remove: async (id: string) => unwrap(await $api.DELETE('/api/subscriptions/{id}', { params: { path: { id } } })),
    /** PUT /api/subscriptions/:id/meter: closes the current period and opens the next (meterId null: no meter). */
    changeMeter: async (id: string, body: ApiBody<'/api/subscriptions/{id}/meter', 'put'>) =>
      unwrap(await $api.PUT('/api/subscriptions/{id}/meter', { params: { path: { id } }, body })),
  };
}
