import type { INestApplicationContext } from '@nestjs/common';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, makeTenant, makeUser, type Tenant, type User } from './support/factories';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';

const PROXY_SECRET = 'password-reset-suite-proxy-secret-0123456789';

/**
 * Issue 21, operators' forgotten passwords: a link by e-mail (a real SMTP server in this process, sent by
 * the worker's BullMQ job), single use, short-lived, no enumeration, rate limited, every session ended.
 */
describe('password reset by e-mail', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let smtp: SmtpReceiver;
  let tenant: Tenant;
  const mails: ParsedMail[] = [];

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) => t.request({ method: 'POST', url, body, headers });
  /** Requests from a given browser address, vouched for as the console's server does. */
  const from = (ip: string) => ({ 'x-console-client-ip': ip, 'x-console-secret': PROXY_SECRET });
  const askReset = (email: string, headers: Record<string, string> = {}) => post('/api/auth/password-reset', { email }, headers);
  const confirm = (token: string, password: string) => post('/api/auth/password-reset/confirm', { token, password });
  const login = (email: string, password: string) => post('/api/auth/login', { email, password });
  const mailsTo = (email: string) => smtp.mailsTo(email);
  /** The token of the link in the n-th e-mail to the address (waits for it). */
  const tokenFromMail = async (email: string, n = 1) => {
    const mail = await until(async () => mailsTo(email)[n - 1]);
    const link = /https?:\/\/\S+\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    expect(link, mail.text).not.toBeNull();
    return { token: link![1], mail };
  };
  const resetsOf = (user: User) =>
    t.sql<{
      email_status: string;
      email_attempts: number;
      email_reason: string | null;
      token_sealed: string | null;
      token_hash: string;
      used_at: Date | null;
      language: string;
    }>(`SELECT * FROM operator_password_reset WHERE user_id = $1 ORDER BY created_at`, [user.id]);
  const person = (o: Parameters<typeof makeUser>[1] = {}) => makeUser(t, { tenant, permissions: { DASHBOARD: 'r' }, ...o });

  beforeAll(async () => {
    smtp = await startSmtpReceiver(mails);
    t = await startTestApp('password_reset', {
      env: {
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Su Platformu <no-reply@example.com>',
        PUBLIC_URL: 'http://console.example.test',
        CONSOLE_PROXY_SECRET: PROXY_SECRET,
        NOTIFY_RETRY_DELAY_MS: '100',
        NOTIFY_ATTEMPTS: '3',
        PASSWORD_RESET_TTL_MINUTES: '30',
        PASSWORD_RESET_MAX_PER_EMAIL: '3',
        PASSWORD_RESET_MAX_PER_ADDRESS: '1000',
      },
    });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    tenant = await makeTenant(t);
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await smtp?.close();
  });

  it('e-mails a link (HTML and text, no unsubscribe header); the link sets the password once and ends every session', async () => {
    const user = await person({ name: 'Ayşe' });
    const first = await login(user.email, DEFAULT_PASSWORD);
    const second = await login(user.email, DEFAULT_PASSWORD);
    expect((await t.request({ url: '/api/auth/me', token: first.body.accessToken })).status).toBe(200);

    const asked = await askReset(user.email.toUpperCase());
    expect(asked.status).toBe(204);
    const { token, mail } = await tokenFromMail(user.email);
    expect(mail.subject).toBe('Şifre sıfırlama');
    expect(mail.html).toContain('http://console.example.test/reset-password?token');
    expect(mail.text).toContain('Merhaba Ayşe');
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    // Sent: the delivery is logged and the sealed token erased; the database keeps only the token's hash.
    const [row] = await until(async () => ((await resetsOf(user))[0]?.email_status === 'SENT' ? resetsOf(user) : null));
    expect(row).toMatchObject({ email_attempts: 1, token_sealed: null, used_at: null });
    expect(row.token_hash).not.toContain(token);

    expect((await confirm(token, 'NewSecret123')).status).toBe(204);
    // Every session ended: access tokens refused, refresh tokens refused.
    for (const s of [first, second]) {
      expect((await t.request({ url: '/api/auth/me', token: s.body.accessToken })).status).toBe(401);
      expect((await post('/api/auth/refresh', { refreshToken: s.body.refreshToken })).status).toBe(401);
    }
    expect((await login(user.email, DEFAULT_PASSWORD)).status).toBe(401);
    expect((await login(user.email, 'NewSecret123')).status).toBe(200);
    // Single use.
    const reused = await confirm(token, 'OtherSecret456');
    expect(reused.status).toBe(400);
    expect((await login(user.email, 'NewSecret123')).status).toBe(200);
    expect((await resetsOf(user))[0].used_at).not.toBeNull();
    // Recorded in the audit log, as the user's own change.
    const audit = await t.sql(`SELECT actor_id, after FROM audit_log WHERE entity_type = 'user' AND entity_id = $1`, [user.id]);
    expect(audit).toEqual([expect.objectContaining({ actor_id: user.id, after: expect.objectContaining({ by: 'reset-link' }) })]);
  });

  it('answers an unknown and a deactivated address exactly as a known one, and sends them nothing', async () => {
    const known = await person();
    const inactive = await person({ isActive: false });
    const unknown = `nobody-${Date.now()}@example.com`;
    const answers = await Promise.all([askReset(known.email), askReset(unknown), askReset(inactive.email)]);
    expect(answers.map((a) => a.status)).toEqual([204, 204, 204]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    await tokenFromMail(known.email);
    // The known address's mail has arrived through the same queue; nothing for the other two.
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(unknown)).toHaveLength(0);
    expect(mailsTo(inactive.email)).toHaveLength(0);
    expect(await resetsOf(inactive)).toHaveLength(0);
  });

  it('refuses a deactivated user the link they were sent before', async () => {
    const user = await person();
    expect((await askReset(user.email)).status).toBe(204);
    const { token } = await tokenFromMail(user.email);
    await t.sql(`UPDATE app_user SET is_active = false WHERE id = $1`, [user.id]);
    const refused = await confirm(token, 'NewSecret123');
    expect(refused.status).toBe(400);
    const [{ password_hash }] = await t.sql(`SELECT password_hash FROM app_user WHERE id = $1`, [user.id]);
    await t.sql(`UPDATE app_user SET is_active = true WHERE id = $1`, [user.id]);
    expect((await login(user.email, DEFAULT_PASSWORD)).status).toBe(200);
    expect((await t.sql(`SELECT password_hash FROM app_user WHERE id = $1`, [user.id]))[0].password_hash).toBe(password_hash);
  });

  it('refuses an expired link, a voided older link and a made-up one with the same 400; a weak password leaves the link usable', async () => {
    const user = await person({ email: `expiring-${Date.now()}@example.com` });
    expect((await askReset(user.email)).status).toBe(204);
    const { token: older } = await tokenFromMail(user.email, 1);
    expect((await askReset(user.email)).status).toBe(204);
    const { token: newer } = await tokenFromMail(user.email, 2);

    const voided = await confirm(older, 'NewSecret123');
    const madeUp = await confirm('A'.repeat(43), 'NewSecret123');
    expect(voided.status).toBe(400);
    expect(madeUp.status).toBe(400);
    expect(voided.body).toEqual(madeUp.body);

    const weak = await confirm(newer, 'short');
    expect(weak.status).toBe(400);
    expect(weak.body.details.map((d: { path: string[] }) => d.path.join('.'))).toContain('password');
    expect((await confirm('not a token\u0000', 'NewSecret123')).status).toBe(400);

    await t.sql(
      `UPDATE operator_password_reset SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE token_sealed IS NULL AND used_at IS NULL AND user_id = $1`,
      [user.id],
    );
    const expired = await confirm(newer, 'NewSecret123');
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual(madeUp.body);
    expect((await login(user.email, DEFAULT_PASSWORD)).status).toBe(200);
  });

  it('limits requests per e-mail address (known or not) and per client address, with Retry-After', async () => {
    const user = await person();
    const unknown = `limited-${Date.now()}@example.com`;
    for (const email of [user.email, unknown]) {
      for (let i = 0; i < 3; i++) expect((await askReset(email, from(`10.1.0.${i + 1}`))).status).toBe(204);
      const limited = await askReset(email, from('10.1.0.9'));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another e-mail address from the same browser is not affected by those.
    expect((await askReset(`other-${Date.now()}@example.com`, from('10.1.0.9'))).status).toBe(204);
  });

  it('retries a refused e-mail and logs each attempt on the reset', async () => {
    const user = await person();
    smtp.refuseOnceFor(user.email.toLowerCase());
    expect((await askReset(user.email)).status).toBe(204);
    await tokenFromMail(user.email);
    const [row] = await until(async () => ((await resetsOf(user))[0]?.email_status === 'SENT' ? resetsOf(user) : null));
    expect(row).toMatchObject({ email_attempts: 2, email_reason: null, token_sealed: null });
  });

  it('writes in English for a user who chose English, whatever the page asked', async () => {
    const user = await person();
    await t.sql(`INSERT INTO notification_settings (user_id, language) VALUES ($1, 'en')`, [user.id]);
    expect((await post('/api/auth/password-reset', { email: user.email, language: 'tr' })).status).toBe(204);
    const { mail } = await tokenFromMail(user.email);
    expect(mail.subject).toBe('Password reset');
  });
});

describe('password reset: per-address limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('password_reset_address', {
      env: { CONSOLE_PROXY_SECRET: PROXY_SECRET, PASSWORD_RESET_MAX_PER_ADDRESS: '2', PASSWORD_RESET_MAX_PER_EMAIL: '100' },
    });
  }, 60_000);
  afterAll(async () => t?.close());

  it('answers 429 to a browser that asks for many addresses, and not to another browser', async () => {
    const headers = { 'x-console-client-ip': '10.2.0.1', 'x-console-secret': PROXY_SECRET };
    const ask = (email: string, h = headers) => t.request({ method: 'POST', url: '/api/auth/password-reset', body: { email }, headers: h });
    expect((await ask('a@example.com')).status).toBe(204);
    expect((await ask('b@example.com')).status).toBe(204);
    const limited = await ask('c@example.com');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await ask('c@example.com', { ...headers, 'x-console-client-ip': '10.2.0.2' })).status).toBe(204);
  });
});
