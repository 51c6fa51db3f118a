import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStatus } from '../src/core/jobs/jobs.types';
import { PortalAuthRepository } from '../src/modules/portal-auth/portal-auth.repository';
import { PortalCodes } from '../src/modules/portal-auth/portal-codes';
import { NO_SMTP, PortalMailer, PortalMailService } from '../src/modules/portal-auth/portal-mail.service';
import {
  makeCustomer,
  makeSubscription,
  makeUser,
  makeUtilities,
  tokenFor,
  validTaxId,
  validTcIdNo,
  type Customer,
  type Tenant,
  type User,
} from './support/factories';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';

/**
 * Issue 19, the portal's sign-in: customers sign up with their subscription number, identity number and a
 * code e-mailed through a real SMTP server in this process; sessions, password reset, operators'
 * invitations and deactivation; the answers an attacker gets (same for unknown and wrong, rate limits).
 */
describe('portal auth', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let smtp: SmtpReceiver;
  const mails: ParsedMail[] = [];
  const PROXY_SECRET = randomBytes(24).toString('hex');
  const PASSWORD = 'Portal-Password-2026';

  let a: Tenant;
  let b: Tenant;
  let aAdmin: { user: User; token: string };
  let bAdmin: { user: User; token: string };

  /** A random client address per call unless given (the per-address limits are tested on their own). */
  const from = (ip = `10.${randomBytes(3).join('.')}`) => ({ 'x-console-secret': PROXY_SECRET, 'x-console-client-ip': ip });
  const pub = (url: string, body: unknown, ip?: string) => t.request({ method: 'POST', url, body, headers: from(ip) });
  const post = (url: string, token: string, body?: unknown) => t.request({ method: 'POST', url, token, body });
  const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
  const mailsTo = (email: string) => smtp.mailsTo(email);
  const codeOf = (mail: ParsedMail) => /(?:Kodunuz|Your code): (\d{6})/.exec(mail.text ?? '')![1];
  /** The code of the n-th e-mail (1-based) to `email`, once it arrived. */
  const codeFor = async (email: string, n = 1) => codeOf((await until(async () => mailsTo(email).length >= n && mailsTo(email)))[n - 1]);
  const challenge = async (id: string) =>
    (
      await t.sql<{
        email_status: string;
        email_reason: string | null;
        email_attempts: number;
        code_sealed: string | null;
        code_hash: string;
        attempts: number;
        used_at: Date | null;
      }>(
        `SELECT email_status, email_reason, email_attempts, code_sealed, code_hash, attempts, used_at FROM portal_challenge WHERE id = $1`,
        [id],
      )
    )[0];
  /** "Signed in?": a wrong current password answers 400 to a live session, 401 to a dead one. */
  const probe = async (token: string) =>
    (await post('/api/portal/me/password', token, { currentPassword: 'not-the-password', newPassword: 'whatever-long-1' })).status;

  /** An individual customer of `tenant` with an e-mail on file and an active subscription. */
  const customerWithSubscription = async (tenant: Tenant, o: Partial<Parameters<typeof makeCustomer>[1]> = {}) => {
    const email = `cust-${randomBytes(4).toString('hex')}@example.com`;
    const customer = await makeCustomer(t, { tenant, email, ...o });
    const subscription = await makeSubscription(t, { tenant, customer });
    return { customer, subscription, email: (o.email ?? email).toLowerCase() };
  };
  /** The full sign-up: details, e-mailed code, password; the token pair. */
  const signUp = async (tenant: Tenant = a) => {
    const c = await customerWithSubscription(tenant);
    const started = await pub('/api/portal/auth/signup', {
      subscriptionNo: c.subscription.subscriptionNo,
      identityNo: c.customer.tcIdNo,
      email: c.email,
    });
    expect(started.status).toBe(202);
    const code = await codeFor(c.email);
    const verified = await pub('/api/portal/auth/signup/verify', {
      challengeId: started.body.challengeId,
      code,
      password: PASSWORD,
      acceptPrivacyNotice: true,
      privacyNoticeVersion: '2026-01',
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    return { ...c, tokens: verified.body as { accessToken: string; refreshToken: string } };
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver(mails);
    t = await startTestApp('portal_auth', {
      env: {
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Su Portalı <portal@example.com>',
        PUBLIC_URL: 'http://portal.example.test',
        CONSOLE_PROXY_SECRET: PROXY_SECRET,
        NOTIFY_ATTEMPTS: '3',
        NOTIFY_RETRY_DELAY_MS: '100',
        PORTAL_SIGNUP_MAX_PER_SUBSCRIPTION: '4',
        PORTAL_SIGNUP_MAX_PER_ADDRESS: '4',
        PORTAL_RESET_MAX_PER_EMAIL: '3',
        PORTAL_VERIFY_MAX_PER_ADDRESS: '12',
      },
    });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    ({ a, b, aAdmin, bAdmin } = await makeUtilities(t));
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await smtp?.close();
  });

  it('signs a customer up with the code e-mailed to the address on file: account, KVKK consent, a working session', async () => {
    const c = await customerWithSubscription(a);
    const started = await pub('/api/portal/auth/signup', {
      subscriptionNo: c.subscription.subscriptionNo,
      identityNo: c.customer.tcIdNo,
      email: c.email.toUpperCase(),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(Object.keys(started.body).sort()).toEqual(['challengeId', 'expiresAt']);
    const [mail] = await until(async () => mailsTo(c.email).length && mailsTo(c.email));
    expect(mail.subject).toBe('Su portalı doğrulama kodunuz');
    expect(mail.from?.text).toContain('portal@example.com');
    expect(mail.text).toContain(`http://portal.example.test/portal/signup?challenge=${started.body.challengeId}`);
    expect(mail.html).toContain(a.name);
    expect(mail.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(false);
    const code = codeOf(mail);
    // Sent: the sealed code is erased, only its keyed hash stays.
    const stored = await until(async () => {
      const row = await challenge(started.body.challengeId);
      return row.email_status === 'SENT' && row;
    });
    expect(stored).toMatchObject({ code_sealed: null, email_attempts: 1, email_reason: null });
    expect(stored.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.code_hash).not.toContain(code);

    const body = {
      challengeId: started.body.challengeId,
      code,
      password: PASSWORD,
      acceptPrivacyNotice: true,
      privacyNoticeVersion: '2026-01',
    };
    // The privacy notice must be accepted; a short password is refused; nothing is used up by either.
    expect((await pub('/api/portal/auth/signup/verify', { ...body, acceptPrivacyNotice: false })).status).toBe(400);
    expect((await pub('/api/portal/auth/signup/verify', { ...body, password: 'short' })).status).toBe(400);
    const verified = await pub('/api/portal/auth/signup/verify', body);
    expect(verified.status).toBe(200);
    expect(Object.keys(verified.body).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenExpiresAt']);
    const [account] = await t.sql(`SELECT id, tenant_id, customer_id, email, is_active FROM portal_account WHERE customer_id = $1`, [
      c.customer.id,
    ]);
    expect(account).toMatchObject({ tenant_id: a.id, email: c.email, is_active: true });
    const consents = await t.sql(`SELECT kind, version, granted, ip_address FROM portal_consent WHERE account_id = $1`, [account.id]);
    expect(consents).toEqual([{ kind: 'KVKK_PRIVACY_NOTICE', version: '2026-01', granted: true, ip_address: expect.any(String) }]);
    expect(await probe(verified.body.accessToken)).toBe(400);

    // A used code never works again.
    const again = await pub('/api/portal/auth/signup/verify', body);
    expect(again.status).toBe(400);
    expect(again.body.message).toBe('invalid or expired code');
    // The customer has an account now: another sign-up gets the same answer and no e-mail.
    const second = await pub('/api/portal/auth/signup', {
      subscriptionNo: c.subscription.subscriptionNo,
      identityNo: c.customer.tcIdNo,
      email: c.email,
    });
    expect(second.status).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsTo(c.email)).toHaveLength(1);
  });

  it("signs up an organisation with its tax number and its contact's e-mail, in English", async () => {
    const contactEmail = `contact-${randomBytes(4).toString('hex')}@example.com`;
    const org = await makeCustomer(t, { tenant: a, type: 'ORGANIZATIONAL', contact: { name: 'Ali', email: contactEmail } });
    const sub = await makeSubscription(t, { tenant: a, customer: org, type: 'ORGANIZATIONAL' });
    const started = await pub('/api/portal/auth/signup', {
      subscriptionNo: sub.subscriptionNo,
      identityNo: org.taxId,
      email: contactEmail,
      language: 'en',
    });
    expect(started.status).toBe(202);
    const [mail] = await until(async () => mailsTo(contactEmail).length && mailsTo(contactEmail));
    expect(mail.subject).toBe('Your water portal verification code');
    expect(mail.text).toContain('The code works for 15 minutes');
    const verified = await pub('/api/portal/auth/signup/verify', {
      challengeId: started.body.challengeId,
      code: codeOf(mail),
      password: PASSWORD,
      acceptPrivacyNotice: true,
      privacyNoticeVersion: '2026-01',
      language: 'en',
    });
    expect(verified.status).toBe(200);
    expect(await t.sql(`SELECT email, language FROM portal_account WHERE customer_id = $1`, [org.id])).toEqual([
      { email: contactEmail, language: 'en' },
    ]);
  });

  it('signs up the customer whose details match when two tenants use the same subscription number; a used e-mail gets nothing', async () => {
    const inA = await customerWithSubscription(a);
    const emailB = `b-${randomBytes(4).toString('hex')}@example.com`;
    const customerB = await makeCustomer(t, { tenant: b, email: emailB });
    await makeSubscription(t, { tenant: b, customer: customerB, subscriptionNo: inA.subscription.subscriptionNo });
    const started = await pub('/api/portal/auth/signup', {
      subscriptionNo: inA.subscription.subscriptionNo,
      identityNo: customerB.tcIdNo,
      email: emailB,
    });
    const verified = await pub('/api/portal/auth/signup/verify', {
      challengeId: started.body.challengeId,
      code: await codeFor(emailB),
      password: PASSWORD,
      acceptPrivacyNotice: true,
      privacyNoticeVersion: '1',
    });
    expect(verified.status).toBe(200);
    expect(await t.sql(`SELECT tenant_id, customer_id FROM portal_account WHERE email = $1`, [emailB])).toEqual([
      { tenant_id: b.id, customer_id: customerB.id },
    ]);

    // A's customer has the same address on file as B's account: one account per e-mail, so no code.
    await t.sql(`UPDATE customer SET email = $2 WHERE id = $1`, [inA.customer.id, emailB]);
    const again = await pub('/api/portal/auth/signup', {
      subscriptionNo: inA.subscription.subscriptionNo,
      identityNo: inA.customer.tcIdNo,
      email: emailB,
    });
    expect(again.status).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsTo(emailB)).toHaveLength(1);
    expect(await t.sql(`SELECT 1 FROM portal_challenge WHERE customer_id = $1`, [inA.customer.id])).toHaveLength(0);
  });

  it('answers unknown and wrong details exactly like right ones, and e-mails nobody', async () => {
    const c = await customerWithSubscription(a);
    const other = await customerWithSubscription(a);
    const inactiveEmail = `inactive-${randomBytes(3).toString('hex')}@example.com`;
    const inactive = await makeCustomer(t, { tenant: a, email: inactiveEmail });
    const inactiveSub = await makeSubscription(t, { tenant: a, customer: inactive, isActive: false });
    const c2 = await customerWithSubscription(a);
    // At most 3 tries per subscription number here: its limit (4 in the window) is tested elsewhere.
    const attempts = [
      { subscriptionNo: `NOPE-${randomBytes(3).toString('hex')}`, identityNo: c.customer.tcIdNo, email: c.email }, // unknown subscription
      { subscriptionNo: c.subscription.subscriptionNo, identityNo: validTcIdNo(), email: c.email }, // another (valid) TC ID
      { subscriptionNo: c.subscription.subscriptionNo, identityNo: validTaxId(), email: c.email }, // a tax number
      { subscriptionNo: c2.subscription.subscriptionNo, identityNo: c2.customer.tcIdNo, email: c.email }, // e-mail not on file
      { subscriptionNo: c2.subscription.subscriptionNo, identityNo: other.customer.tcIdNo, email: other.email }, // another customer's details
      { subscriptionNo: inactiveSub.subscriptionNo, identityNo: inactive.tcIdNo, email: inactiveEmail }, // inactive subscription
    ];
    for (const attempt of attempts) {
      const res = await pub('/api/portal/auth/signup', attempt);
      expect(res.status).toBe(202);
      expect(Object.keys(res.body).sort()).toEqual(['challengeId', 'expiresAt']);
      expect(res.body.challengeId).toMatch(/^[0-9a-f-]{36}$/);
      // The decoy's id never verifies, with the same message as a wrong code.
      const verify = await pub('/api/portal/auth/signup/verify', {
        challengeId: res.body.challengeId,
        code: '123456',
        password: PASSWORD,
        acceptPrivacyNotice: true,
        privacyNoticeVersion: '1',
      });
      expect(verify.status).toBe(400);
      expect(verify.body.message).toBe('invalid or expired code');
    }
    // A right request after them: once its e-mail has arrived, the wrong ones would have too. Both kinds
    // answer no sooner than PORTAL_ANSWER_FLOOR_MS (250 ms), so timing does not tell them apart either.
    let started = Date.now();
    await pub('/api/portal/auth/signup', attempts[1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(245);
    started = Date.now();
    await pub('/api/portal/auth/signup', {
      subscriptionNo: other.subscription.subscriptionNo,
      identityNo: other.customer.tcIdNo,
      email: other.email,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(245);
    await codeFor(other.email);
    expect(mailsTo(c.email)).toHaveLength(0);
    expect(mailsTo(c2.email)).toHaveLength(0);
    expect(mailsTo(inactiveEmail)).toHaveLength(0);
    expect(await t.sql(`SELECT 1 FROM portal_challenge WHERE customer_id = ANY($1)`, [[c.customer.id, c2.customer.id]])).toHaveLength(0);

    // A malformed identity number is bad input (it never reaches the data).
    const bad = await pub('/api/portal/auth/signup', { subscriptionNo: 'X', identityNo: '12345678901', email: c.email });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toEqual(['identityNo']);
  });

  it('refuses wrong, expired and replaced codes with one message, and kills a challenge after 5 tries', async () => {
    const c = await customerWithSubscription(a);
    const start = () =>
      pub('/api/portal/auth/signup', { subscriptionNo: c.subscription.subscriptionNo, identityNo: c.customer.tcIdNo, email: c.email });
    const verify = (challengeId: string, code: string) =>
      pub('/api/portal/auth/signup/verify', {
        challengeId,
        code,
        password: PASSWORD,
        acceptPrivacyNotice: true,
        privacyNoticeVersion: '1',
      });

    const first = (await start()).body.challengeId as string;
    const firstCode = await codeFor(c.email, 1);
    const wrong = firstCode === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      const res = await verify(first, wrong);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('invalid or expired code');
    }
    // The 6th try, with the right code: the challenge is dead.
    expect((await verify(first, firstCode)).status).toBe(400);
    expect((await challenge(first)).attempts).toBe(5);

    // Expired.
    const second = (await start()).body.challengeId as string;
    const secondCode = await codeFor(c.email, 2);
    await t.sql(`UPDATE portal_challenge SET expires_at = now() - interval '1 second' WHERE id = $1`, [second]);
    const expired = await verify(second, secondCode);
    expect(expired.status).toBe(400);
    expect(expired.body.message).toBe('invalid or expired code');

    // A newer code replaces an older unused one.
    const third = (await start()).body.challengeId as string;
    const thirdCode = await codeFor(c.email, 3);
    const fourth = (await start()).body.challengeId as string;
    const fourthCode = await codeFor(c.email, 4);
    expect((await verify(third, thirdCode)).status).toBe(400);
    // The subscription's 4 sign-ups in the window are spent.
    expect((await start()).status).toBe(429);
    expect((await verify(fourth, fourthCode)).status).toBe(200);
    expect(await t.sql(`SELECT 1 FROM portal_account WHERE customer_id = $1`, [c.customer.id])).toHaveLength(1);
  });

  it('creates one account when the same code is verified twice at once', async () => {
    const c = await customerWithSubscription(a);
    const started = await pub('/api/portal/auth/signup', {
      subscriptionNo: c.subscription.subscriptionNo,
      identityNo: c.customer.tcIdNo,
      email: c.email,
    });
    const code = await codeFor(c.email);
    const body = { challengeId: started.body.challengeId, code, password: PASSWORD, acceptPrivacyNotice: true, privacyNoticeVersion: '1' };
    const results = await Promise.all([pub('/api/portal/auth/signup/verify', body), pub('/api/portal/auth/signup/verify', body)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(await t.sql(`SELECT 1 FROM portal_account WHERE customer_id = $1`, [c.customer.id])).toHaveLength(1);
    expect(
      await t.sql(`SELECT 1 FROM portal_consent c JOIN portal_account a ON a.id = c.account_id WHERE a.customer_id = $1`, [c.customer.id]),
    ).toHaveLength(1);
  });

  it('rate-limits sign-ups per address and per subscription number, logins per account, with Retry-After', async () => {
    const ip = '192.0.2.10';
    for (let i = 0; i < 4; i++)
      expect(
        (await pub('/api/portal/auth/signup', { subscriptionNo: `RL-${i}`, identityNo: validTcIdNo(), email: 'x@example.com' }, ip)).status,
      ).toBe(202);
    const limited = await pub('/api/portal/auth/signup', { subscriptionNo: 'RL-9', identityNo: validTcIdNo(), email: 'x@example.com' }, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not held back.
    expect(
      (await pub('/api/portal/auth/signup', { subscriptionNo: 'RL-9', identityNo: validTcIdNo(), email: 'x@example.com' })).status,
    ).toBe(202);

    const s = await signUp();
    for (let i = 0; i < 5; i++) {
      const res = await pub('/api/portal/auth/login', { email: s.email, password: 'wrong-password' });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('invalid email or password');
    }
    // Over the account's limit even the right password is not looked at.
    const blocked = await pub('/api/portal/auth/login', { email: s.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    // Code checks per address.
    const verifyIp = '192.0.2.20';
    let last = 0;
    for (let i = 0; i < 13; i++)
      last = (
        await pub(
          '/api/portal/auth/signup/verify',
          { challengeId: randomUUID(), code: '111111', password: PASSWORD, acceptPrivacyNotice: true, privacyNoticeVersion: '1' },
          verifyIp,
        )
      ).status;
    expect(last).toBe(429);
  });

  it('logs in, rotates refresh tokens (a reused one ends the session), and logout kills the access token at once', async () => {
    const s = await signUp();
    expect((await pub('/api/portal/auth/login', { email: 'nobody-here@example.com', password: PASSWORD })).body.message).toBe(
      'invalid email or password',
    );
    const login = await pub('/api/portal/auth/login', { email: s.email.toUpperCase(), password: PASSWORD });
    expect(login.status).toBe(200);
    expect(await probe(login.body.accessToken)).toBe(400);
    const [{ last_login_at }] = await t.sql(`SELECT last_login_at FROM portal_account WHERE email = $1`, [s.email]);
    expect(last_login_at).not.toBeNull();

    const rotated = await pub('/api/portal/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(login.body.refreshToken);
    expect(await probe(rotated.body.accessToken)).toBe(400);
    // The old refresh token again: theft assumed, the whole session ends.
    expect((await pub('/api/portal/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(401);
    expect((await pub('/api/portal/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).toBe(401);
    expect(await probe(rotated.body.accessToken)).toBe(401);
    // The sign-up's session is another one, still alive.
    expect(await probe(s.tokens.accessToken)).toBe(400);

    const logout = await pub('/api/portal/auth/logout', { refreshToken: s.tokens.refreshToken });
    expect(logout.status).toBe(204);
    expect(await probe(s.tokens.accessToken)).toBe(401);
    expect((await pub('/api/portal/auth/refresh', { refreshToken: s.tokens.refreshToken })).status).toBe(401);
  });

  it("refuses a portal token on the console's routes and a console token on the portal's", async () => {
    const s = await signUp();
    expect((await get('/api/auth/me', s.tokens.accessToken)).status).toBe(401);
    expect((await get('/api/customers', s.tokens.accessToken)).status).toBe(401);
    expect(await probe(aAdmin.token)).toBe(401);
  });

  it('resets a forgotten password by e-mailed code: every old session ends; unknown e-mails get the same answer', async () => {
    const s = await signUp();
    const other = await pub('/api/portal/auth/login', { email: s.email, password: PASSWORD });
    const started = await pub('/api/portal/auth/password-reset', { email: s.email });
    expect(started.status).toBe(202);
    const unknown = await pub('/api/portal/auth/password-reset', { email: `nobody-${randomBytes(3).toString('hex')}@example.com` });
    expect(unknown.status).toBe(202);
    expect(Object.keys(unknown.body).sort()).toEqual(['challengeId', 'expiresAt']);

    const [, mail] = await until(async () => mailsTo(s.email).length >= 2 && mailsTo(s.email));
    expect(mail.subject).toBe('Su portalı şifre sıfırlama kodunuz');
    expect(mail.text).toContain(`http://portal.example.test/portal/reset-password?challenge=${started.body.challengeId}`);
    const code = codeOf(mail);
    // A reset code does not open a sign-up, nor a sign-up code a reset.
    expect(
      (
        await pub('/api/portal/auth/signup/verify', {
          challengeId: started.body.challengeId,
          code,
          password: PASSWORD,
          acceptPrivacyNotice: true,
          privacyNoticeVersion: '1',
        })
      ).status,
    ).toBe(400);
    const newPassword = 'Another-Password-2027';
    expect(
      (await pub('/api/portal/auth/password-reset/verify', { challengeId: started.body.challengeId, code, password: newPassword })).status,
    ).toBe(204);
    expect(await probe(s.tokens.accessToken)).toBe(401);
    expect(await probe(other.body.accessToken)).toBe(401);
    expect((await pub('/api/portal/auth/refresh', { refreshToken: other.body.refreshToken })).status).toBe(401);
    expect((await pub('/api/portal/auth/login', { email: s.email, password: PASSWORD })).status).toBe(401);
    expect((await pub('/api/portal/auth/login', { email: s.email, password: newPassword })).status).toBe(200);
    // Used once.
    expect(
      (await pub('/api/portal/auth/password-reset/verify', { challengeId: started.body.challengeId, code, password: newPassword })).status,
    ).toBe(400);
    // Per e-mail limit (3 in the window).
    await pub('/api/portal/auth/password-reset', { email: s.email });
    await pub('/api/portal/auth/password-reset', { email: s.email });
    expect((await pub('/api/portal/auth/password-reset', { email: s.email })).status).toBe(429);
  });

  it('changes a signed-in customer’s password: the other sessions end, this one goes on', async () => {
    const s = await signUp();
    const other = await pub('/api/portal/auth/login', { email: s.email, password: PASSWORD });
    const wrong = await post('/api/portal/me/password', s.tokens.accessToken, {
      currentPassword: 'nope',
      newPassword: 'New-Password-2027',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0].path).toEqual(['currentPassword']);
    expect((await post('/api/portal/me/password', s.tokens.accessToken, { currentPassword: PASSWORD, newPassword: 'short' })).status).toBe(
      400,
    );
    expect(
      (await post('/api/portal/me/password', s.tokens.accessToken, { currentPassword: PASSWORD, newPassword: 'New-Password-2027' })).status,
    ).toBe(204);
    expect(await probe(s.tokens.accessToken)).toBe(400);
    expect(await probe(other.body.accessToken)).toBe(401);
    expect((await pub('/api/portal/auth/login', { email: s.email, password: 'New-Password-2027' })).status).toBe(200);
  });

  it('lets an operator with CUSTOMERS update invite a customer, see the account, deactivate (signs out) and activate it', async () => {
    const customer: Customer = await makeCustomer(t, { tenant: a });
    const email = `invited-${randomBytes(4).toString('hex')}@example.com`;
    const reader = await makeUser(t, { tenant: a, permissions: { CUSTOMERS: 'r' } });
    const readerToken = await tokenFor(t, reader);
    const base = `/api/customers/${customer.id}`;

    expect(await get(`${base}/portal-account`, aAdmin.token)).toMatchObject({ status: 200, body: { account: null, invitations: [] } });
    // Another tenant's operator does not see the customer; a reader may look but not invite.
    expect((await get(`${base}/portal-account`, bAdmin.token)).status).toBe(404);
    expect((await post(`${base}/portal-invitations`, bAdmin.token, { email })).status).toBe(404);
    expect((await post(`${base}/portal-invitations`, readerToken, { email })).status).toBe(403);
    expect((await post(`${base}/portal-invitations`, aAdmin.token, { email: 'not-an-email' })).status).toBe(400);
    expect((await post(`/api/customers/${randomUUID()}/portal-invitations`, aAdmin.token, { email })).status).toBe(404);

    const invited = await post(`${base}/portal-invitations`, aAdmin.token, { email });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email, emailStatus: 'QUEUED' });
    const [mail] = await until(async () => mailsTo(email).length && mailsTo(email));
    expect(mail.subject).toBe('Su portalı davetiniz');
    expect(mail.text).toContain(`http://portal.example.test/portal/signup?challenge=${invited.body.id}`);
    expect(mail.text).toContain('72 saat');
    const [audit] = await t.sql(
      `SELECT actor_id, tenant_id, action FROM audit_log WHERE entity_type = 'portal_invitation' AND entity_id = $1`,
      [invited.body.id],
    );
    expect(audit).toMatchObject({ actor_id: aAdmin.user.id, tenant_id: a.id, action: 'create' });

    const verified = await pub('/api/portal/auth/signup/verify', {
      challengeId: invited.body.id,
      code: codeOf(mail),
      password: PASSWORD,
      acceptPrivacyNotice: true,
      privacyNoticeVersion: '2026-01',
    });
    expect(verified.status).toBe(200);
    const state = await get(`${base}/portal-account`, readerToken);
    expect(state.status).toBe(200);
    expect(state.body.account).toMatchObject({ email, isActive: true, language: 'tr', lastLoginAt: null });
    expect(state.body.invitations).toEqual([
      expect.objectContaining({ id: invited.body.id, email, emailStatus: 'SENT', emailReason: null, usedAt: expect.any(String) }),
    ]);
    expect((await post(`${base}/portal-invitations`, aAdmin.token, { email: `x-${email}` })).status).toBe(409);

    // Deactivation: refused to others, signs the customer out at once; login refused until activated.
    expect((await post(`${base}/portal-account/deactivate`, readerToken)).status).toBe(403);
    expect((await post(`${base}/portal-account/deactivate`, bAdmin.token)).status).toBe(404);
    expect(await probe(verified.body.accessToken)).toBe(400);
    expect((await post(`${base}/portal-account/deactivate`, aAdmin.token)).status).toBe(204);
    expect(await probe(verified.body.accessToken)).toBe(401);
    expect((await pub('/api/portal/auth/refresh', { refreshToken: verified.body.refreshToken })).status).toBe(401);
    expect((await pub('/api/portal/auth/login', { email, password: PASSWORD })).status).toBe(401);
    expect((await post(`${base}/portal-account/activate`, aAdmin.token)).status).toBe(204);
    expect((await pub('/api/portal/auth/login', { email, password: PASSWORD })).status).toBe(200);
    const changes = await t.sql(`SELECT before, after FROM audit_log WHERE entity_type = 'portal_account' ORDER BY created_at`);
    expect(changes.map((c) => c.after)).toEqual([{ isActive: false }, { isActive: true }]);
    // No account yet: 404 on (de)activation.
    const bare = await makeCustomer(t, { tenant: a });
    expect((await post(`/api/customers/${bare.id}/portal-account/deactivate`, aAdmin.token)).status).toBe(404);
  });

  it('retries a refused e-mail through the worker and sends it; an unreachable SMTP server leaves it QUEUED, then FAILED with the reason', async () => {
    // The worker's real path: refused once (451), sent on the retry.
    smtp.refuseNext();
    const c = await customerWithSubscription(a);
    const started = await pub('/api/portal/auth/signup', {
      subscriptionNo: c.subscription.subscriptionNo,
      identityNo: c.customer.tcIdNo,
      email: c.email,
    });
    await codeFor(c.email);
    expect(
      await until(async () => {
        const row = await challenge(started.body.challengeId);
        return row.email_status === 'SENT' && row;
      }),
    ).toMatchObject({ email_attempts: 2, email_reason: null, code_sealed: null });

    // A closed port: the handler is run with its attempts (NOTIFY_ATTEMPTS = 3) as BullMQ would.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const unreachable = { ...t.config, SMTP_URL: `smtp://127.0.0.1:${port}` };
    const repository = worker.get(PortalAuthRepository);
    const mailer = new PortalMailer(unreachable);
    const service = new PortalMailService(repository, mailer, unreachable);
    const id = await insertChallenge(c.customer);
    for (const attempt of [0, 1]) {
      await expect(service.sendCode({ challengeId: id, language: 'tr' }, attempt)).rejects.toThrow();
      expect(await challenge(id)).toMatchObject({
        email_status: 'QUEUED',
        email_attempts: attempt + 1,
        email_reason: expect.stringMatching(/ECONNREFUSED|connect/i),
      });
      expect((await challenge(id)).code_sealed).not.toBeNull();
    }
    await expect(service.sendCode({ challengeId: id, language: 'tr' }, 2)).rejects.toThrow();
    expect(await challenge(id)).toMatchObject({
      email_status: 'FAILED',
      email_attempts: 3,
      code_sealed: null,
      email_reason: expect.stringMatching(/ECONNREFUSED|connect/i),
    });
    // Done with: a later run does nothing.
    expect(await service.sendCode({ challengeId: id, language: 'tr' }, 3)).toBe(JobStatus.Skipped);
    mailer.onModuleDestroy();

    // No SMTP server configured: FAILED at once, with the reason.
    const none = { ...t.config, SMTP_URL: undefined };
    const noSmtp = new PortalMailService(repository, new PortalMailer(none), none);
    const other = await insertChallenge(c.customer);
    expect(await noSmtp.sendCode({ challengeId: other, language: 'en' }, 0)).toBe(JobStatus.Skipped);
    expect(await challenge(other)).toMatchObject({ email_status: 'FAILED', email_reason: NO_SMTP, email_attempts: 0, code_sealed: null });
  });

  it('refuses NUL bytes and huge values with 400', async () => {
    const c = await customerWithSubscription(a);
    const ok = { subscriptionNo: c.subscription.subscriptionNo, identityNo: c.customer.tcIdNo, email: c.email };
    for (const body of [
      { ...ok, subscriptionNo: 'SUB\u0000-1' },
      { ...ok, email: `a\u0000@example.com` },
      { ...ok, subscriptionNo: 'S'.repeat(100_000) },
      { ...ok, email: `${'a'.repeat(10_000)}@example.com` },
      { ...ok, extra: 1 },
    ])
      expect((await pub('/api/portal/auth/signup', body)).status).toBe(400);
    expect((await pub('/api/portal/auth/login', { email: c.email, password: 'p'.repeat(100_000) })).status).toBe(400);
    expect((await pub('/api/portal/auth/login', { email: c.email, password: 'pass\u0000word' })).status).toBe(400);
    expect(
      (
        await pub('/api/portal/auth/signup/verify', {
          challengeId: 'not-a-uuid',
          code: '12345',
          password: PASSWORD,
          acceptPrivacyNotice: true,
          privacyNoticeVersion: '1',
        })
      ).status,
    ).toBe(400);
    expect((await pub('/api/portal/auth/refresh', { refreshToken: 'x'.repeat(10_000) })).status).toBe(400);
    expect(await t.sql(`SELECT 1 FROM portal_challenge WHERE customer_id = $1`, [c.customer.id])).toHaveLength(0);
  });

  /** A queued SIGNUP challenge written directly (no job enqueued), for driving the e-mail handler by hand. */
  async function insertChallenge(customer: Customer): Promise<string> {
    const codes = new PortalCodes(t.config.SECRETS_KEY);
    const id = randomUUID();
    await t.kysely
      .insertInto('portal_challenge')
      .values({
        id,
        purpose: 'SIGNUP',
        tenant_id: customer.tenantId,
        customer_id: customer.id,
        email: `direct-${randomBytes(3).toString('hex')}@example.com`,
        code_hash: codes.hash(id, '123456'),
        code_sealed: codes.seal('123456'),
        expires_at: new Date(Date.now() + 600_000),
      })
      .execute();
    return id;
  }
});
