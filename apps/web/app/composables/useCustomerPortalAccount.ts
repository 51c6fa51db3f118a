import type { ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';

export type PortalAccountState = ApiSchema<'PortalAccountStateDto'>;

/** A customer's portal account and the invitations sent to them (CUSTOMERS read). */
export function useCustomerPortalAccount(customerId: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `customers:portal-account:${toValue(customerId)}`,
    async () => unwrap(await $api.GET('/api/customers/{id}/portal-account', { params: { path: { id: toValue(customerId) } } })),
  );
  return { state: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** Inviting a customer (a code by e-mail) and turning their account off or on (CUSTOMERS update). */
export function useCustomerPortalAccountMutations() {
  const { $api } = useNuxtApp();
  const path = (id: string) => ({ params: { path: { id } } });
  return {
    invite: async (id: string, body: { email: string; language?: 'tr' | 'en' }) =>
      unwrap(await $api.POST('/api/customers/{id}/portal-invitations', { ...path(id), body })),
    deactivate: async (id: string) => unwrap(await $api.POST('/api/customers/{id}/portal-account/deactivate', path(id))),
    activate: async (id: string) => unwrap(await $api.POST('/api/customers/{id}/portal-account/activate', path(id))),
  };
}
