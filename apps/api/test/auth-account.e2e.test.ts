import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, makeTenant, makeUser, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/** Issue 21, the signed-in operator's own account: profile and password. */
describe('account self-service', () => {
  let t: TestApp;
  let tenant: Tenant;
  const login = (email: string, password = DEFAULT_PASSWORD) =>
    t.request({ method: 'POST', url: '/api/auth/login', body: { email, password } });
  const changePassword = (token: string, body: unknown) => t.request({ method: 'POST', url: '/api/auth/me/password', token, body });
  const me = (token: string) => t.request({ url: '/api/auth/me', token });

  beforeAll(async () => {
    t = await startTestApp('auth_account', { env: { LOGIN_MAX_PER_ACCOUNT: '3', LOGIN_MAX_PER_ADDRESS: '1000' } });
    tenant = await makeTenant(t);
  }, 60_000);
  afterAll(async () => t?.close());

  it('changes one’s own name, surname, phone and language; the e-mail stays an administrator’s to change', async () => {
    const user = await makeUser(t, { tenant, permissions: { DASHBOARD: 'r' } });
    const token = await t.login(user.email);
    expect((await me(token)).body.user.language).toBe('tr');
    const saved = await t.request({
      method: 'PATCH',
      url: '/api/auth/me',
      token,
      body: { name: ' Zeynep ', surname: 'Işık', phone: '+905321234567', language: 'en' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.user).toMatchObject({ name: 'Zeynep', surname: 'Işık', phone: '+905321234567', language: 'en', email: user.email });
    // The language is the user's notification language too: one setting.
    expect((await t.sql(`SELECT language FROM notification_settings WHERE user_id = $1`, [user.id]))[0].language).toBe('en');
    expect((await t.request({ method: 'PATCH', url: '/api/auth/me', token, body: { phone: null } })).body.user.phone).toBeNull();

    for (const body of [
      { email: 'other@example.com' },
      { phone: '0532 123' },
      { language: 'de' },
      { name: '' },
      { name: 'x'.repeat(101) },
      { surname: 'Ay\u0000e' },
    ]) {
      const refused = await t.request({ method: 'PATCH', url: '/api/auth/me', token, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    expect((await me(token)).body.user).toMatchObject({ name: 'Zeynep', email: user.email });
    expect((await t.request({ method: 'PATCH', url: '/api/auth/me', body: { name: 'Anon' } })).status).toBe(401);
    const audit = await t.sql(`SELECT actor_id FROM audit_log WHERE entity_type = 'user' AND entity_id = $1`, [user.id]);
    expect(audit.length).toBe(2);
  });

  it('changes the password after the current one: other sessions end, this one goes on with the new pair', async () => {
    const user = await makeUser(t, { tenant, permissions: { DASHBOARD: 'r' } });
    const here = (await login(user.email)).body;
    const elsewhere = (await login(user.email)).body;

    const wrong = await changePassword(here.accessToken, { currentPassword: 'not-it-123', newPassword: 'NewSecret123' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details).toEqual([expect.objectContaining({ path: ['currentPassword'] })]);
    const weak = await changePassword(here.accessToken, { currentPassword: DEFAULT_PASSWORD, newPassword: 'password' });
    expect(weak.status).toBe(400);
    const same = await changePassword(here.accessToken, { currentPassword: DEFAULT_PASSWORD, newPassword: DEFAULT_PASSWORD });
    expect(same.status).toBe(400);
    expect((await me(elsewhere.accessToken)).status).toBe(200);

    const changed = await changePassword(here.accessToken, { currentPassword: DEFAULT_PASSWORD, newPassword: 'NewSecret123' });
    expect(changed.status).toBe(200);
    expect((await me(changed.body.accessToken)).status).toBe(200);
    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: changed.body.refreshToken } })).status).toBe(
      200,
    );
    // Every token issued before the change is refused, the other browser's included.
    expect((await me(elsewhere.accessToken)).status).toBe(401);
    expect((await me(here.accessToken)).status).toBe(401);
    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: elsewhere.refreshToken } })).status).toBe(
      401,
    );
    expect((await login(user.email)).status).toBe(401);
    expect((await login(user.email, 'NewSecret123')).status).toBe(200);
  });

  it('limits wrong current passwords per user (a stolen session cannot guess it), with Retry-After', async () => {
    const user = await makeUser(t, { tenant, permissions: { DASHBOARD: 'r' } });
    const token = await t.login(user.email);
    for (let i = 0; i < 3; i++)
      expect((await changePassword(token, { currentPassword: `guess-${i}-123`, newPassword: 'NewSecret123' })).status).toBe(400);
    const limited = await changePassword(token, { currentPassword: DEFAULT_PASSWORD, newPassword: 'NewSecret123' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(user.email)).status).toBe(200);
  });
});
