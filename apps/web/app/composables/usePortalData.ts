import type { MaybeRefOrGetter } from 'vue';
import type { ApiBody, ApiResponse } from '~/lib/api-client';
import type { Granularity } from '~/lib/portal-consumption';
import { unwrap } from '~/lib/api-client';
import { usePortalStore } from '~/stores/portal';

/*
 * The customer's own records (issue 19, GET /api/portal/*): one composable per view, keyed by its
 * inputs. The API answers only the signed-in customer's records; another customer's id is a 404.
 */

export type PortalSubscription = ApiResponse<'/api/portal/subscriptions'>[number];
export type PortalConsumption = ApiResponse<'/api/portal/subscriptions/{id}/consumption'>;
export type PortalAlarm = ApiResponse<'/api/portal/alarms'>[number];
export type PortalInvoice = ApiResponse<'/api/portal/invoices'>[number];
export type PortalBalance = ApiResponse<'/api/portal/balance'>;
export type PortalConsent = ApiResponse<'/api/portal/consents'>[number];

export function usePortalSubscriptions() {
  const { $api } = useNuxtApp();
  return useAsyncData('portal-subscriptions', async () => unwrap(await $api.GET('/api/portal/subscriptions')));
}

export function usePortalConsumption(id: MaybeRefOrGetter<string>, granularity: MaybeRefOrGetter<Granularity>) {
  const { $api } = useNuxtApp();
  return useAsyncData(
    () => `portal-consumption:${toValue(id)}:${toValue(granularity)}`,
    async () =>
      unwrap(
        await $api.GET('/api/portal/subscriptions/{id}/consumption', {
          params: { path: { id: toValue(id) }, query: { granularity: toValue(granularity) } },
        }),
      ),
  );
}

export function usePortalAlarms(status: MaybeRefOrGetter<'open' | 'all'>) {
  const { $api } = useNuxtApp();
  return useAsyncData(
    () => `portal-alarms:${toValue(status)}`,
    async () => unwrap(await $api.GET('/api/portal/alarms', { params: { query: { status: toValue(status) } } })),
  );
}

export function usePortalInvoices() {
  const { $api } = useNuxtApp();
  return useAsyncData('portal-invoices', async () => unwrap(await $api.GET('/api/portal/invoices')));
}

export function usePortalBalance() {
  const { $api } = useNuxtApp();
  return useAsyncData('portal-balance', async () => unwrap(await $api.GET('/api/portal/balance')));
}

/** Links the browser follows itself (the proxy adds the portal session): an invoice's PDF, the data export. */
export function usePortalLinks() {
  return {
    invoicePdf: (id: string) => `/api/portal/invoices/${encodeURIComponent(id)}/pdf`,
    export: (format: 'json' | 'csv') => `/api/portal/export?format=${format}`,
    tenantLogo: '/api/portal/tenant-logo',
  };
}

/** The customer's own details: language and phone (PATCH /api/portal/me), and the password. */
export function usePortalProfile() {
  const { $api } = useNuxtApp();
  const store = usePortalStore();

  async function update(body: ApiBody<'/api/portal/me', 'patch'>) {
    const me = unwrap(await $api.PATCH('/api/portal/me', { body }));
    store.setMe(me);
    return me;
  }

  /** Ends the customer's other sessions; this one stays. */
  async function changePassword(body: ApiBody<'/api/portal/me/password', 'post'>) {
    unwrap(await $api.POST('/api/portal/me/password', { body }));
  }

  return { update, changePassword };
}

/** KVKK consents: the current state per kind, and giving or withdrawing one (a new record each time). */
export function usePortalConsents() {
  const { $api } = useNuxtApp();
  const state = useAsyncData('portal-consents', async () => unwrap(await $api.GET('/api/portal/consents')));

  async function record(body: ApiBody<'/api/portal/consents', 'post'>) {
    unwrap(await $api.POST('/api/portal/consents', { body }));
    await state.refresh();
  }

  return { ...state, record };
}

/** Starting a sign-up and a password reset: public routes that mint nothing (proxied without a session). */
export function usePortalChallenges() {
  const { $api } = useNuxtApp();
  return {
    startSignup: async (body: ApiBody<'/api/portal/auth/signup', 'post'>) => unwrap(await $api.POST('/api/portal/auth/signup', { body })),
    startPasswordReset: async (body: ApiBody<'/api/portal/auth/password-reset', 'post'>) =>
      unwrap(await $api.POST('/api/portal/auth/password-reset', { body })),
    finishPasswordReset: async (body: ApiBody<'/api/portal/auth/password-reset/verify', 'post'>) => {
      unwrap(await $api.POST('/api/portal/auth/password-reset/verify', { body }));
    },
  };
}
