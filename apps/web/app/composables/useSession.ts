import { unwrap } from '~/lib/api-client';
import { toApiFailure } from '~/lib/api-error';
import { useSessionStore } from '~/stores/session';

export interface Credentials {
  email: string;
  password: string;
}

/** Signing in and out, and loading who is signed in; the state itself lives in the session store. */
export function useSession() {
  const nuxtApp = useNuxtApp();
  const store = useSessionStore();

  /** Loads /api/auth/me (the proxy refreshes an expired token on the way); false when nobody is signed in. */
  async function load(): Promise<boolean> {
    try {
      store.setMe(unwrap(await nuxtApp.$api.GET('/api/auth/me')));
      return true;
    } catch (error) {
      if (toApiFailure(error).status !== 401) throw error;
      store.clear();
      return false;
    }
  }

  // Sign-in and sign-out are this server's own routes (server/api/session), not the API's: plain $fetch, browser only.
  /** Throws the API's refusal (see toApiFailure) for the form to show. */
  async function login(credentials: Credentials): Promise<void> {
    await $fetch('/api/session/login', { method: 'POST', body: credentials });
    clearNuxtData();
    await load();
  }

  async function logout(): Promise<void> {
    try {
      await $fetch('/api/session/logout', { method: 'POST' });
    } finally {
      store.clear();
      clearNuxtData();
      await navigateTo('/login');
    }
  }

  /** The session ended under us: drop its data and ask to sign in again, coming back here afterwards. */
  async function expire(): Promise<void> {
    store.clear();
    clearNuxtData();
    const route = nuxtApp.$router.currentRoute.value;
    if (route.meta.public) return;
    await navigateTo({ path: '/login', query: { redirect: route.fullPath } });
  }

  return { load, login, logout, expire };
}
