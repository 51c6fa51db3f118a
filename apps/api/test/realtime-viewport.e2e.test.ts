import type { DeviceStateEvent, ViewportBatchEvent } from '@water/shared';
import { liveCell } from '@water/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEventsService } from '../src/core/realtime/live-events.service';
import { makeIntegration, makeLoraDevices, makeUser, makeUtilities, tokenFor, ttnUplink, type Tenant } from './support/factories';
import { connectLive } from './support/live';
import { matrix } from './support/matrix';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

const COALESCE_MS = 600;
/** Two points of Ankara about 20 km apart: two different cells. */
const KIZILAY = { lat: 39.9208, lng: 32.8541 };
const ETIMESGUT = { lat: 39.9475, lng: 32.6553 };

/**
 * Per-viewport rooms (issue 22): the dashboard map asks for the cells it shows and gets the coalesced device
 * states of those cells only, for the tenants it may watch, whatever cells or tenant it names.
 */
describe('live viewport rooms', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let aToken: string;
  let bToken: string;
  let rootToken: string;
  let live: LiveEventsService;

  beforeAll(async () => {
    t = await startTestApp('realtime_viewport', { listen: true, env: { LIVE_COALESCE_MS: String(COALESCE_MS) } });
    const u = await makeUtilities(t);
    [a, b, aToken, bToken, rootToken] = [u.a, u.b, u.aAdmin.token, u.bAdmin.token, u.rootAdmin.token];
    live = t.app.get(LiveEventsService);
  });
  afterAll(async () => {
    await t?.close();
  });

  let seq = 0;
  const device = () => `device-${++seq}-${Date.now()}`;
  const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 8, 0, s)).toISOString();
  const state = (tenantId: string, deviceId: string, s: number) =>
    ({ tenantId, deviceId, meterId: null, subscriptionId: null, lastSeenAt: at(s), lastIndexM3: 100 + s }) as DeviceStateEvent;
  const viewportBatches = (l: Awaited<ReturnType<typeof connectLive>>) =>
    l.events.filter((e) => e.name === 'viewport.batch').map((e) => e.payload as ViewportBatchEvent);
  const settle = () => new Promise((r) => setTimeout(r, COALESCE_MS * 2.5));
  const subscribe = (l: Awaited<ReturnType<typeof connectLive>>, body: unknown) =>
    l.socket.timeout(5_000).emitWithAck('viewport.subscribe', body);

  it('sends N states of one device in one interval as one message of its cell with the newest, to that cell only', async () => {
    const l = await connectLive(t.url, aToken);
    const elsewhere = await connectLive(t.url, aToken);
    try {
      const cell = liveCell(KIZILAY.lat, KIZILAY.lng);
      expect(cell).not.toBe(liveCell(ETIMESGUT.lat, ETIMESGUT.lng));
      expect(await subscribe(l, { tenantId: a.id, cells: [cell] })).toEqual({ rooms: 1 });
      expect(await subscribe(elsewhere, { cells: [liveCell(ETIMESGUT.lat, ETIMESGUT.lng)] })).toEqual({ rooms: 1 });
      const d = device();
      // Out of order on purpose: a late frame never hides a newer one.
      for (const s of [1, 2, 5, 3, 4]) live.emit('device.state', a.id, state(a.id, d, s), KIZILAY);
      // A state without a point reaches the tenant room only.
      live.emit('device.state', a.id, state(a.id, device(), 9), null);
      await settle();

      const got = viewportBatches(l);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ tenantId: a.id, cell });
      expect(got[0]!.states.map((s) => [s.deviceId, s.lastSeenAt])).toEqual([[d, at(5)]]);
      // The tenant room still gets its own readings.batch, and the other viewport nothing.
      expect(l.events.some((e) => e.name === 'device.state' && e.payload.deviceId === d && e.payload.lastSeenAt === at(5))).toBe(true);
      expect(viewportBatches(elsewhere)).toEqual([]);
    } finally {
      l.socket.disconnect();
      elsewhere.socket.disconnect();
    }
  });

  it("never gives a user of tenant A the states of tenant B's devices in a cell A asked for", async () => {
    const aLive = await connectLive(t.url, aToken);
    const bLive = await connectLive(t.url, bToken);
    const rootLive = await connectLive(t.url, rootToken);
    try {
      const cell = liveCell(KIZILAY.lat, KIZILAY.lng);
      for (const l of [aLive, bLive]) expect(await subscribe(l, { cells: [cell] })).toEqual({ rooms: 1 });
      // The root tenant's admin watches the root and both utilities: one room each for the cell.
      expect(await subscribe(rootLive, { cells: [cell] })).toEqual({ rooms: 3 });
      // Naming B's tenant does not help A: refused, and A's cells stay as they were.
      expect(await subscribe(aLive, { tenantId: b.id, cells: [cell, liveCell(ETIMESGUT.lat, ETIMESGUT.lng)] })).toEqual({
        error: 'tenant not visible',
      });
      const [ofA, ofB] = [device(), device()];
      live.emit('device.state', b.id, state(b.id, ofB, 1), KIZILAY);
      live.emit('device.state', a.id, state(a.id, ofA, 1), KIZILAY);
      await settle();

      const devicesOf = (l: Awaited<ReturnType<typeof connectLive>>) => viewportBatches(l).flatMap((p) => p.states.map((s) => s.deviceId));
      expect(devicesOf(aLive)).toEqual([ofA]);
      expect(viewportBatches(aLive).every((p) => p.tenantId === a.id)).toBe(true);
      expect(devicesOf(bLive)).toEqual([ofB]);
      expect(devicesOf(rootLive).sort()).toEqual([ofA, ofB].sort());
      // Nor through B's tenant room: A never joined it.
      expect(aLive.events.some((e) => JSON.stringify(e.payload).includes(ofB))).toBe(false);
    } finally {
      for (const l of [aLive, bLive, rootLive]) l.socket.disconnect();
    }
  });

  it('refuses bad or too large viewports and changes nothing', async () => {
    const l = await connectLive(t.url, aToken);
    try {
      const cell = liveCell(KIZILAY.lat, KIZILAY.lng);
      expect(await subscribe(l, { cells: [cell] })).toEqual({ rooms: 1 });
      const tooMany = Array.from({ length: 257 }, (_, i) => `12/${2000 + i}/1500`);
      for (const body of [
        null,
        'x',
        { cells: 'all' },
        { cells: ['13/1/1'] },
        { cells: ['12/5000/1'] },
        { cells: ['cell:x'] },
        { cells: tooMany },
        { tenantId: 'x', cells: [] },
      ])
        expect(await subscribe(l, body)).toEqual({ error: 'bad viewport' });
      const d = device();
      live.emit('device.state', a.id, state(a.id, d, 1), KIZILAY);
      await settle();
      expect(viewportBatches(l).flatMap((p) => p.states.map((s) => s.deviceId))).toEqual([d]);
      // An empty list leaves the viewport rooms.
      expect(await subscribe(l, { cells: [] })).toEqual({ rooms: 0 });
      live.emit('device.state', a.id, state(a.id, device(), 2), KIZILAY);
      await settle();
      expect(viewportBatches(l)).toHaveLength(1);
    } finally {
      l.socket.disconnect();
    }
  });

  it('keeps a user without live rights out of viewport rooms', async () => {
    // May see meters of A but neither its live readings nor its dashboard: no socket at all.
    const reader = await makeUser(t, { tenant: a, permissions: { METERS: 'r' } });
    await expect(connectLive(t.url, await tokenFor(t, reader))).rejects.toThrow('no live data may be read');
  });

  it('leaves the viewport rooms of a tenant whose live rights were removed, and keeps the others', async () => {
    const email = `viewport-watcher-${Date.now()}@example.com`;
    const watcherRights = { role: 'Viewer', permissions: matrix({ DASHBOARD: 'r', LIVE_READINGS: 'r' }) };
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      token: rootToken,
      body: {
        name: 'Harita',
        surname: 'İzleyici',
        email,
        password: 'Parola123',
        memberships: [a, b].map((x) => ({ tenantId: x.id, ...watcherRights })),
      },
    });
    expect(created.status).toBe(201);
    const l = await connectLive(t.url, await t.login(email, 'Parola123'));
    try {
      const cell = liveCell(KIZILAY.lat, KIZILAY.lng);
      expect(await subscribe(l, { cells: [cell] })).toEqual({ rooms: 2 });
      const narrowed = await t.request({
        method: 'PUT',
        url: `/api/users/${created.body.id}/memberships/${a.id}`,
        token: rootToken,
        body: { role: 'Viewer', permissions: matrix({ METERS: 'r' }) },
      });
      expect(narrowed.status).toBe(200);
      // The gateway looks for a change of rights every second.
      await new Promise((r) => setTimeout(r, 2_500));
      const [ofA, ofB] = [device(), device()];
      live.emit('device.state', a.id, state(a.id, ofA, 1), KIZILAY);
      live.emit('device.state', b.id, state(b.id, ofB, 1), KIZILAY);
      await settle();
      expect(viewportBatches(l).flatMap((p) => p.states.map((s) => s.deviceId))).toEqual([ofB]);
    } finally {
      l.socket.disconnect();
    }
  });

  it("sends a device's state from a real uplink to the viewport room of its subscription's address", async () => {
    const worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    const l = await connectLive(t.url, aToken);
    try {
      const integ = await makeIntegration(t, { tenant: a, kind: 'TTN', name: `viewport-${Date.now()}` });
      const [d] = await makeLoraDevices(t, { tenant: a, count: 1, keys: ['manas-lorawan'] });
      const [where] = await t.sql(
        `SELECT s.id AS "subscriptionId", ad.latitude::float8 AS lat, ad.longitude::float8 AS lng
           FROM device dv JOIN subscription_meter sm ON sm.meter_id = dv.meter_id AND sm.ended_at IS NULL
           JOIN subscription s ON s.id = sm.subscription_id JOIN address ad ON ad.id = s.address_id WHERE dv.id = $1`,
        [d!.id],
      );
      const cell = liveCell(where.lat, where.lng);
      expect(await subscribe(l, { tenantId: a.id, cells: [cell] })).toEqual({ rooms: 1 });
      const posted = await t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${integ.id}`,
        headers: { 'x-integration-secret': integ.secret },
        body: ttnUplink(d!, { indexM3: d!.last + 0.1, fCnt: 1, at: new Date() }),
      });
      expect(posted.status).toBe(202);
      const got = await l.waitFor(
        (e) => e.name === 'viewport.batch' && e.payload.states.some((s: DeviceStateEvent) => s.deviceId === d!.id),
        20_000,
      );
      expect(got.payload).toMatchObject({ tenantId: a.id, cell });
      expect(got.payload.states[0]).toMatchObject({ deviceId: d!.id, subscriptionId: where.subscriptionId });
    } finally {
      l.socket.disconnect();
      await worker.close();
    }
  });
});
