import type { LiveAuth, LiveEventName, LiveEvents, LiveSocket, LiveStatus, LiveViewport } from '~/composables/useLiveConnection';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { LiveConnection } from '~/composables/useLiveConnection';

type Listener<E extends LiveEventName> = (payload: LiveEvents[E]) => void;
/** A listener as the fan-out map keeps it: each set holds only listeners of its own event name. */
type AnyListener = Listener<LiveEventName>;
type ReadyListener = (resumed: boolean) => void;

/** Closing the socket this long after the last live view is left lets page changes keep it. */
const IDLE_CLOSE_MS = 10_000;
/** A tab hidden this long lets its socket go; it reconnects and catches up when shown again. */
const HIDDEN_PAUSE_MS = 60_000;

/**
 * Client state of the live connection: its status for the header indicator, and one event fan-out
 * for the dashboard and the live readings. Live views acquire it while mounted (composables/useLive.ts);
 * nothing connects during SSR. The socket and listeners are kept out of the store's state on purpose.
 */
export const useLiveStore = defineStore('live', () => {
  const status = ref<LiveStatus>('idle');
  const pausedByUser = ref(false);

  const listeners = new Map<LiveEventName, Set<AnyListener>>();
  const readyListeners = new Set<ReadyListener>();
  let connection: LiveConnection | null = null;
  let users = 0;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let hiddenTimer: ReturnType<typeof setTimeout> | null = null;
  let pausedByHiding = false;

  function build(): LiveConnection {
    const config = useRuntimeConfig();
    return new LiveConnection({
      createSocket: (auth) => openLiveSocket(config.public.liveUrl, auth),
      fetchToken: async () => {
        try {
          // This server's own route (server/api/session), not the API's: plain $fetch in the browser.
          return (await $fetch<{ accessToken: string }>('/api/session/socket-token')).accessToken;
        } catch {
          return null;
        }
      },
      onStatus: (next) => {
        status.value = next;
      },
      onEvent: (name, payload) => {
        for (const listener of listeners.get(name) ?? []) listener(payload);
      },
      onReady: (resumed) => {
        for (const listener of readyListeners) listener(resumed);
      },
    });
  }

  function connect() {
    if (!import.meta.client) return;
    connection ??= build();
    connection.start();
  }

  /** A live view mounted: connect unless the user paused. */
  function acquire(): void {
    users++;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (pausedByUser.value) {
      status.value = 'paused';
      return;
    }
    connect();
  }

  /** A live view unmounted: close a little later if no other one takes over. */
  function release(): void {
    users = Math.max(0, users - 1);
    if (users > 0 || idleTimer) return;
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (users === 0) {
        connection?.stop();
        status.value = 'idle';
      }
    }, IDLE_CLOSE_MS);
  }

  function pause(): void {
    pausedByUser.value = true;
    if (connection) connection.stop(true);
    status.value = 'paused';
  }

  function resume(): void {
    pausedByUser.value = false;
    pausedByHiding = false;
    if (users > 0) connect();
    else status.value = 'idle';
  }

  /** Lets a long-hidden tab drop its socket; showing it again reconnects (and views catch up on `ready`). */
  function setHidden(hidden: boolean): void {
    if (hiddenTimer) clearTimeout(hiddenTimer);
    hiddenTimer = null;
    if (hidden) {
      hiddenTimer = setTimeout(() => {
        if (users > 0 && !pausedByUser.value && connection) {
          pausedByHiding = true;
          connection.stop(true);
        }
      }, HIDDEN_PAUSE_MS);
      return;
    }
    if (pausedByHiding) {
      pausedByHiding = false;
      if (users > 0 && !pausedByUser.value) connect();
    }
  }

  function on<E extends LiveEventName>(name: E, listener: Listener<E>): () => void {
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    set.add(listener as AnyListener);
    return () => set.delete(listener as AnyListener);
  }

  function onReady(listener: ReadyListener): () => void {
    readyListeners.add(listener);
    return () => readyListeners.delete(listener);
  }

  /** The dashboard map's cells (null: none); kept across reconnects. */
  function setViewport(viewport: LiveViewport | null): void {
    if (!import.meta.client) return;
    connection ??= build();
    connection.viewport(viewport);
  }

  return { status, pausedByUser, acquire, release, pause, resume, setHidden, on, onReady, setViewport };
});

/**
 * A Socket.io connection to the API's gateway (path /api/socket.io on `liveUrl`, this site's origin when
 * empty), authenticated by `auth` at each handshake. socket.io-client is loaded on first use only, so it
 * stays out of pages without live data.
 */
export function openLiveSocket(liveUrl: string, auth: LiveAuth): LiveSocket {
  let socket: LiveSocket | null = null;
  const pending = import('socket.io-client').then(({ io }) => {
    socket = io(liveUrl || window.location.origin, {
      path: '/api/socket.io',
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      auth,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 15_000,
    }) as unknown as LiveSocket;
    return socket;
  });
  return lazySocket(pending, () => socket);
}

/**
 * A socket whose creation waits for socket.io-client to load: listeners and calls made before it
 * exists are replayed on it once it does.
 */
export function lazySocket(pending: Promise<LiveSocket>, current: () => LiveSocket | null): LiveSocket {
  const queued: ((socket: LiveSocket) => void)[] = [];
  void pending.then((socket) => {
    for (const apply of queued.splice(0)) apply(socket);
  });
  const later = (apply: (socket: LiveSocket) => void) => {
    const socket = current();
    if (socket) apply(socket);
    else queued.push(apply);
  };
  return {
    get active() {
      return current()?.active ?? true;
    },
    get connected() {
      return current()?.connected ?? false;
    },
    get recovered() {
      return current()?.recovered ?? false;
    },
    on: (event, listener) => later((s) => s.on(event, listener)),
    connect: () => later((s) => s.connect()),
    disconnect: () => later((s) => s.disconnect()),
    emit: (event, payload) => later((s) => s.emit(event, payload)),
    io: { on: (event, listener) => later((s) => s.io.on(event, listener)) },
  };
}
