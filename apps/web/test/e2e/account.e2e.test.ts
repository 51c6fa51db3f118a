import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { PERMISSION_MODULES } from '@water/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, openPage, signIn, webUrl } from './support/browser';

/**
 * Issue 21 in a browser: the date-range picker's presets on live readings and the audit log (days of
 * Europe/Istanbul, UTC+03:00 all year), the account page (profile, password change ending the other
 * sessions, show-password toggle) and a forgotten password reset through the e-mailed link.
 */
const ASKI_ADMIN = 'aski.yetkili@example.com';
const matrix = (grants: Record<string, string>) =>
  Object.fromEntries(
    PERMISSION_MODULES.map((m) => [m, { create: false, read: (grants[m] ?? '').includes('r'), update: false, delete: false }]),
  );

/** A local day (Europe/Istanbul) `ago` days back, as DD.MM.YYYY, and its midnight as an ISO instant. */
const localDay = (ago: number) => new Date(Date.now() + 3 * 3_600_000 - ago * 86_400_000).toISOString().slice(0, 10);
const dotted = (day: string) => day.split('-').reverse().join('.');
const midnight = (day: string) => new Date(`${day}T00:00:00+03:00`).toISOString();

/** The newest message the stack's SMTP receiver got for `to`, waiting for it. */
async function mailTo(to: string, after: Set<string>): Promise<{ text: string; subject: string }> {
  const dir = inject('mailDir');
  const deadline = Date.now() + 60_000;
  for (;;) {
    for (const name of readdirSync(dir).filter((n) => !after.has(n))) {
      const mail = await simpleParser(readFileSync(join(dir, name)));
      const recipients = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address?.toLowerCase()));
      if (recipients.includes(to.toLowerCase())) return { text: mail.text ?? '', subject: mail.subject ?? '' };
    }
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} within 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('account and date ranges', () => {
  let browser: Browser;
  const stamp = Date.now().toString(36);
  const email = `hesap-${stamp}@example.com`;
  let password = 'Hesap-2026a';

  beforeAll(async () => {
    browser = await launch();
    const api = await apiAs(ASKI_ADMIN);
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    const aski = me.body.tenants.find((t) => t.name === 'ASKİ')!.id;
    const created = await api('POST', '/api/users', {
      name: 'Hesap',
      surname: 'Sahibi',
      email,
      password,
      memberships: [{ tenantId: aski, role: 'Operator', permissions: matrix({ DASHBOARD: 'r', LIVE_READINGS: 'r', USERS: 'r' }) }],
    });
    expect(created.status).toBe(201);
  }, 60_000);
  afterAll(async () => browser?.close());

  const newPage = async () => (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  const preset = (page: Page, value: string) => page.locator('select[data-testid="date-range-preset"]').selectOption(value);

  it('fills live readings’ range from the presets, in the utility’s days, and applies it', async () => {
    const page = await newPage();
    await signIn(page, email, password);
    await openPage(page, '/readings');
    const range = page.locator('[data-testid="readings-filters"] [data-testid="date-range"]');

    await preset(page, 'last7');
    await page.waitForURL((url) => url.searchParams.get('from') === midnight(localDay(6)));
    expect(await page.locator('#readings-from').inputValue()).toBe(dotted(localDay(6)));
    expect(await page.locator('#readings-to').inputValue()).toBe(dotted(localDay(0)));
    expect(new URL(page.url()).searchParams.get('to')).toBe(midnight(localDay(-1)));
    expect(await range.getAttribute('data-preset')).toBe('last7');

    await preset(page, 'yesterday');
    await page.waitForURL((url) => url.searchParams.get('from') === midnight(localDay(1)));
    expect(new URL(page.url()).searchParams.get('to')).toBe(midnight(localDay(0)));

    const firstOfMonth = `${localDay(0).slice(0, 8)}01`;
    await preset(page, 'thisMonth');
    await page.waitForURL((url) => url.searchParams.get('from') === midnight(firstOfMonth));

    // Typing a day makes the range custom; the filter applies on submit.
    await page.locator('#readings-from').fill(dotted(localDay(3)));
    expect(await range.getAttribute('data-preset')).toBe('custom');
    await page.locator('[data-testid="readings-filters-apply"]').click();
    await page.waitForURL((url) => url.searchParams.get('from') === midnight(localDay(3)));
    await page.context().close();
  });

  it('applies a preset on the audit log at once', async () => {
    const page = await newPage();
    await signIn(page, email, password);
    await openPage(page, '/audit-log');
    await preset(page, 'last30');
    await page.waitForURL(
      (url) => url.searchParams.get('from') === midnight(localDay(29)) && url.searchParams.get('to') === midnight(localDay(-1)),
    );
    expect(await page.locator('#audit-filter-from').inputValue()).toBe(dotted(localDay(29)));
    await page.context().close();
  });

  it('edits the profile and changes the password: the other browser is signed out, this one stays', async () => {
    const here = await newPage();
    const elsewhere = await newPage();
    await signIn(here, email, password);
    await signIn(elsewhere, email, password);

    await openPage(here, '/account');
    await here.locator('#profile-phone').fill('+905321234567');
    await here.locator('[data-testid="profile-save"]').click();
    await here.locator('[data-testid="profile-saved"]').waitFor();

    const current = here.locator('#password-currentPassword');
    await current.fill('yanlış-şifre1');
    // The show-password toggle shows what was typed, and hides it again.
    const toggle = here.locator('[data-testid="password-form"] [data-testid="password-toggle"]').first();
    expect(await current.getAttribute('type')).toBe('password');
    await toggle.click();
    expect(await current.getAttribute('type')).toBe('text');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    expect(await current.getAttribute('type')).toBe('password');

    const next = 'Yeni-Sifre-2026';
    await here.locator('#password-newPassword').fill(next);
    await here.locator('#password-confirmPassword').fill(next);
    await here.locator('[data-testid="password-save"]').click();
    expect(await here.locator('[data-testid="password-error"]').innerText()).toContain('Mevcut şifre yanlış');

    await current.fill(password);
    await here.locator('[data-testid="password-save"]').click();
    await here.locator('[data-testid="password-changed"]').waitFor();
    password = next;

    // This browser goes on; the other one is sent to sign in.
    await openPage(here, '/readings');
    expect(new URL(here.url()).pathname).toBe('/readings');
    await elsewhere.goto(webUrl('/readings'));
    await elsewhere.waitForURL((url) => url.pathname === '/login');
    await signIn(elsewhere, email, password);
    await here.context().close();
    await elsewhere.context().close();
  });

  it('resets a forgotten password through the e-mailed link, once', async () => {
    const page = await newPage();
    await page.goto(webUrl('/login'));
    await page.locator('[data-testid="login-forgot"]').click();
    await page.waitForURL((url) => url.pathname === '/forgot-password');
    await openPage(page, '/forgot-password');
    const before = new Set(readdirSync(inject('mailDir')));
    await page.locator('#forgot-email').fill(email);
    await page.getByRole('button', { name: 'Bağlantıyı gönder' }).click();
    await page.locator('[data-testid="forgot-sent"]').waitFor();

    const mail = await mailTo(email, before);
    expect(mail.subject).toBe('Şifre sıfırlama');
    const link = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    expect(link.startsWith(webUrl('/reset-password'))).toBe(true);

    await openPage(page, link.slice(webUrl('').length));
    const next = 'Unutulan-2026x';
    await page.locator('#reset-password').fill(next);
    await page.locator('#reset-confirmPassword').fill(next);
    await page.locator('[data-testid="reset-form"] button[type="submit"]').click();
    await page.locator('[data-testid="reset-done"]').waitFor();

    // The link works once.
    await openPage(page, link.slice(webUrl('').length));
    await page.locator('#reset-password').fill('Baska-2026y');
    await page.locator('#reset-confirmPassword').fill('Baska-2026y');
    await page.locator('[data-testid="reset-form"] button[type="submit"]').click();
    expect(await page.locator('[data-testid="reset-error"]').innerText()).toContain('geçersiz');

    await signIn(page, email, next);
    await page.context().close();
  });
});
