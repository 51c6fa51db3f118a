import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/bootstrap';
import { LiveEventsService } from '../src/core/realtime/live-events.service';
import { matrix } from './support/matrix';
import { connectLive } from './support/live';
import { makeUtilities } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

type Live = Awaited<ReturnType<typeof connectLive>>;

/**
 * Live sockets follow the session and the rights they were opened with: logout, password change,
 * deactivation and lost read rights reach open connections within seconds, on every API node.
 */
describe('live sockets follow revocation', () => {
  let t: TestApp;
  let b: NestFastifyApplication;
  let bUrl: string;
  let admin: string;
  let redis: Redis;
  /** The two utilities under the root, by label. */
  const tenants: Record<string, string> = {};
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp('realtime', { listen: true, env: { LIVE_REVALIDATE_SECONDS: '2' } });
    b = await createApp(t.config, { logger: false });
    await b.listen({ port: 0, host: '127.0.0.1' });
    bUrl = (await b.getUrl()).replace('[::1]', '127.0.0.1');
    const { a, b: utilityB, rootAdmin } = await makeUtilities(t);
    admin = rootAdmin.token;
    tenants.A = a.id;
    tenants.B = utilityB.id;
    redis = new Redis(t.config.REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await b?.close();
    await t?.close();
  });

  /** A new user reading live data at the given tenants; returns its id, email and a login. */
  async function watcher(names: string[]) {
    const email = `watcher${++n}@example.com`;
    const res = await t.request({
      method: 'POST',
      url: '/api/users',
      token: admin,
      body: {
        name: 'Canlı',
        surname: 'İzleyici',
        email,
        password: 'Parola123',
        memberships: names.map((name) => ({
          tenantId: tenants[name],
          role: 'Viewer',
          permissions: matrix({ DASHBOARD: 'r', LIVE_READINGS: 'r' }),
        })),
      },
    });
    expect(res.status).toBe(201);
    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email, password: 'Parola123' } });
    expect(login.status).toBe(200);
    return { id: res.body.id as string, email, access: login.body.accessToken as string, refresh: login.body.refreshToken as string };
  }

  let seq = 0;
  /** Emits a reading event for the tenant through node A's publisher (it reaches every node's sockets). */
  function emit(tenant: string): string {
    const deviceId = `probe-${++seq}`;
    t.app.get(LiveEventsService).emit('reading.created', tenants[tenant], { deviceId } as never);
    return deviceId;
  }

  async function receives(live: Live, tenant: string): Promise<boolean> {
    const id = emit(tenant);
    return live
      .waitFor((e) => e.name === 'reading.created' && e.payload.deviceId === id, 1_500)
      .then(
        () => true,
        () => false,
      );
  }

  function disconnected(live: Live): Promise<number> {
    const started = Date.now();
    if (!live.socket.connected) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket still connected')), 8_000);
      live.socket.once('disconnect', () => {
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
    });
  }

  it('disconnects the sockets of a session on logout, on every node', async () => {
    const w = await watcher(['A']);
    const [onA, onB] = await Promise.all([connectLive(t.url, w.access), connectLive(bUrl, w.access)]);
    expect(await receives(onB, 'A')).toBe(true);
    const gone = Promise.all([disconnected(onA), disconnected(onB)]);
    expect((await t.request({ method: 'POST', url: '/api/auth/logout', body: { refreshToken: w.refresh } })).status).toBe(204);
    const [msA, msB] = await gone;
    expect(Math.max(msA, msB)).toBeLessThan(3_000);
    expect(await receives(onB, 'A')).toBe(false);
    // The token cannot open a new socket either.
    await expect(connectLive(bUrl, w.access)).rejects.toThrow();
  });

  it('disconnects every socket of a user whose password is reset or who is deactivated', async () => {
    const w1 = await watcher(['B']);
    const live1 = await connectLive(bUrl, w1.access);
    const gone1 = disconnected(live1);
    expect((await t.request({ method: 'PATCH', url: `/api/users/${w1.id}`, token: admin, body: { password: 'Yenisi456' } })).status).toBe(
      200,
    );
    expect(await gone1).toBeLessThan(3_000);
    expect(await receives(live1, 'B')).toBe(false);

    const w2 = await watcher(['B']);
    const live2 = await connectLive(bUrl, w2.access);
    const gone2 = disconnected(live2);
    expect((await t.request({ method: 'PATCH', url: `/api/users/${w2.id}`, token: admin, body: { isActive: false } })).status).toBe(200);
    expect(await gone2).toBeLessThan(3_000);
    await expect(connectLive(bUrl, w2.access)).rejects.toThrow();
  });

  it('leaves the rooms of a tenant whose live read right was removed, and keeps the others', async () => {
    const w = await watcher(['A', 'B']);
    const live = await connectLive(bUrl, w.access);
    expect(await receives(live, 'A')).toBe(true);
    expect(await receives(live, 'B')).toBe(true);
    const narrowed = await t.request({
      method: 'PUT',
      url: `/api/users/${w.id}/memberships/${tenants['A']}`,
      token: admin,
      body: { role: 'Viewer', permissions: matrix({ METERS: 'r' }) },
    });
    expect(narrowed.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(live.socket.connected).toBe(true);
    expect(await receives(live, 'A')).toBe(false);
    expect(await receives(live, 'B')).toBe(true);
    // Losing the last one closes the socket.
    const gone = disconnected(live);
    expect((await t.request({ method: 'DELETE', url: `/api/users/${w.id}/memberships/${tenants['B']}`, token: admin })).status).toBe(204);
    expect(await gone).toBeLessThan(4_000);
    live.socket.close();
  });

  it('re-validates connected sockets on a timer even when no revocation event arrives', async () => {
    const w = await watcher(['A']);
    const live = await connectLive(bUrl, w.access);
    const gone = disconnected(live);
    // A revocation written straight to Redis, as if its pub/sub message had been lost.
    await redis.incr(`${t.config.REDIS_PREFIX}:user-generation:${w.id}`);
    expect(await gone).toBeLessThan(5_000);
  });

  it('disconnects a socket when its access token expires', async () => {
    const w = await watcher(['A']);
    const claims = JSON.parse(Buffer.from(w.access.split('.')[1], 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await new JwtService().signAsync(
      { ...claims, iat: now, exp: now + 2 },
      { secret: t.config.JWT_ACCESS_SECRET, algorithm: 'HS256' },
    );
    const live = await connectLive(bUrl, shortLived);
    const gone = disconnected(live);
    expect(await gone).toBeLessThan(6_000);
  });

  it('refuses handshakes from an origin outside CORS_ORIGINS and does not reflect it', async () => {
    const allowed = t.config.CORS_ORIGINS.split(',')[0].trim();
    const poll = (origin: string) => fetch(`${bUrl}/api/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const evil = await poll('https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    const good = await poll(allowed);
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe(allowed);

    const attempt = (origin: string) =>
      new Promise<boolean>((resolve) => {
        const s = io(bUrl, {
          path: '/api/socket.io',
          auth: { token: admin },
          transports: ['websocket'],
          reconnection: false,
          extraHeaders: { origin },
        });
        s.once('ready', () => {
          s.close();
          resolve(true);
        });
        s.once('connect_error', () => {
          s.close();
          resolve(false);
        });
      });
    expect(await attempt('https://evil.example')).toBe(false);
    expect(await attempt(allowed)).toBe(true);
  });
});
