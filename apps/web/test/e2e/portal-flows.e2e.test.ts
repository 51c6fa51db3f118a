import { execFileSync } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, webUrl } from './support/browser';
import { codeAndLink, mailCountTo, mailsSoFar, mailTo } from './support/mail';

/**
 * The customer portal's flows that only had API tests (issue 19), in a browser against the built console, the
 * real API and worker and the stack's SMTP receiver: an operator's invitation link → password → sign-in; a
 * password reset through the e-mailed link; notification preferences and consents saved; the data export
 * downloaded and opened (a real ZIP holding this customer's data).
 */
const ASKI_ADMIN = 'aski.yetkili@example.com';
const PASSWORD = 'Davet-şifresi-2026';
const NEW_PASSWORD = 'Yeni-şifre-2026!';
/** The path and query of an e-mailed link, to open on the stack's console. */
const pathOf = (link: string) => {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
};

describe('customer portal flows', () => {
  let browser: Browser;
  let portal: BrowserContext;
  let page: Page;
  let customer: { id: string; subscriptionNo: string };
  /** Another customer's subscription number, which nothing of this customer's may show. */
  let otherNo: string;
  const email = `davetli.${Date.now()}@example.com`;

  const signInPortal = async (p: Page, password: string) => {
    await openPage(p, '/portal/login');
    await p.locator('#portal-login-email').fill(email);
    await p.locator('#portal-login-password').fill(password);
    await p.locator('[data-testid="portal-login-form"] [data-testid="portal-submit"]').click();
  };

  beforeAll(async () => {
    browser = await launch();
    const api = await apiAs(ASKI_ADMIN);
    // A customer of ASKİ with a subscription and no portal account yet.
    const subs = await api<{ items: { subscriptionNo: string; customer: { id: string } }[] }>(
      'GET',
      '/api/subscriptions?type=INDIVIDUAL&isActive=true&pageSize=100',
    );
    for (const s of subs.body.items.reverse()) {
      const state = await api<{ account: unknown; invitations: unknown[] }>('GET', `/api/customers/${s.customer.id}/portal-account`);
      if (state.status === 200 && state.body.account === null && state.body.invitations.length === 0) {
        customer = { id: s.customer.id, subscriptionNo: s.subscriptionNo };
        break;
      }
    }
    expect(customer, 'an ASKİ customer without a portal account').toBeDefined();
    otherNo = subs.body.items.find(
      (s) =>
        s.customer.id !== customer.id &&
        !s.subscriptionNo.includes(customer.subscriptionNo) &&
        !customer.subscriptionNo.includes(s.subscriptionNo),
    )!.subscriptionNo;
    portal = await browser.newContext({ viewport: { width: 390, height: 844 } });
    page = await portal.newPage();
  });
  afterAll(async () => browser?.close());

  it('follows an operator’s invitation link, sets a password and signs in with it', async () => {
    const api = await apiAs(ASKI_ADMIN);
    const before = mailsSoFar();
    const invited = await api('POST', `/api/customers/${customer.id}/portal-invitations`, { email });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const { code, link } = codeAndLink((await mailTo(email, before)).text);
    expect(new URL(link).origin).toBe(new URL(webUrl()).origin);

    // The link opens the sign-up at its code step (no subscription number or identity asked).
    await openPage(page, pathOf(link));
    await page.locator('[data-testid="portal-signup-code"]').waitFor();
    await page.locator('#portal-signup-code-input').fill(code);
    await page.locator('[data-testid="portal-signup-code"] [data-testid="portal-submit"]').click();
    await page.locator('#portal-new-password').fill(PASSWORD);
    await page.locator('#portal-confirm-password').fill(PASSWORD);
    await page.locator('[data-testid="portal-accept-privacy"]').click();
    await page.locator('[data-testid="portal-signup-password"] [data-testid="portal-submit"]').click();
    await page.waitForURL((url) => url.pathname === '/portal', { timeout: 30_000 });
    await expect
      .poll(() => page.locator('[data-testid="portal-subscription"]').allInnerTexts())
      .toEqual(expect.arrayContaining([expect.stringContaining(customer.subscriptionNo)]));
    // The operator now sees the account; the invitation's code was used once.
    const state = await api<{ account: { email: string } | null }>('GET', `/api/customers/${customer.id}/portal-account`);
    expect(state.body.account?.email).toBe(email);

    await openPage(page, '/portal');
    await page.locator('[data-testid="portal-sign-out"]').click();
    await page.waitForURL((url) => url.pathname === '/portal/login');
    await signInPortal(page, PASSWORD);
    await page.waitForURL((url) => url.pathname === '/portal');
    // The same link again (in another browser) is spent: setting a password through it is refused.
    const elsewhere = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const again = await elsewhere.newPage();
    await openPage(again, pathOf(link));
    await again.locator('#portal-signup-code-input').fill(code);
    await again.locator('[data-testid="portal-signup-code"] [data-testid="portal-submit"]').click();
    await again.locator('#portal-new-password').fill('Baska-sifre-2026');
    await again.locator('#portal-confirm-password').fill('Baska-sifre-2026');
    await again.locator('[data-testid="portal-accept-privacy"]').click();
    await again.locator('[data-testid="portal-signup-password"] [data-testid="portal-submit"]').click();
    await again.locator('[data-testid="portal-signup-code"] [data-testid="portal-form-error"]').waitFor();
    await elsewhere.close();
  });

  it('resets the password through the e-mailed link: the new one signs in, the old one no longer', async () => {
    const reset = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await reset.newPage();
    const before = mailsSoFar();
    await openPage(p, '/portal/reset-password');
    await p.locator('#portal-reset-email-input').fill(email);
    await p.locator('[data-testid="portal-reset-email"] [data-testid="portal-submit"]').click();
    await p.locator('[data-testid="portal-reset-verify"]').waitFor();
    const { code, link } = codeAndLink((await mailTo(email, before)).text);
    expect(new URL(link).pathname).toBe('/portal/reset-password');

    // From the link (as from the mail client): the code step, then the new password.
    await openPage(p, pathOf(link));
    await p.locator('[data-testid="portal-reset-verify"]').waitFor();
    await p.locator('#portal-reset-code').fill(code);
    await p.locator('#portal-new-password').fill(NEW_PASSWORD);
    await p.locator('#portal-confirm-password').fill('not the same one');
    await p.locator('[data-testid="portal-reset-verify"] [data-testid="portal-submit"]').click();
    // A mismatched confirmation is refused in the page; the code stays usable.
    await expect.poll(() => p.locator('[data-testid="portal-reset-done"]').count()).toBe(0);
    await p.locator('#portal-confirm-password').fill(NEW_PASSWORD);
    await p.locator('[data-testid="portal-reset-verify"] [data-testid="portal-submit"]').click();
    await p.locator('[data-testid="portal-reset-done"]').waitFor();
    // One e-mail for one request.
    expect(await mailCountTo(email, before)).toBe(1);

    await signInPortal(p, PASSWORD);
    await p.locator('[data-testid="portal-login-form"] [data-testid="portal-form-error"]').waitFor();
    await signInPortal(p, NEW_PASSWORD);
    await p.waitForURL((url) => url.pathname === '/portal');
    await reset.close();
    // The reset ended the older session too.
    expect((await portal.request.get(webUrl('/api/portal/me'))).status()).toBe(401);
    await signInPortal(page, NEW_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/portal');
  });

  it('saves notification preferences and a consent, and shows them after a reload', async () => {
    await openPage(page, '/portal/notifications');
    const invoiceByEmail = page.getByRole('checkbox', { name: 'Yeni fatura: E-posta' });
    const was = (await invoiceByEmail.getAttribute('aria-checked')) === 'true';
    await invoiceByEmail.click();
    await page.locator('[data-testid="portal-preferences"] button[type="submit"]').click();
    await page.locator('[data-testid="portal-preferences"]').getByRole('status').filter({ hasText: 'Kaydedildi.' }).waitFor();
    await openPage(page, '/portal/notifications');
    expect(await page.getByRole('checkbox', { name: 'Yeni fatura: E-posta' }).getAttribute('aria-checked')).toBe(String(!was));
    const prefs = (await (await portal.request.get(webUrl('/api/portal/notification-preferences'))).json()) as {
      events: { eventType: string; email: boolean }[];
    };
    expect(prefs.events.find((e) => e.eventType === 'invoice.issued')?.email).toBe(!was);

    await openPage(page, '/portal/profile');
    const sms = page.locator('[data-testid="portal-consents"] li[data-kind="SMS_NOTIFICATIONS"]');
    await expect.poll(() => sms.locator('[data-testid="portal-consent-state"]').innerText()).toBe('Verilmedi');
    await sms.getByRole('button', { name: 'Onay ver' }).click();
    await expect.poll(() => sms.locator('[data-testid="portal-consent-state"]').innerText()).toMatch(/^Verildi: \d{2}\.\d{2}\.\d{4} /);
    await openPage(page, '/portal/profile');
    await expect.poll(() => sms.locator('[data-testid="portal-consent-state"]').innerText()).toMatch(/^Verildi: /);
    const consents = (await (await portal.request.get(webUrl('/api/portal/consents'))).json()) as { kind: string; granted: boolean }[];
    expect(consents).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'SMS_NOTIFICATIONS', granted: true })]));
  });

  it('downloads the data export as a real ZIP holding this customer’s data and nobody else’s', async () => {
    await openPage(page, '/portal/profile');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="portal-export-csv"]').click()]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const file = await download.path();
    // unzip tests the archive (CRC of every member) and lists it.
    execFileSync('unzip', ['-tq', file]);
    const members = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
    expect(members).toEqual(expect.arrayContaining(['export.csv', 'profile.csv']));
    const all = members.map((m) => execFileSync('unzip', ['-p', file, m], { encoding: 'utf8' })).join('\n');
    expect(all).toContain(email);
    expect(all).toContain(customer.subscriptionNo);
    expect(all).toContain('SMS_NOTIFICATIONS');
    expect(all).not.toContain(otherNo);
  });
});
