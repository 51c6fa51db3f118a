import type { Me } from '#shared/types/auth';
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
      store.setMe(await nuxtApp.$api<Me>('/api/auth/me'));
      return true;
    } catch (error) {
      if (toApiFailure(error).status !== 401) throw error;
      store.clear();
      return false;
    }
  }

  /** Throws the API's refusal (see toApiFailure) for the form to show. */
  async function login(credentials: Credentials): Promise<void> {
    await nuxtApp.$api('/api/session/login', { method: 'POST', body: credentials });
    clearNuxtData();
    await load();
  }

  async function logout(): Promise<void> {
    try {
      await nuxtApp.$api('/api/session/logout', { method: 'POST' });
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
