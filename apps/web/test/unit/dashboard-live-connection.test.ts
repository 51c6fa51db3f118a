import type { LiveSocket, LiveStatus } from '~/composables/useLiveConnection';
import { describe, expect, it, vi } from 'vitest';
import { LiveConnection, nextLiveStatus } from '~/composables/useLiveConnection';
import { lazySocket } from '~/stores/live';

/** A stand-in for socket.io-client's Socket: records listeners, lets the test fire events. */
class FakeSocket implements LiveSocket {
  active = true;
  connected = false;
  recovered = false;
  connects = 0;
  disconnects = 0;
  private listeners = new Map<string, ((...args: any[]) => void)[]>();
  private managerListeners = new Map<string, ((...args: any[]) => void)[]>();
  io = {
    on: (event: string, fn: (...args: any[]) => void) =>
      this.managerListeners.set(event, [...(this.managerListeners.get(event) ?? []), fn]),
  };

  constructor(readonly auth: (cb: (data: { token: string }) => void) => void) {}
  on(event: string, fn: (...args: any[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  connect() {
    this.connects++;
    this.active = true;
  }
  disconnect() {
    this.disconnects++;
    this.active = false;
    this.connected = false;
  }
  emitted: [string, unknown][] = [];
  emit(event: string, payload: unknown) {
    this.emitted.push([event, payload]);
  }
  fire(event: string, ...args: any[]) {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
  fireManager(event: string, ...args: any[]) {
    for (const fn of this.managerListeners.get(event) ?? []) fn(...args);
  }
}

function setup(token: string | null = 'access-token') {
  const sockets: FakeSocket[] = [];
  const statuses: LiveStatus[] = [];
  const events: [string, unknown][] = [];
  const readies: boolean[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const connection = new LiveConnection({
    createSocket: (auth) => {
      const socket = new FakeSocket(auth);
      sockets.push(socket);
      return socket;
    },
    fetchToken: vi.fn(async () => token),
    onStatus: (s) => statuses.push(s),
    onEvent: (name, payload) => events.push([name, payload]),
    onReady: (resumed) => readies.push(resumed),
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => {},
  });
  return { connection, sockets, statuses, events, readies, timers };
}

describe('live connection status', () => {
  const cases: [LiveStatus, Parameters<typeof nextLiveStatus>[1], LiveStatus][] = [
    ['idle', { type: 'start' }, 'connecting'],
    ['connecting', { type: 'ready' }, 'connected'],
    ['connected', { type: 'lost', retrying: true }, 'reconnecting'],
    ['connected', { type: 'lost', retrying: false }, 'offline'],
    ['reconnecting', { type: 'ready' }, 'connected'],
    ['offline', { type: 'retrying' }, 'reconnecting'],
    ['offline', { type: 'start' }, 'connecting'],
    ['connected', { type: 'pause' }, 'paused'],
    ['paused', { type: 'ready' }, 'paused'],
    ['paused', { type: 'lost', retrying: true }, 'paused'],
    ['paused', { type: 'resume' }, 'connecting'],
    ['connecting', { type: 'denied' }, 'denied'],
    ['denied', { type: 'lost', retrying: true }, 'denied'],
    ['denied', { type: 'pause' }, 'denied'],
    ['connected', { type: 'stop' }, 'idle'],
    ['idle', { type: 'ready' }, 'idle'],
  ];
  it.each(cases)('%s + %o → %s', (from, signal, to) => {
    expect(nextLiveStatus(from, signal)).toBe(to);
  });
});

describe('LiveConnection', () => {
  it('hands the access token to the handshake and is connected on the gateway’s ready', async () => {
    const { connection, sockets, statuses } = setup('token-1');
    connection.start();
    expect(statuses).toEqual(['connecting']);
    const data = await new Promise((resolve) => sockets[0]!.auth(resolve));
    expect(data).toEqual({ token: 'token-1' });
    sockets[0]!.fire('ready', { rooms: 2 });
    expect(connection.current).toBe('connected');
  });

  it('passes events on, and reports a resume after a gap so views catch up', () => {
    const { connection, sockets, events, readies, statuses } = setup();
    connection.start();
    const socket = sockets[0]!;
    socket.fire('ready');
    socket.fire('reading.created', { deviceId: 'd1' });
    socket.fire('disconnect', 'transport close');
    expect(statuses.at(-1)).toBe('reconnecting');
    socket.fireManager('reconnect_attempt', 1);
    socket.fire('ready');
    expect(events).toEqual([['reading.created', { deviceId: 'd1' }]]);
    expect(readies).toEqual([false, true]);
    expect(connection.current).toBe('connected');
  });

  it('reports no resume when the reconnect recovered the missed events', () => {
    const { connection, sockets, readies } = setup();
    connection.start();
    const socket = sockets[0]!;
    socket.fire('ready');
    socket.fire('disconnect', 'transport close');
    socket.recovered = true;
    socket.fire('ready');
    expect(readies).toEqual([false, false]);
  });

  it('asks for the map cells once connected, again after every ready, and passes their batches on', () => {
    const { connection, sockets, events } = setup();
    connection.start();
    const socket = sockets[0]!;
    const viewport = { tenantId: 't1', cells: ['12/2421/1551'] };
    connection.viewport(viewport);
    // Not connected yet: the ready sends it.
    expect(socket.emitted).toEqual([]);
    socket.connected = true;
    socket.fire('ready');
    expect(socket.emitted).toEqual([['viewport.subscribe', viewport]]);
    // The same cells are not asked for twice; other cells are, and none leaves the rooms.
    connection.viewport({ ...viewport });
    connection.viewport({ tenantId: 't1', cells: ['12/2421/1552'] });
    connection.viewport(null);
    expect(socket.emitted.slice(1)).toEqual([
      ['viewport.subscribe', { tenantId: 't1', cells: ['12/2421/1552'] }],
      ['viewport.subscribe', { cells: [] }],
    ]);
    connection.viewport(viewport);
    expect(socket.emitted).toHaveLength(4);
    // A new socket starts without rooms: the ready after a reconnect asks again.
    socket.fire('disconnect', 'transport close');
    socket.fire('ready');
    expect(socket.emitted.slice(3)).toEqual([
      ['viewport.subscribe', viewport],
      ['viewport.subscribe', viewport],
    ]);
    const batch = { tenantId: 't1', cell: '12/2421/1551', states: [{ deviceId: 'd1' }] };
    socket.fire('viewport.batch', batch);
    expect(events).toContainEqual(['viewport.batch', batch]);
  });

  it('unpacks a coalesced readings batch into its readings and device states, in order', () => {
    const { connection, sockets, events } = setup();
    connection.start();
    const socket = sockets[0]!;
    socket.fire('ready');
    socket.fire('readings.batch', {
      tenantId: 't1',
      readings: [{ deviceId: 'd1' }, { deviceId: 'd2' }],
      states: [{ deviceId: 'd1' }],
    });
    expect(events).toEqual([
      ['reading.created', { deviceId: 'd1' }],
      ['reading.created', { deviceId: 'd2' }],
      ['device.state', { deviceId: 'd1' }],
    ]);
  });

  it('retries with a fresh token, later and later, when the gateway refuses the handshake', () => {
    const { connection, sockets, timers } = setup();
    connection.start();
    const socket = sockets[0]!;
    socket.fire('error', { message: 'jwt expired' });
    socket.fire('disconnect', 'io server disconnect');
    expect(connection.current).toBe('reconnecting');
    expect(timers.map((t) => t.ms)).toEqual([2_000]);
    timers[0]!.fn();
    expect(socket.connects).toBe(1);
    socket.fire('disconnect', 'io server disconnect');
    expect(timers.map((t) => t.ms)).toEqual([2_000, 4_000]);
    expect(LiveConnection.retryDelay(20)).toBe(60_000);
  });

  it('stops for good when the user may not watch any live data', () => {
    const { connection, sockets, timers } = setup();
    connection.start();
    sockets[0]!.fire('error', { message: 'no live data may be read' });
    sockets[0]!.fire('disconnect', 'io server disconnect');
    expect(connection.current).toBe('denied');
    expect(timers).toEqual([]);
  });

  it('goes offline when the API cannot be reached and socket.io gives up', () => {
    const { connection, sockets } = setup();
    connection.start();
    sockets[0]!.active = false;
    sockets[0]!.fire('connect_error', new Error('xhr poll error'));
    expect(connection.current).toBe('offline');
  });

  it('pauses: closes the socket and drops events until resumed', () => {
    const { connection, sockets, events } = setup();
    connection.start();
    sockets[0]!.fire('ready');
    connection.stop(true);
    expect(connection.current).toBe('paused');
    expect(sockets[0]!.disconnects).toBe(1);
    sockets[0]!.fire('alarm.opened', { id: 'a1' });
    expect(events).toEqual([]);
    connection.start();
    expect(connection.current).toBe('connecting');
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.connects).toBe(1);
  });

  it('sends an empty token when there is none, so the gateway refuses instead of hanging', async () => {
    const { connection, sockets } = setup(null);
    connection.start();
    expect(await new Promise((resolve) => sockets[0]!.auth(resolve))).toEqual({ token: '' });
  });
});

describe('lazySocket', () => {
  it('replays listeners and calls made before socket.io-client loaded', async () => {
    let real: FakeSocket | null = null;
    let resolve!: (s: LiveSocket) => void;
    const socket = lazySocket(new Promise((r) => (resolve = r)), () => real);
    const seen: string[] = [];
    socket.on('ready', () => seen.push('ready'));
    socket.io.on('reconnect_attempt', () => seen.push('attempt'));
    expect(socket.active).toBe(true);
    real = new FakeSocket(() => {});
    resolve(real);
    await Promise.resolve();
    await Promise.resolve();
    real.fire('ready');
    real.fireManager('reconnect_attempt');
    socket.disconnect();
    expect(seen).toEqual(['ready', 'attempt']);
    expect(real.disconnects).toBe(1);
  });
});
