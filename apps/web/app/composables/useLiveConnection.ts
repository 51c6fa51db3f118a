import {
  LIVE_EVENT_NAMES,
  unpackReadingsBatch,
  type LiveEventName,
  type LiveEvents,
  type ReadingsBatchEvent,
  type ViewportBatchEvent,
} from '@water/shared';

/**
 * The console's Socket.io connection to the API's gateway (apps/api/src/core/realtime), without any
 * Nuxt or browser dependency so it can be tested with a fake socket: stores/live.ts gives it the real
 * socket.io-client and the token route.
 */

// ─── Events: defined once in @water/shared (live-events.ts) ───────────────────────

export {
  LIVE_EVENT_NAMES,
  type AlarmEvent,
  type DeviceStateEvent,
  type LiveEventName,
  type LiveEvents,
  type ReadingEvent,
  type ViewportBatchEvent,
} from '@water/shared';

// ─── Status ───────────────────────────────────────────────────────────────────────

/**
 * idle: nobody on a live page; connecting: first handshake; connected: the gateway said `ready`;
 * reconnecting: lost and trying again by itself; paused: stopped on purpose (by the user, or while
 * the tab is hidden); offline: the API cannot be reached and no retry is under way; denied: the
 * gateway refused (no live right in any tenant).
 */
export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'paused' | 'offline' | 'denied';

