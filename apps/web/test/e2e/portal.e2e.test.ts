import { readdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage, webUrl } from './support/browser';
import { mailTo } from './support/mail';

/**
 * The customer portal in a browser (issue 19): a customer signs up with the code the stack's SMTP
 * receiver got, sees their subscription and its consumption, and nothing of another customer of the
 * same utility; a console session opens no portal page and a portal session no console page.
 */
const ASKI_ADMIN = 'aski.yetkili@example.com';
const PASSWORD = 'Portal-şifre-2026';

interface Subscription {
  id: string;
  subscriptionNo: string;
  customer: { id: string };
  meter: { id: string; serialNo: string } | null;
}

/** A valid TC ID number (both check digits) from nine random digits. */
function tcIdNo(): string {
  const d = [1 + Math.floor(Math.random() * 9), ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 10))];
  const odd = d[0]! + d[2]! + d[4]! + d[6]! + d[8]!;
  const even = d[1]! + d[3]! + d[5]! + d[7]!;
  d.push((((odd * 7 - even) % 10) + 10) % 10);
  d.push(d.reduce((a, b) => a + b, 0) % 10);
  return d.join('');
}

/** A local day (Europe/Istanbul, UTC+03:00 all year) `ago` days back, as YYYY-MM-DD. */
const localDay = (ago: number) => new Date(Date.now() + 3 * 3_600_000 - ago * 86_400_000).toISOString().slice(0, 10);
const dotted = (day: string) => day.split('-').reverse().join('.');

