import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DeviceStateEvent, ReadingEvent, ReadingsBatchEvent } from '@water/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/bootstrap';
import { LiveEventsService } from '../src/core/realtime/live-events.service';
import { RealtimeGateway } from '../src/core/realtime/realtime.gateway';
import { makeUtilities } from './support/factories';
import { connectLive } from './support/live';
import { startTestApp, type TestApp } from './support/test-app';

const COALESCE_MS = 1_000;

/**
 * Live fan-out that grows with rooms, not readings (issue 22): readings and device states reach a room as
 * one coalesced message per interval with each device's newest; a dropped socket gets what it missed when
 * it comes back (on any node); a client that does not read is cut past the buffer limit.
 */
describe('live fan-out', () => {
  let t: TestApp;
  let b: NestFastifyApplication;
  let bUrl: string;
  let token: string;
  let rootToken: string;
  let tenantId: string;
  let otherTenantId: string;
  let live: LiveEventsService;

  beforeAll(async () => {
    const env = { LIVE_COALESCE_MS: String(COALESCE_MS), LIVE_MAX_BUFFERED_BYTES: '65536' };
    t = await startTestApp('realtime_fanout', { listen: true, env });
    b = await createApp(t.config, { logger: false });
    await b.listen({ port: 0, host: '127.0.0.1' });
    bUrl = (await b.getUrl()).replace('[::1]', '127.0.0.1');
    const { a, b: utilityB, aAdmin, rootAdmin } = await makeUtilities(t);
    token = aAdmin.token;
    rootToken = rootAdmin.token;
    tenantId = a.id;
    otherTenantId = utilityB.id;
    live = t.app.get(LiveEventsService);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  let seq = 0;
  const device = () => `device-${++seq}-${Date.now()}`;
  const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 8, 0, s)).toISOString();
  const reading = (deviceId: string, s: number, tenant = tenantId) =>
    ({ tenantId: tenant, deviceId, time: at(s), indexM3: 100 + s }) as unknown as ReadingEvent;
  const state = (deviceId: string, s: number) =>
    ({ tenantId, deviceId, lastSeenAt: at(s), lastIndexM3: 100 + s }) as unknown as DeviceStateEvent;

  const batches = (l: Awaited<ReturnType<typeof connectLive>>, deviceIds: string[]) =>
    l.events
      .filter((e) => e.name === 'readings.batch')
      .map((e) => e.payload as ReadingsBatchEvent)
      .filter((p) => p.readings.some((r) => deviceIds.includes(r.deviceId)) || p.states.some((s) => deviceIds.includes(s.deviceId)));

  it('sends N readings of one device in one interval as one message with the newest; two devices share it', async () => {
    const l = await connectLive(t.url, token);
    try {
      const [one, two] = [device(), device()];
      // Out of order on purpose: a late frame must not hide the newer one.
      for (const s of [1, 2, 5, 3, 4]) live.emit('reading.created', tenantId, reading(one, s));
      for (const s of [1, 2, 3]) live.emit('device.state', tenantId, state(one, s));
      for (const s of [7, 8]) live.emit('reading.created', tenantId, reading(two, s));
      live.emit('reading.created', otherTenantId, reading(device(), 1, otherTenantId));
      await l.waitFor((e) => e.name === 'reading.created' && e.payload.deviceId === two);
      await new Promise((r) => setTimeout(r, COALESCE_MS * 2));

      const got = batches(l, [one, two]);
      expect(got).toHaveLength(1);
      expect(got[0]!.tenantId).toBe(tenantId);
      expect(got[0]!.readings.map((r) => [r.deviceId, r.time]).sort()).toEqual([
        [one, at(5)],
        [two, at(8)],
      ]);
      expect(got[0]!.states.map((s) => [s.deviceId, s.lastSeenAt])).toEqual([[one, at(3)]]);
      // The console's listeners see each device once, as before.
      expect(l.events.filter((e) => e.name === 'reading.created' && e.payload.deviceId === one)).toHaveLength(1);
      // Another tenant's readings never ride along.
      expect(l.events.filter((e) => e.name === 'readings.batch').every((e) => e.payload.tenantId === tenantId)).toBe(true);
    } finally {
      l.socket.disconnect();
    }
  });

  it('sends a room at most one message per interval, the first at once', async () => {
    const l = await connectLive(t.url, token);
    try {
      const d = device();
      const started = Date.now();
      live.emit('reading.created', tenantId, reading(d, 1));
      await l.waitFor((e) => e.name === 'reading.created' && e.payload.deviceId === d && e.payload.time === at(1));
      const first = Date.now();
      // A quiet room's first event does not wait for the interval (the console's sub-second feel).
      expect(first - started).toBeLessThan(COALESCE_MS);
      for (let s = 2; s <= 6; s++) {
        live.emit('reading.created', tenantId, reading(d, s));
        await new Promise((r) => setTimeout(r, 40));
      }
      await l.waitFor((e) => e.name === 'reading.created' && e.payload.deviceId === d && e.payload.time === at(6));
      expect(Date.now() - first).toBeGreaterThanOrEqual(COALESCE_MS - 50);
      await new Promise((r) => setTimeout(r, COALESCE_MS * 2));
      const got = batches(l, [d]);
      expect(got.map((p) => p.readings.map((r) => r.time))).toEqual([[at(1)], [at(6)]]);
    } finally {
      l.socket.disconnect();
    }
  });

  /** A console-like client that keeps Socket.io's recovery state (pid, last offset). */
  function openClient(url: string, auth: Record<string, unknown>): Promise<{ socket: Socket; events: ReadingsBatchEvent[] }> {
    const socket = io(url, { path: '/api/socket.io', auth, transports: ['websocket'], reconnection: false });
    const events: ReadingsBatchEvent[] = [];
    socket.on('readings.batch', (p: ReadingsBatchEvent) => events.push(p));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not become ready')), 10_000);
      socket.once('ready', () => {
        clearTimeout(timer);
        resolve({ socket, events });
      });
      socket.once('connect_error', reject);
    });
  }

  const until = async (check: () => boolean, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const serverSockets = (app: NestFastifyApplication) => app.get(RealtimeGateway).server.sockets.sockets;

  it('gives a socket back the events emitted while it was away, on the same node', async () => {
    const c = await openClient(t.url, { token });
    try {
      const d = device();
      live.emit('reading.created', tenantId, reading(d, 1));
      await until(() => c.events.some((p) => p.readings.some((r) => r.deviceId === d)));
      const id = c.socket.id!;
      // The network drops (not a logout): the server keeps the session for LIVE_RECOVERY_SECONDS.
      c.socket.io.engine.close();
      await until(() => !serverSockets(t.app).has(id));
      live.emit('reading.created', tenantId, reading(d, 2));
      live.emit('device.state', tenantId, state(d, 2));
      await new Promise((r) => setTimeout(r, COALESCE_MS * 2));
      c.socket.connect();
      await until(() => c.events.some((p) => p.readings.some((r) => r.deviceId === d && r.time === at(2))));
      expect(c.socket.recovered).toBe(true);
      expect(c.socket.id).toBe(id);
      expect(c.events.flatMap((p) => p.states.filter((s) => s.deviceId === d).map((s) => s.lastSeenAt))).toEqual([at(2)]);
    } finally {
      c.socket.disconnect();
    }
  });

  /** A socket that got one batch, then lost its network; returns what it needs to come back, and a missed reading's device. */
  async function dropped(): Promise<{ pid: string; offset: string; d: string }> {
    const c = await openClient(t.url, { token });
    const d = device();
    live.emit('reading.created', tenantId, reading(d, 1));
    await until(() => c.events.some((p) => p.readings.some((r) => r.deviceId === d)));
    const { _pid: pid, _lastOffset: offset } = c.socket as unknown as { _pid: string; _lastOffset: string };
    expect(typeof pid).toBe('string');
    const id = c.socket.id!;
    c.socket.io.engine.close();
    await until(() => !serverSockets(t.app).has(id));
    live.emit('reading.created', tenantId, reading(d, 3));
    await new Promise((r) => setTimeout(r, COALESCE_MS * 2));
    return { pid, offset, d };
  }

  /** Opens a socket with `auth` and records what reaches it for a while, whether it is accepted or refused. */
  async function attempt(url: string, auth: Record<string, unknown>) {
    const socket = io(url, { path: '/api/socket.io', auth, transports: ['websocket'], reconnection: false });
    const events: { name: string; payload: any }[] = [];
    socket.onAny((name, payload) => events.push({ name, payload }));
    socket.on('disconnect', (reason) => events.push({ name: `disconnect:${reason}`, payload: null }));
    socket.on('connect_error', (err) => events.push({ name: `connect_error:${err.message}`, payload: null }));
    await new Promise((r) => setTimeout(r, 1_500));
    const recovered = socket.recovered;
    socket.disconnect();
    return { events, recovered };
  }

  it('gives them back on another node too, and never to another token', async () => {
    const { pid, offset, d } = await dropped();

    // A stolen pid with a forged token: refused, and nothing replayed first.
    const forged = await attempt(bUrl, { token: 'not-a-token', pid, offset });
    expect(forged.events.map((e) => e.name)).toEqual(['error', 'disconnect:io server disconnect']);
    expect(forged.recovered).toBe(false);

    // Node B, from the shared stream: the missed batch arrives.
    const back = await openClient(bUrl, { token, pid, offset });
    try {
      await until(() => back.events.some((p) => p.readings.some((r) => r.deviceId === d && r.time === at(3))));
      // (This client was given the pid by hand, so only the server knows it recovered.)
      expect(serverSockets(b).get(back.socket.id!)?.recovered).toBe(true);
    } finally {
      back.socket.disconnect();
    }

    // Another user's valid token with someone's pid: a fresh socket, without the other's missed events.
    const other = await dropped();
    const stranger = await attempt(bUrl, { token: rootToken, pid: other.pid, offset: other.offset });
    expect(stranger.recovered).toBe(false);
    expect(stranger.events.map((e) => e.name)).toContain('ready');
    expect(
      stranger.events.some((e) => e.name === 'readings.batch' && e.payload.readings.some((r: ReadingEvent) => r.deviceId === other.d)),
    ).toBe(false);
  });

  it('disconnects a client that never reads its socket past the buffer limit; others keep receiving', async () => {
    const slow = await openClient(t.url, { token });
    const fine = await connectLive(t.url, token);
    try {
      const id = slow.socket.id!;
      // Stop reading from the TCP socket: the kernel buffers fill, then the server's.
      const ws = (slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws;
      ws._socket.pause();
      const chunk = 'x'.repeat(64 * 1024);
      const server = t.app.get(RealtimeGateway).server;
      for (let i = 0; i < 640; i++) server.local.to(id).emit('probe' as never, { i, chunk } as never);
      await until(() => !serverSockets(t.app).has(id), 10_000);
      // Nothing of it stays on the server: its connection is closed too, not left draining.
      await until(() => server.engine.clientsCount === 1);
      const d = device();
      live.emit('reading.created', tenantId, reading(d, 1));
      await fine.waitFor((e) => e.name === 'reading.created' && e.payload.deviceId === d);
    } finally {
      slow.socket.disconnect();
      fine.socket.disconnect();
    }
  });
});