export type LiveSignal =
  | { type: 'start' }
  | { type: 'ready' }
  | { type: 'lost'; retrying: boolean }
  | { type: 'retrying' }
  | { type: 'denied' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

export function nextLiveStatus(current: LiveStatus, signal: LiveSignal): LiveStatus {
  switch (signal.type) {
    case 'stop':
      return 'idle';
    case 'pause':
      return current === 'idle' || current === 'denied' ? current : 'paused';
    case 'resume':
      return current === 'paused' ? 'connecting' : current;
    case 'start':
      return current === 'idle' || current === 'offline' ? 'connecting' : current;
    case 'denied':
      return current === 'paused' || current === 'idle' ? current : 'denied';
    case 'ready':
      return current === 'paused' || current === 'idle' ? current : 'connected';
    case 'lost':
      if (current === 'paused' || current === 'idle' || current === 'denied') return current;
      return signal.retrying ? 'reconnecting' : 'offline';
    case 'retrying':
      return current === 'connecting' || current === 'connected' || current === 'offline' ? 'reconnecting' : current;
  }
}

// ─── Connection ───────────────────────────────────────────────────────────────────

/** The part of socket.io-client's Socket this module uses. A listener names its own argument types (`never[]` takes any). */
export interface LiveSocket {
  readonly active: boolean;
  readonly connected: boolean;
  /** Whether the last connect was a recovery: the gateway replayed what was missed meanwhile. */
  readonly recovered?: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
  emit(event: string, payload: unknown): unknown;
  io: { on(event: string, listener: (...args: never[]) => void): unknown };
}

/** The map cells a dashboard shows, for its viewport rooms (the gateway keeps to the tenants the user may watch). */
export interface LiveViewport {
  tenantId: string | null;
  cells: string[];
}

export type LiveAuth = (cb: (data: { token: string }) => void) => void;

export interface LiveConnectionDeps {
  /** Creates (and starts) the socket; `auth` is asked for a fresh token at every handshake. */
  createSocket(auth: LiveAuth): LiveSocket;
  /** The access token for the handshake (GET /api/session/socket-token); null when there is none. */
  fetchToken(): Promise<string | null>;
  onStatus(status: LiveStatus): void;
  onEvent<E extends LiveEventName>(name: E, payload: LiveEvents[E]): void;
  /** After each `ready`; `resumed` is true when events may have been missed since the last one (not after a recovery). */
  onReady(resumed: boolean): void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Refusals of the gateway that a retry cannot cure. */
const PERMANENT_REFUSALS = ['no live data may be read', 'inactive user'];

/**
 * Keeps one socket open while started. socket.io-client reconnects by itself after network loss; a
 * refusal by the gateway (bad or expired token) closes the socket from the server side, which
 * socket.io does not retry, so this retries with a fresh token and a growing delay.
 */
export class LiveConnection {
  private socket: LiveSocket | null = null;
  private status: LiveStatus = 'idle';
  private readyCount = 0;
  private refusals = 0;
  private retryHandle: unknown = null;
  private wanted = false;
  private viewportCells: LiveViewport | null = null;

  constructor(private readonly deps: LiveConnectionDeps) {}

  get current(): LiveStatus {
    return this.status;
  }

  private signal(signal: LiveSignal): void {
    const next = nextLiveStatus(this.status, signal);
    if (next === this.status) return;
    this.status = next;
    this.deps.onStatus(next);
  }

  private setTimer(fn: () => void, ms: number): unknown {
    return (this.deps.setTimer ?? setTimeout)(fn, ms);
  }

  private clearRetry(): void {
    if (this.retryHandle !== null) (this.deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.retryHandle);
    this.retryHandle = null;
  }

  /** Delay before the next attempt after a refusal: 2 s, 4 s, 8 s … at most a minute. */
  static retryDelay(attempt: number): number {
    return Math.min(60_000, 2_000 * 2 ** Math.max(0, attempt - 1));
  }

  start(): void {
    this.wanted = true;
    if (this.status === 'paused') this.signal({ type: 'resume' });
    else this.signal({ type: 'start' });
    if (this.socket) {
      if (!this.socket.connected && !this.socket.active) this.socket.connect();
      return;
    }
    this.socket = this.deps.createSocket((cb) => {
      this.deps
        .fetchToken()
        .then((token) => cb({ token: token ?? '' }))
        .catch(() => cb({ token: '' }));
    });
    this.bind(this.socket);
  }

  /** Closes the socket; `paused` keeps the indicator on "paused" instead of going idle. */
  stop(paused = false): void {
    this.wanted = false;
    this.clearRetry();
    this.socket?.disconnect();
    this.signal(paused ? { type: 'pause' } : { type: 'stop' });
  }

  /**
   * The viewport rooms to be in (null: none). Sent at once when connected, and again after every `ready`:
   * a new socket starts without them.
   */
  viewport(viewport: LiveViewport | null): void {
    const same = JSON.stringify(viewport) === JSON.stringify(this.viewportCells);
    this.viewportCells = viewport;
    if (!same && this.socket?.connected && this.status === 'connected') this.sendViewport(this.socket);
  }

  private sendViewport(socket: LiveSocket): void {
    if (this.viewportCells?.cells.length) socket.emit('viewport.subscribe', this.viewportCells);
    else socket.emit('viewport.subscribe', { cells: [] });
  }

  private bind(socket: LiveSocket): void {
    socket.on('ready', () => {
      this.refusals = 0;
      if (this.viewportCells) this.sendViewport(socket);
      this.signal({ type: 'ready' });
      this.deps.onReady(this.readyCount++ > 0 && !socket.recovered);
    });
    socket.on('error', (error: { message?: string } | undefined) => {
      const message = error?.message ?? '';
      if (PERMANENT_REFUSALS.includes(message)) {
        this.wanted = false;
        this.signal({ type: 'denied' });
      }
    });
    socket.on('connect_error', () => {
      this.signal({ type: 'lost', retrying: socket.active });
    });
    socket.on('disconnect', (reason: string) => {
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect') {
        // The gateway refused the handshake (token expired or revoked): try again with a new one.
        if (!this.wanted) return;
        this.refusals++;
        this.signal({ type: 'lost', retrying: true });
        this.clearRetry();
        this.retryHandle = this.setTimer(() => {
          this.retryHandle = null;
          if (this.wanted) socket.connect();
        }, LiveConnection.retryDelay(this.refusals));
        return;
      }
      this.signal({ type: 'lost', retrying: socket.active });
    });
    socket.io.on('reconnect_attempt', () => this.signal({ type: 'retrying' }));
    for (const name of LIVE_EVENT_NAMES) {
      socket.on(name, (payload: LiveEvents[typeof name]) => {
        if (this.status === 'paused') return;
        this.deps.onEvent(name, payload);
      });
    }
    // Readings and device states come coalesced per tenant (each device's newest): views get them one by one as before.
    socket.on('readings.batch', (batch: ReadingsBatchEvent) => {
      if (this.status === 'paused') return;
      for (const e of unpackReadingsBatch(batch)) this.deps.onEvent(e.name, e.payload);
    });
    // Device states of the map cells asked for with viewport(): given to the views as they come.
    socket.on('viewport.batch', (batch: ViewportBatchEvent) => {
      if (this.status === 'paused') return;
      this.deps.onEvent('viewport.batch', batch);
    });
  }
}
