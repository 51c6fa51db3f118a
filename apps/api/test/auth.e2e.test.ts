import { matrix } from './support/matrix';
import { createHmac } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/bootstrap';
import { JWT_AUDIENCE, JWT_ISSUER } from '../src/core/auth/jwt.strategy';
import { DEFAULT_PASSWORD, makeUtilities } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('authentication', () => {
  let t: TestApp;
  let world: Awaited<ReturnType<typeof makeUtilities>>;
  /** The administrators' e-mails: of the root, of utility A and of utility B. */
  let rootEmail: string;
  let aEmail: string;
  let bEmail: string;
  beforeAll(async () => {
    t = await startTestApp('auth', { env: { LOGIN_MAX_PER_ACCOUNT: '3', LOGIN_MAX_PER_ADDRESS: '1000' } });
    world = await makeUtilities(t);
    [rootEmail, aEmail, bEmail] = [world.rootAdmin.user.email, world.aAdmin.user.email, world.bAdmin.user.email];
  });
  afterAll(async () => t?.close());

  it('logs in (e-mail in any case) and answers /me with memberships and effective rights', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: rootEmail.toUpperCase(), password: DEFAULT_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await t.request({ url: '/api/auth/me', token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(rootEmail);
    expect(me.body.memberships).toHaveLength(1);
    expect(me.body.tenants.map((x: { name: string }) => x.name).sort()).toEqual([world.root.name, world.a.name, world.b.name].sort());
    expect(me.body.tenants.every((x: { permissions: { METERS: { delete: boolean } } }) => x.permissions.METERS.delete)).toBe(true);
  });

  it('records the last login and the login events', async () => {
    await t.login(bEmail);
    const rows = await t.sql(
      `SELECT u.last_login_at, (SELECT count(*)::int FROM login_event e WHERE e.user_id = u.id AND e.success) AS ok FROM app_user u WHERE email = $1`,
      [bEmail],
    );
    expect(rows[0].last_login_at).not.toBeNull();
    expect(rows[0].ok).toBeGreaterThanOrEqual(1);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const a = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: aEmail, password: 'wrong-password1' } });
    const b = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'nobody@example.com', password: 'wrong-password1' },
    });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body).toEqual(b.body);
  });

  it('rate-limits failed logins per account, even for the right password, with Retry-After', async () => {
    const email = bEmail;
    for (let i = 0; i < 3; i++) {
      const r = await t.request({ method: 'POST', url: '/api/auth/login', body: { email, password: 'not-the-password1' } });
      expect(r.status).toBe(401);
    }
    const blocked = await t.request({ method: 'POST', url: '/api/auth/login', body: { email, password: DEFAULT_PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Other accounts are not affected.
    expect((await t.request({ method: 'POST', url: '/api/auth/login', body: { email: aEmail, password: DEFAULT_PASSWORD } })).status).toBe(
      200,
    );
  });

  it('refuses inactive users with the same answer', async () => {
    const admin = await t.login(rootEmail);
    const tenants = await t.request({ url: '/api/tenants', token: admin });
    const root = tenants.body[0];
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      token: admin,
      body: {
        name: 'Pasif',
        surname: 'Kullanıcı',
        email: 'pasif@example.com',
        password: 'Parola123',
        isActive: false,
        memberships: [{ tenantId: root.id, role: 'Viewer', permissions: matrix({ DASHBOARD: 'r' }) }],
      },
    });
    expect(created.status).toBe(201);
    const res = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: 'pasif@example.com', password: 'Parola123' } });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('invalid email or password');
  });

  it('rejects tampered, foreign-signed and expired access tokens', async () => {
    const token = await t.login(aEmail);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${s}`;
    expect((await t.request({ url: '/api/auth/me', token: forged })).status).toBe(401);
    const otherKey = `${h}.${p}.${createHmac('sha256', 'x'.repeat(40)).update(`${h}.${p}`).digest('base64url')}`;
    expect((await t.request({ url: '/api/auth/me', token: otherKey })).status).toBe(401);
    const jwt = new JwtService();
    const expired = await jwt.signAsync(
      { sub: payload.sub, sid: payload.sid, exp: Math.floor(Date.now() / 1000) - 10, iat: Math.floor(Date.now() / 1000) - 1000 },
      { secret: t.config.JWT_ACCESS_SECRET, algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
    );
    const res = await t.request({ url: '/api/auth/me', token: expired });
    expect(res.status).toBe(401);
    expect((await t.request({ url: '/api/auth/me' })).status).toBe(401);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expect((await t.request({ url: '/api/auth/me', token: none })).status).toBe(401);
  });

  it('refuses validly signed access tokens without exp, iat, iss or aud, or living longer than the configured TTL', async () => {
    const token = await t.login(aEmail);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    const jwt = new JwtService();
    // jsonwebtoken keeps a given iat, and drops it only with noTimestamp.
    const sign = (payload: Record<string, unknown>) =>
      jwt.signAsync(payload, { secret: t.config.JWT_ACCESS_SECRET, algorithm: 'HS256', noTimestamp: !('iat' in payload) });
    const me = async (payload: Record<string, unknown>) => (await t.request({ url: '/api/auth/me', token: await sign(payload) })).status;
    const now = Math.floor(Date.now() / 1000);
    const without = (key: string) => Object.fromEntries(Object.entries(claims).filter(([k]) => k !== key));
    // The same claims re-signed are accepted: what follows is refused for the claim it lacks.
    expect(await me(claims)).toBe(200);
    expect(await me(without('exp'))).toBe(401);
    expect(await me(without('iat'))).toBe(401);
    expect(await me(without('iss'))).toBe(401);
    expect(await me(without('aud'))).toBe(401);
    // Validly signed but minted for a year (or issued in the future): beyond the configured lifetime.
    expect(await me({ ...claims, iat: now - 60, exp: now + 365 * 86_400 })).toBe(401);
    expect(await me({ ...claims, iat: now + 3600, exp: now + 3600 + 60 })).toBe(401);
  });

  it('ends every session of a user at once, on every node, when an admin resets their password or they change it', async () => {
    const admin = await t.login(rootEmail);
    const hatsu = world.b.id;
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      token: admin,
      body: {
        name: 'Oturum',
        surname: 'Sahibi',
        email: 'sessions@example.com',
        password: 'Parola123',
        memberships: [{ tenantId: hatsu, role: 'Admin', permissions: matrix({ DASHBOARD: 'r', USERS: 'cru' }) }],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // A second API node on the same PostgreSQL and Redis, with its own caches.
    const other: NestFastifyApplication = await createApp(t.config, { logger: false });
    await other.init();
    await other.getHttpAdapter().getInstance().ready();
    const meOn = async (node: 'a' | 'b', token: string) =>
      node === 'a'
        ? (await t.request({ url: '/api/auth/me', token })).status
        : (await other.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
    try {
      const s1 = await t.login('sessions@example.com', 'Parola123');
      const s2 = await t.login('sessions@example.com', 'Parola123');
      for (const s of [s1, s2]) for (const node of ['a', 'b'] as const) expect(await meOn(node, s)).toBe(200);

      // An admin reset through PATCH /api/users/:id.
      expect((await t.request({ method: 'PATCH', url: `/api/users/${id}`, token: admin, body: { password: 'Yenisi456' } })).status).toBe(
        200,
      );
      for (const s of [s1, s2]) for (const node of ['a', 'b'] as const) expect(await meOn(node, s)).toBe(401);
      await expect(t.login('sessions@example.com', 'Parola123')).rejects.toThrow(/401/);

      // The user's own change ends their other sessions too (and the one that made it).
      const s3 = await t.login('sessions@example.com', 'Yenisi456');
      const s4 = await t.login('sessions@example.com', 'Yenisi456');
      expect(await meOn('b', s4)).toBe(200);
      expect((await t.request({ method: 'PATCH', url: `/api/users/${id}`, token: s3, body: { password: 'Ucuncu789' } })).status).toBe(200);
      for (const s of [s3, s4]) for (const node of ['a', 'b'] as const) expect(await meOn(node, s)).toBe(401);
      // A new sign-in with the new password works at once on both nodes.
      const s5 = await t.login('sessions@example.com', 'Ucuncu789');
      for (const node of ['a', 'b'] as const) expect(await meOn(node, s5)).toBe(200);

      // Deactivation ends the sessions as well.
      expect((await t.request({ method: 'PATCH', url: `/api/users/${id}`, token: admin, body: { isActive: false } })).status).toBe(200);
      for (const node of ['a', 'b'] as const) expect(await meOn(node, s5)).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('rotates refresh tokens and revokes the family when an old one is reused', async () => {
    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: aEmail, password: DEFAULT_PASSWORD } });
    const first = login.body.refreshToken;
    const r1 = await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: first } });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(first);
    expect((await t.request({ url: '/api/auth/me', token: r1.body.accessToken })).status).toBe(200);
    // Reusing the rotated token: refused, and the whole session ends, including the newest tokens.
    const reuse = await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: first } });
    expect(reuse.status).toBe(401);
    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: r1.body.refreshToken } })).status).toBe(401);
    expect((await t.request({ url: '/api/auth/me', token: r1.body.accessToken })).status).toBe(401);
  });

  it('ends the session on logout', async () => {
    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: aEmail, password: DEFAULT_PASSWORD } });
    expect((await t.request({ method: 'POST', url: '/api/auth/logout', body: { refreshToken: login.body.refreshToken } })).status).toBe(
      204,
    );
    expect((await t.request({ url: '/api/auth/me', token: login.body.accessToken })).status).toBe(401);
    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: login.body.refreshToken } })).status).toBe(
      401,
    );
  });

  it('rejects malformed login bodies with field details', async () => {
    const res = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: 'not-an-email', password: '', extra: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { path: string[] }) => d.path.join('.'))).toEqual(expect.arrayContaining(['email', 'password']));
  });
});

/** Attempts are counted in Redis before the password is checked, per account and per client address. */
describe('login limiter', () => {
  const CONSOLE_SECRET = 'console-proxy-secret-for-tests-0123456789abcdef';
  let t: TestApp;
  let world: Awaited<ReturnType<typeof makeUtilities>>;
  let redis: Redis;
  const warnings: unknown[][] = [];
  const capture: LoggerService = { log() {}, error() {}, debug() {}, verbose() {}, warn: (...args: unknown[]) => void warnings.push(args) };
  /** A login as the console sends it: the real client address in a header authenticated by the shared secret. */
  const viaConsole = (address: string, email: string, password: string, secret = CONSOLE_SECRET) =>
    t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email, password },
      headers: { 'x-console-client-ip': address, 'x-console-secret': secret },
    });

  beforeAll(async () => {
    t = await startTestApp('limiter', {
      env: { LOGIN_MAX_PER_ACCOUNT: '3', LOGIN_MAX_PER_ADDRESS: '20', LOGIN_WINDOW_SECONDS: '600', CONSOLE_PROXY_SECRET: CONSOLE_SECRET },
    });
    t.app.useLogger(capture);
    t.app.flushLogs();
    redis = new Redis(t.config.REDIS_URL);
    world = await makeUtilities(t);
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  async function createUser(email: string) {
    const admin = world.rootAdmin.token;
    const hatsu = world.b.id;
    const res = await t.request({
      method: 'POST',
      url: '/api/users',
      token: admin,
      body: {
        name: 'Hedef',
        surname: 'Hesap',
        email,
        password: 'Parola123',
        memberships: [{ tenantId: hatsu, role: 'Viewer', permissions: matrix({ DASHBOARD: 'r' }) }],
      },
    });
    expect(res.status).toBe(201);
  }

  it('evaluates at most N guesses of 25 concurrent ones for an account: the 25th, correct, does not get in', async () => {
    await createUser('target@example.com');
    const guesses = Array.from({ length: 25 }, (_, i) => (i === 24 ? 'Parola123' : `wrong-guess-${i}`));
    const answers = await Promise.all(guesses.map((p) => viaConsole('192.0.2.10', 'target@example.com', p)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(22);
    expect(statuses[24]).toBe(429);
    expect(statuses).not.toContain(200);
    // Passwords checked (argon2) = failures recorded as bad_password: at most N.
    const [{ n }] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM login_event WHERE email = 'target@example.com' AND reason = 'bad_password'`,
    );
    expect(n).toBeLessThanOrEqual(3);
    // The right password stays refused while the account is blocked.
    expect((await viaConsole('192.0.2.11', 'target@example.com', 'Parola123')).status).toBe(429);
  });

  it('backs off exponentially per account and logs a warning naming the blocked account', async () => {
    await createUser('backoff@example.com');
    const fail = () => viaConsole('192.0.2.20', 'backoff@example.com', 'not-the-password1');
    for (let i = 0; i < 3; i++) expect((await fail()).status).toBe(401);
    const first = await fail();
    expect(first.status).toBe(429);
    const firstWait = Number(first.headers['retry-after']);
    expect(firstWait).toBeGreaterThan(590);
    expect(firstWait).toBeLessThanOrEqual(600);
    const warning = warnings.find((w) => JSON.stringify(w).includes('backoff@example.com'));
    expect(warning).toBeDefined();
    expect(JSON.stringify(warning)).toMatch(/blocked/);
    // The block runs out (simulated by dropping the window's counter): the next block is twice as long.
    const keys = await redis.keys(`${t.config.REDIS_PREFIX}:login-account*backoff@example.com`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys.filter((k) => !k.includes('backoff:') && !k.includes('login-account-blocks')));
    for (let i = 0; i < 3; i++) expect((await fail()).status).toBe(401);
    const second = await fail();
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(1190);
    expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(1200);
  });

  it('answers 429 to 100 concurrent failures across distinct accounts from one address', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => viaConsole('192.0.2.30', `spray${i}@example.com`, 'wrong-password1')),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(80);
    // Another client behind the same console is not affected.
    expect((await viaConsole('192.0.2.31', world.bAdmin.user.email, DEFAULT_PASSWORD)).status).toBe(200);
  });

  it('takes the client address from the console header only with the right secret, never from a client header', async () => {
    const ipOf = async (email: string) =>
      (
        await t.sql<{ ip_address: string }>(`SELECT ip_address FROM login_event WHERE email = $1 ORDER BY created_at DESC LIMIT 1`, [email])
      )[0]?.ip_address;
    await viaConsole('203.0.113.7', 'addr1@example.com', 'wrong-password1');
    expect(await ipOf('addr1@example.com')).toBe('203.0.113.7');
    await viaConsole('203.0.113.8', 'addr2@example.com', 'wrong-password1', 'not-the-console-secret-0123456789abcdef');
    expect(await ipOf('addr2@example.com')).toBe('127.0.0.1');
    await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'addr3@example.com', password: 'wrong-password1' },
      headers: { 'x-console-client-ip': '203.0.113.9' },
    });
    expect(await ipOf('addr3@example.com')).toBe('127.0.0.1');
    // TRUST_PROXY is off: X-Forwarded-For from anyone is ignored.
    await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'addr4@example.com', password: 'wrong-password1' },
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    expect(await ipOf('addr4@example.com')).toBe('127.0.0.1');
    // A header with the wrong secret counts against the socket address, not the claimed one.
    for (let i = 0; i < 20; i++) await viaConsole('203.0.113.50', `claimed${i}@example.com`, 'wrong-password1', 'x'.repeat(48));
    expect((await viaConsole('203.0.113.50', 'claimed-last@example.com', 'wrong-password1')).status).toBe(401);
    expect(
      (await t.request({ method: 'POST', url: '/api/auth/login', body: { email: 'direct@example.com', password: 'wrong-password1' } }))
        .status,
    ).toBe(429);
  });
});
