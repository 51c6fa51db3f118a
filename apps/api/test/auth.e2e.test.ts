import { matrix } from './support/matrix';
import { createHmac } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER } from '../src/core/auth/jwt.strategy';
import { ASKI_ADMIN, HATSU_ADMIN, startTestApp, SUPER_ADMIN, type TestApp } from './support/test-app';

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('auth', { env: { LOGIN_MAX_PER_ACCOUNT: '3', LOGIN_MAX_PER_ADDRESS: '1000' } });
  });
  afterAll(async () => t?.close());

  it('logs in with the seeded credentials and answers /me with memberships and effective rights', async () => {
    const res = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: 'IOT@una.net.tr', password: 'Asdf1234.' } });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await t.request({ url: '/api/auth/me', token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(SUPER_ADMIN);
    expect(me.body.memberships).toHaveLength(1);
    expect(me.body.tenants.map((x: { name: string }) => x.name).sort()).toEqual(['ASKİ', 'HATSU', 'Una IoT']);
    expect(me.body.tenants.every((x: { permissions: { METERS: { delete: boolean } } }) => x.permissions.METERS.delete)).toBe(true);
  });

  it('records the last login and the login events', async () => {
    await t.login(HATSU_ADMIN);
    const rows = await t.sql(
      `SELECT u.last_login_at, (SELECT count(*)::int FROM login_event e WHERE e.user_id = u.id AND e.success) AS ok FROM app_user u WHERE email = $1`,
      [HATSU_ADMIN],
    );
    expect(rows[0].last_login_at).not.toBeNull();
    expect(rows[0].ok).toBeGreaterThanOrEqual(1);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const a = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: ASKI_ADMIN, password: 'wrong-password1' } });
    const b = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: 'nobody@example.com', password: 'wrong-password1' } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body).toEqual(b.body);
  });

  it('rate-limits failed logins per account, even for the right password, with Retry-After', async () => {
    const email = HATSU_ADMIN;
    for (let i = 0; i < 3; i++) {
      const r = await t.request({ method: 'POST', url: '/api/auth/login', body: { email, password: 'not-the-password1' } });
      expect(r.status).toBe(401);
    }
    const blocked = await t.request({ method: 'POST', url: '/api/auth/login', body: { email, password: 'Asdf1234.' } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Other accounts are not affected.
    expect((await t.request({ method: 'POST', url: '/api/auth/login', body: { email: ASKI_ADMIN, password: 'Asdf1234.' } })).status).toBe(200);
  });

  it('refuses inactive users with the same answer', async () => {
    const admin = await t.login(SUPER_ADMIN);
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
    const token = await t.login(ASKI_ADMIN);
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

  it('rotates refresh tokens and revokes the family when an old one is reused', async () => {
    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: ASKI_ADMIN, password: 'Asdf1234.' } });
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
    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: ASKI_ADMIN, password: 'Asdf1234.' } });
    expect((await t.request({ method: 'POST', url: '/api/auth/logout', body: { refreshToken: login.body.refreshToken } })).status).toBe(204);
    expect((await t.request({ url: '/api/auth/me', token: login.body.accessToken })).status).toBe(401);
    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: login.body.refreshToken } })).status).toBe(401);
  });

  it('rejects malformed login bodies with field details', async () => {
    const res = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: 'not-an-email', password: '', extra: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { path: string[] }) => d.path.join('.'))).toEqual(expect.arrayContaining(['email', 'password']));
  });
});

