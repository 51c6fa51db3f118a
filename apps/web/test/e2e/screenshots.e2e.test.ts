import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { apiAs, launch, openPage, signIn } from './support/browser';

/**
 * The pictures in docs/screenshots, taken from the built console on the seeded stack:
 *   cd apps/web && E2E_SCREENSHOTS=1 npx vitest run --config vitest.e2e.config.ts test/e2e/screenshots.e2e.test.ts
 * It is a generator, not a check, so ordinary runs skip it (the pictures of dialogs and error states are written
 * by the suites that reach them: operations.e2e and meter-data.e2e with the same variable).
 */
const SHOTS = process.env.E2E_SCREENSHOTS === '1' ? resolve(__dirname, '../../../../docs/screenshots') : null;
const ROOT_USER = 'iot@una.net.tr';

/** A paged list answers { items }, the tenant tree an array of roots. */
type Listed = { items: { id: string }[] } | { id: string }[];

describe.runIf(SHOTS)('docs/screenshots', () => {
  let browser: Browser;
  let page: Page;
  let first: (path: string) => Promise<string>;

  beforeAll(async () => {
    mkdirSync(SHOTS!, { recursive: true });
    browser = await launch();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(page, ROOT_USER);
    const api = await apiAs(ROOT_USER);
    first = async (path) => {
      const res = await api<Listed>('GET', path);
      const id = (Array.isArray(res.body) ? res.body : res.body.items)[0]?.id;
      if (!id) throw new Error(`${path}: nothing listed (${res.status})`);
      return id;
    };
  });
  afterAll(async () => browser?.close());

  /** Opens a page, lets its data and Leaflet settle, and writes the picture. */
  async function shoot(path: string, name: string, ready?: string): Promise<void> {
    await openPage(page, path);
    if (ready) await page.locator(ready).first().waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${SHOTS}/${name}.png` });
  }

  it('the console lists and records, at 1440 px', { timeout: 300_000 }, async () => {
    await shoot('/', 'dashboard', '[data-testid="subscription-map"] .leaflet-marker-icon');
    await shoot('/readings', 'live-readings', 'tbody tr');
    await shoot('/alarms', 'alarms', 'main h1');
    await shoot(`/alarms/${await first('/api/alarms?state=active&pageSize=1')}`, 'alarm-detail', 'main h1');
    for (const area of ['customers', 'subscriptions', 'meters', 'devices', 'tenants', 'users'] as const) {
      await shoot(`/${area}`, area, 'main h1');
      const id = await first(area === 'tenants' ? '/api/tenants' : `/api/${area}?pageSize=1`);
      const one = area.slice(0, -1);
      await shoot(`/${area}/${id}`, `${one}-detail`, 'main h1');
      await shoot(`/${area}/${id}/edit`, `${one}-edit`, 'main form');
    }
    for (const area of ['customers', 'subscriptions', 'meters', 'devices', 'users'] as const)
      await shoot(`/${area}/new`, `${area.slice(0, -1)}-new`, 'main form');
    await shoot('/definitions', 'definitions', 'main h1');
    await shoot('/profiles', 'profiles', 'main h1');
    await shoot('/integrations', 'integrations', 'main h1');
    await shoot('/audit-log', 'audit-log', 'main h1');
    await shoot('/data-quality', 'data-quality', 'main h1');
    await shoot('/notifications/log', 'notifications-log', 'main h1');
    await shoot('/billing/invoices', 'billing-invoices', 'main h1');
    await shoot('/account', 'account', 'main h1');
  });

  it('the dashboard and live readings on a phone (390 px)', { timeout: 120_000 }, async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot('/', 'dashboard-mobile', '[data-testid="subscription-map"]');
    await shoot('/readings', 'live-readings-mobile', 'main h1');
    await page.setViewportSize({ width: 1440, height: 1000 });
  });
});