describe('customer portal', () => {
  let browser: Browser;
  let portal: BrowserContext;
  let page: Page;
  let own: Subscription;
  let ownAll: Subscription[];
  let other: Subscription;
  const email = `portal.${Date.now()}@example.com`;
  /** Consumption per local day entered as manual readings on the customer's meter. */
  const entered = new Map<string, number>();

  beforeAll(async () => {
    browser = await launch();
    const api = await apiAs(ASKI_ADMIN);
    const list = await api<{ items: Subscription[] }>('GET', '/api/subscriptions?type=INDIVIDUAL&hasMeter=true&isActive=true&pageSize=100');
    expect(list.status).toBe(200);

    // A customer whose meter reads high enough that five older manual readings fit below its first reading.
    for (const s of list.body.items) {
      if (!s.meter) continue;
      const readings = await api<{ items: { time: string; indexM3: number }[] }>(
        'GET',
        `/api/meters/${s.meter.id}/readings?pageSize=100&to=${encodeURIComponent(new Date(Date.now() - 2 * 86_400_000).toISOString())}`,
      );
      const first = Math.min(...readings.body.items.map((r) => r.indexM3));
      if (readings.status !== 200 || !Number.isFinite(first) || first < 5) continue;
      own = s;
      // Indexes at noon of five days before the seed's readings: the four differences are the days' consumption.
      const base = Math.floor(first) - 4;
      const steps = [0, 0.4, 1.2, 1.5, 2.5];
      for (const [i, step] of steps.entries()) {
        const day = localDay(12 - i);
        const res = await api('POST', `/api/meters/${s.meter.id}/readings`, {
          time: `${day}T12:00:00+03:00`,
          indexM3: base + step,
          reason: 'portal browser test',
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        if (i > 0) entered.set(day, Math.round((step - steps[i - 1]!) * 1000) / 1000);
      }
      break;
    }
    expect(own, 'a seeded ASKİ subscription with a meter and readings').toBeDefined();
    other = list.body.items.find((s) => s.customer.id !== own.customer.id && s.meter)!;
    expect(other).toBeDefined();
    ownAll = (await api<{ items: Subscription[] }>('GET', `/api/subscriptions?customerId=${own.customer.id}&pageSize=100`)).body.items;

    // The customer's identity and e-mail on file, as the sign-up checks them.
    const patched = await api('PATCH', `/api/customers/${own.customer.id}`, { tcIdNo: tcIdNo(), email });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const customer = await api<{ tcIdNo: string }>('GET', `/api/customers/${own.customer.id}`);
    (own as Subscription & { tcIdNo: string }).tcIdNo = customer.body.tcIdNo;

    portal = await browser.newContext({ viewport: { width: 390, height: 844 } });
    page = await portal.newPage();
  });
  afterAll(async () => browser?.close());

  it('signs a customer up with the e-mailed code and shows their subscription', async () => {
    const before = new Set(readdirSync(inject('mailDir')));
    await openPage(page, '/portal/signup');
    await page.locator('#portal-signup-subscription').fill(own.subscriptionNo);
    await page.locator('#portal-signup-identity').fill((own as Subscription & { tcIdNo: string }).tcIdNo);
    await page.locator('#portal-signup-email').fill(email.toUpperCase());
    await page.locator('[data-testid="portal-signup-details"] [data-testid="portal-submit"]').click();
    await page.locator('[data-testid="portal-signup-code"]').waitFor();

    const mail = await mailTo(email, before);
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    expect(code, mail.text).toBeDefined();

    // A wrong code first: the same one message, and back at the code.
    await page.locator('#portal-signup-code-input').fill(code === '000000' ? '111111' : '000000');
    await page.locator('[data-testid="portal-signup-code"] [data-testid="portal-submit"]').click();
    await page.locator('#portal-new-password').fill(PASSWORD);
    await page.locator('#portal-confirm-password').fill(PASSWORD);
    await page.locator('[data-testid="portal-accept-privacy"]').click();
    await page.locator('[data-testid="portal-signup-password"] [data-testid="portal-submit"]').click();
    await page.locator('[data-testid="portal-signup-code"] [data-testid="portal-form-error"]').waitFor();

    await page.locator('#portal-signup-code-input').fill(code!);
    await page.locator('[data-testid="portal-signup-code"] [data-testid="portal-submit"]').click();
    await page.locator('#portal-new-password').fill(PASSWORD);
    await page.locator('#portal-confirm-password').fill(PASSWORD);
    if ((await page.locator('[data-testid="portal-accept-privacy"]').getAttribute('aria-checked')) !== 'true') {
      await page.locator('[data-testid="portal-accept-privacy"]').click();
    }
    await page.locator('[data-testid="portal-signup-password"] [data-testid="portal-submit"]').click();
    await page.waitForURL((url) => url.pathname === '/portal', { timeout: 30_000 });

    const cards = page.locator('[data-testid="portal-subscription"]');
    await cards.first().waitFor();
    await expect.poll(() => cards.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining(own.subscriptionNo)]));
    // The tokens stay in httpOnly cookies; the page's scripts see none.
    const cookies = await portal.cookies();
    expect(cookies.filter((c) => c.name.startsWith('water_portal_')).every((c) => c.httpOnly)).toBe(true);
    expect(await page.evaluate(() => document.cookie)).not.toContain('water_portal_');
  });

  it('shows the customer their consumption by day, from the readings of their meter', async () => {
    await openPage(page, `/portal/subscriptions/${own.id}`);
    const table = page.locator('[data-testid="portal-chart-table"]');
    await page.locator('[data-testid="portal-chart"] summary').click();
    await table.waitFor();
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    const byDay = new Map(rows.map(([day, value]) => [day, value]));
    for (const [day, m3] of entered) {
      // Turkish (the default language): three decimals with a comma.
      expect(byDay.get(dotted(day)), dotted(day)).toContain(m3.toFixed(3).replace('.', ','));
    }
    await expect.poll(() => page.locator('[data-testid="portal-comparisons"]').count()).toBe(1);
  });

  it('rings the bell live when the utility records the customer’s payment', async () => {
    await openPage(page, '/portal');
    const bell = page.locator('[data-testid="portal-bell"]');
    // Connected to the account's own room before the payment, so the count can only come over the socket.
    await expect.poll(() => bell.getAttribute('data-live'), { timeout: 30_000 }).toBe('connected');
    const unread = page.locator('[data-testid="portal-unread"]');
    const before = (await unread.count()) ? Number(await unread.innerText()) : 0;

    const api = await apiAs(ASKI_ADMIN);
    const paid = await api('POST', '/api/payments', {
      subscriptionId: own.id,
      amountKurus: 12_345,
      receivedAt: new Date().toISOString(),
      receiptNo: `PORTAL-${Date.now()}`,
      method: 'CASH_DESK',
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    await expect.poll(async () => ((await unread.count()) ? Number(await unread.innerText()) : 0), { timeout: 30_000 }).toBe(before + 1);

    await page.locator('[data-testid="portal-bell"]').click();
    await page.waitForURL((url) => url.pathname === '/portal/notifications');
    await expect
      .poll(() => page.locator('[data-testid="portal-notification"]').allInnerTexts())
      .toEqual(expect.arrayContaining([expect.stringContaining('Ödeme alındı')]));
  });

  it('shows nothing of another customer of the same utility', async () => {
    const response = await page.goto(webUrl(`/portal/subscriptions/${other.id}`));
    expect(response?.status()).toBe(404);
    await page.locator('[data-testid="portal-not-found"]').waitFor();
    expect(await page.locator('body').innerText()).not.toContain(other.subscriptionNo);

    // The API behind the pages answers the same way, and the lists hold the customer's own records only.
    const consumption = await portal.request.get(webUrl(`/api/portal/subscriptions/${other.id}/consumption`));
    expect(consumption.status()).toBe(404);
    const subscriptions = (await (await portal.request.get(webUrl('/api/portal/subscriptions'))).json()) as { subscriptionNo: string }[];
    expect(subscriptions.map((s) => s.subscriptionNo).sort()).toEqual(ownAll.map((s) => s.subscriptionNo).sort());
    const ownNumbers = new Set(ownAll.map((s) => s.subscriptionNo));
    const alarms = (await (await portal.request.get(webUrl('/api/portal/alarms?status=all'))).json()) as {
      subscriptionNo: string | null;
    }[];
    expect(alarms.filter((a) => a.subscriptionNo !== null && !ownNumbers.has(a.subscriptionNo))).toEqual([]);
    const invoices = (await (await portal.request.get(webUrl('/api/portal/invoices'))).json()) as { subscriptionNo: string }[];
    expect(invoices.filter((i) => !ownNumbers.has(i.subscriptionNo))).toEqual([]);

    await openPage(page, '/portal');
    const shown = await page.locator('[data-testid="portal-subscription-link"]').allInnerTexts();
    expect(shown).toHaveLength(ownAll.length);
    expect(shown.join(' ')).not.toContain(other.subscriptionNo);
  });

  it('keeps the console and portal sessions apart', async () => {
    // A console session opens no portal page and reaches no portal route.
    const consolePage = await signedInPage(browser, ASKI_ADMIN);
    await consolePage.goto(webUrl('/portal'));
    await consolePage.waitForURL((url) => url.pathname === '/portal/login');
    expect((await consolePage.context().request.get(webUrl('/api/portal/me'))).status()).toBe(401);
    await consolePage.context().close();

    // A portal session opens no console page and reaches no console route.
    await page.goto(webUrl('/meters'));
    await page.waitForURL((url) => url.pathname === '/login');
    expect((await portal.request.get(webUrl('/api/auth/me'))).status()).toBe(401);
    expect((await portal.request.get(webUrl('/api/meters'))).status()).toBe(401);
    // The token-minting routes are not reachable through the proxy.
    const minted = await portal.request.post(webUrl('/api/portal/auth/login'), { data: { email, password: PASSWORD } });
    expect(minted.status()).toBe(404);
    // The portal session still works.
    expect((await portal.request.get(webUrl('/api/portal/me'))).status()).toBe(200);
  });

  it('signs the customer out and in again', async () => {
    await openPage(page, '/portal');
    await page.locator('[data-testid="portal-sign-out"]').click();
    await page.waitForURL((url) => url.pathname === '/portal/login');
    expect((await portal.request.get(webUrl('/api/portal/me'))).status()).toBe(401);

    await openPage(page, '/portal/login');
    await page.locator('#portal-login-email').fill(email);
    await page.locator('#portal-login-password').fill('wrong password!');
    await page.locator('[data-testid="portal-login-form"] [data-testid="portal-submit"]').click();
    await page.locator('[data-testid="portal-form-error"]').waitFor();
    await page.locator('#portal-login-password').fill(PASSWORD);
    await page.locator('[data-testid="portal-login-form"] [data-testid="portal-submit"]').click();
    await page.waitForURL((url) => url.pathname === '/portal');
    await page.locator('[data-testid="portal-subscription"]').first().waitFor();
  });
});
