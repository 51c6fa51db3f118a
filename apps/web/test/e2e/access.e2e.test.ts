import type { Browser } from 'playwright-core';
import { PERMISSION_MODULES } from '@water/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, signIn, webUrl } from './support/browser';

const matrix = (grants: Record<string, string>) =>
  Object.fromEntries(
    PERMISSION_MODULES.map((m) => [
      m,
      {
        create: (grants[m] ?? '').includes('c'),
        read: (grants[m] ?? '').includes('r'),
        update: (grants[m] ?? '').includes('u'),
        delete: (grants[m] ?? '').includes('d'),
      },
    ]),
  );

describe('console access', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  async function tenantsSeenBy(email: string): Promise<string[]> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, email);
    await page.locator('[data-testid="tenant-switcher"]').click();
    const names = (await page.getByRole('menuitemradio').allInnerTexts()).map((s) => s.trim());
    await context.close();
    return names;
  }

  it('shows each seeded user only their own tenants', async () => {
    // Other browser suites of the same stack add districts under ASKİ ("E2E …", e.g. the billing test):
    // they are ASKİ's own, so its users and the root see them; HATSU's never do.
    const seeded = (names: string[]) => names.filter((name) => !name.startsWith('E2E '));
    expect(seeded(await tenantsSeenBy('iot@una.net.tr')).sort()).toEqual(['ASKİ', 'HATSU', 'Una IoT']);
    expect(seeded(await tenantsSeenBy('aski.yetkili@example.com'))).toEqual(['ASKİ']);
    expect(await tenantsSeenBy('hatsu.yetkili@example.com')).toEqual(['HATSU']);
  });

  it('hides the meters module from a user without the meters right and refuses its pages', async () => {
    const api = await apiAs('aski.yetkili@example.com');
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    const aski = me.body.tenants.find((t) => t.name === 'ASKİ')!.id;
    const created = await api('POST', '/api/users', {
      name: 'Pano',
      surname: 'İzleyici',
      email: 'pano@example.com',
      password: 'Parola123',
      memberships: [{ tenantId: aski, role: 'Dashboard viewer', permissions: matrix({ DASHBOARD: 'r', LIVE_READINGS: 'r' }) }],
    });
    expect(created.status).toBe(201);

    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, 'pano@example.com', 'Parola123');
    const nav = page.getByRole('navigation');
    // The modules the user may read are listed once the session has loaded.
    await nav.locator('a[href="/readings"]').waitFor({ timeout: 30_000 });
    expect(await nav.locator('a[href="/meters"]').count()).toBe(0);
    // Alarms belong to the dashboard module, which this user may read.
    expect(await nav.locator('a[href="/alarms"]').count()).toBe(1);
    expect(await nav.locator('a[href="/customers"]').count()).toBe(0);
    await page.goto(webUrl('/meters'));
    await page.waitForLoadState('networkidle');
    expect(new URL(page.url()).pathname).not.toBe('/meters');
    await context.close();
  });

  it('tells a reader sent away from a form which action they lack, not that they may not view', async () => {
    const api = await apiAs('aski.yetkili@example.com');
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    const aski = me.body.tenants.find((t) => t.name === 'ASKİ')!.id;
    const created = await api('POST', '/api/users', {
      name: 'Abone',
      surname: 'Okuyucu',
      email: 'abone.okuyucu@example.com',
      password: 'Parola123',
      memberships: [{ tenantId: aski, role: 'Subscription reader', permissions: matrix({ DASHBOARD: 'r', SUBSCRIPTIONS: 'r' }) }],
    });
    expect(created.status).toBe(201);

    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, 'abone.okuyucu@example.com', 'Parola123');
    await page.goto(webUrl('/subscriptions/new'));
    const refusal = page.locator('[data-testid="forbidden"]');
    await refusal.waitFor({ timeout: 30_000 });
    const text = await refusal.innerText();
    expect(text).toContain('kayıt oluşturma izniniz yok');
    expect(text).not.toContain('görüntüleme');
    await context.close();
  });

  it('sends a signed-out visitor to the login page and back after signing in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(webUrl('/users'));
    await page.waitForURL(/\/login/);
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/users');
    await page.locator('#login-email').fill('iot@una.net.tr');
    await page.locator('#login-password').fill('Asdf1234.');
    await page.locator('[data-testid="login-form"] button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/users', { timeout: 30_000 });
    await context.close();
  });
});
