import type { LiveEvents, LiveStatus } from '~/composables/useLiveConnection';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { LiveConnection } from '~/composables/useLiveConnection';
import { openLiveSocket } from '~/stores/live';

type NotificationListener = (payload: LiveEvents['notification.created']) => void;

/**
 * The customer portal's Socket.io connection (issue 19): a portal access token from
 * /api/portal-session/socket-token, with which the API's gateway joins the account's own room only.
 * Separate from the console's live store, whose token is an operator's. Client only; the socket and
 * listeners are kept out of the store's state.
 */
export const usePortalLiveStore = defineStore('portal-live', () => {
  const status = ref<LiveStatus>('idle');
  const listeners = new Set<NotificationListener>();
  const readyListeners = new Set<(resumed: boolean) => void>();
  let connection: LiveConnection | null = null;
  let users = 0;

  function build(): LiveConnection {
    const config = useRuntimeConfig();
    return new LiveConnection({
      createSocket: (auth) => openLiveSocket(config.public.liveUrl, auth),
      fetchToken: async () => {
        try {
          return (await $fetch<{ accessToken: string }>('/api/portal-session/socket-token')).accessToken;
        } catch {
          return null;
        }
      },
      onStatus: (next) => {
        status.value = next;
      },
      onEvent: (name, payload) => {
        if (name !== 'notification.created') return;
        for (const listener of listeners) listener(payload as LiveEvents['notification.created']);
      },
      onReady: (resumed) => {
        for (const listener of readyListeners) listener(resumed);
      },
    });
  }

  function acquire(): void {
    if (!import.meta.client) return;
    users++;
    connection ??= build();
    connection.start();
  }

  function release(): void {
    users = Math.max(0, users - 1);
    if (users === 0) connection?.stop();
  }

  /** Signing out closes the socket at once: the next customer of this browser gets a new one. */
  function reset(): void {
    connection?.stop();
    connection = null;
    users = 0;
  }

  function onNotification(listener: NotificationListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function onReady(listener: (resumed: boolean) => void): () => void {
    readyListeners.add(listener);
    return () => readyListeners.delete(listener);
  }

  return { status, acquire, release, reset, onNotification, onReady };
});
