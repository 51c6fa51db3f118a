import { unwrap } from '~/lib/api-client';
import { toApiFailure } from '~/lib/api-error';
import { PORTAL_LOGIN } from '~/lib/portal-routes';
import { usePortalStore } from '~/stores/portal';
import { usePortalLiveStore } from '~/stores/portal-live';

/**
 * The customer's sign-in, sign-up and sign-out. Token-minting calls go to this server's own
 * /api/portal-session/* routes (the tokens stay in httpOnly cookies); everything else through $api.
 */
export function usePortalSession() {
  const nuxtApp = useNuxtApp();
  const store = usePortalStore();

  /** Loads GET /api/portal/me (the proxy refreshes an expired token first); false when no customer is signed in. */
  async function load(): Promise<boolean> {
    try {
      store.setMe(unwrap(await nuxtApp.$api.GET('/api/portal/me')));
      return true;
    } catch (error) {
      if (toApiFailure(error).status !== 401) throw error;
      store.clear();
      return false;
    }
  }

  /** Throws the API's refusal (toApiFailure) for the form to show. */
  async function login(body: { email: string; password: string }): Promise<void> {
    await $fetch('/api/portal-session/login', { method: 'POST', body });
    clearNuxtData();
    await load();
  }

  /** The last step of a sign-up or invitation: the account is made and signed in. */
  async function completeSignup(body: {
    challengeId: string;
    code: string;
    password: string;
    acceptPrivacyNotice: boolean;
    privacyNoticeVersion: string;
  }): Promise<void> {
    await $fetch('/api/portal-session/signup-verify', { method: 'POST', body });
    clearNuxtData();
    await load();
  }

  async function logout(): Promise<void> {
    try {
      await $fetch('/api/portal-session/logout', { method: 'POST' });
    } finally {
      usePortalLiveStore().reset();
      store.clear();
      clearNuxtData();
      clearNuxtState((key) => key.startsWith('portal-'));
      await navigateTo(PORTAL_LOGIN);
    }
  }

  /** The portal session ended under us (a 401 the proxy could not cure): sign in again, then come back. */
  async function expire(): Promise<void> {
    usePortalLiveStore().reset();
    store.clear();
    clearNuxtData();
    clearNuxtState((key) => key.startsWith('portal-'));
    const route = nuxtApp.$router.currentRoute.value;
    if (route.path === PORTAL_LOGIN) return;
    await navigateTo({ path: PORTAL_LOGIN, query: { redirect: route.fullPath } });
  }

  return { load, login, completeSignup, logout, expire };
}
