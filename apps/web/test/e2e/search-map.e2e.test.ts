import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage } from './support/browser';

/** Issue 21: Turkish search on the lists, and the dashboard map's re-fit, search and area filter. */

interface Marker {
  subscriptionId: string;
  subscriptionNo: string;
  lat: number;
  lng: number;
}
interface Areas {
  districts: { district: string; subscriptions: number; neighborhoods: { neighborhood: string; subscriptions: number }[] }[];
}

const ROOT = 'iot@una.net.tr';

/** The record links of the list's rows (`/subscriptions/<id>` or `/customers/<id>`), in order. */
async function listedIds(page: Page, area: 'subscriptions' | 'customers'): Promise<string[]> {
  return await page
    .locator(`tbody a[href^="/${area}/"]`)
    .evaluateAll((links) => [...new Set(links.map((a) => a.getAttribute('href')!).filter((h) => !h.endsWith('/new')))]);
}

/** Opens the list searched for `term` (the search box's URL state; the server renders the answer). */
async function searchList(page: Page, area: 'subscriptions' | 'customers', term: string): Promise<string[]> {
  await openPage(page, `/${area}?q=${encodeURIComponent(term)}`);
  await expect(page.locator('input[type="search"]').first().inputValue()).resolves.toBe(term);
  await page.locator('tbody tr').first().waitFor();
  return await listedIds(page, area);
}

/** The map's bounds from its element (minLng,minLat,maxLng,maxLat), and the tenant it last framed. */
async function mapView(page: Page) {
  const map = page.locator('[data-testid="subscription-map"]');
  const [bounds, tenant] = await Promise.all([map.getAttribute('data-bounds'), map.getAttribute('data-tenant')]);
  const [minLng, minLat, maxLng, maxLat] = (bounds ?? '').split(',').map(Number);
  return {
    tenant,
    contains: (m: { lat: number; lng: number }) => m.lng >= minLng! && m.lng <= maxLng! && m.lat >= minLat! && m.lat <= maxLat!,
  };
}

/** Markers the map draws in view: single markers plus the counts of the clusters. */
async function drawnMarkers(page: Page): Promise<number> {
  const map = page.locator('[data-testid="subscription-map"]');
  const single = await map.locator('[data-testid="map-marker"]').count();
  const clustered = await map
    .locator('[data-testid="map-cluster"]')
    .evaluateAll((els) => els.reduce((sum, el) => sum + Number((el.textContent ?? '').replace(/\D/g, '')), 0));
  return single + clustered;
}

describe('Turkish search and the dashboard map', () => {
  let browser: Browser;
  let api: Awaited<ReturnType<typeof apiAs>>;
  let tenants: Record<string, string>;

  beforeAll(async () => {
    browser = await launch();
    api = await apiAs(ROOT);
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    tenants = Object.fromEntries(me.body.tenants.map((t) => [t.name, t.id]));
  });
  afterAll(async () => browser?.close());

  it('finds the same rows on Subscriptions and Customers whatever the Turkish case or accents', async () => {
    const page = await signedInPage(browser, ROOT);
    const groups = [
      ['YILMAZ', 'Yılmaz'],
      ['IŞIK', 'ışık', 'Işık'],
      ['huseyin', 'Hüseyin'],
    ];
    for (const area of ['subscriptions', 'customers'] as const) {
      for (const terms of groups) {
        const [first, ...others] = terms;
        const expected = await searchList(page, area, first!);
        expect(expected.length, `${area}: "${first}" finds the seed's rows`).toBeGreaterThan(0);
        for (const term of others) expect(await searchList(page, area, term), `${area}: "${term}" as "${first}"`).toEqual(expected);
      }
      // "huseyin" finds "Hüseyin": every row found names a Hüseyin (customer or contact of the row).
      await searchList(page, area, 'huseyin');
      await expect.poll(() => page.locator('tbody').innerText()).toMatch(/Hüseyin/);
    }
    await page.context().close();
  });

  it('frames the new tenant’s markers after switching from the root to HATSU', async () => {
    const hatsu = tenants.HATSU!;
    const aski = tenants['ASKİ']!;
    const markersOf = async (tenantId: string) =>
      (await api<{ markers: Marker[] }>('GET', `/api/dashboard/map?tenantId=${tenantId}`)).body.markers;
    const [hatsuMarkers, askiMarkers] = await Promise.all([markersOf(hatsu), markersOf(aski)]);
    expect(hatsuMarkers.length).toBeGreaterThan(0);

    const page = await signedInPage(browser, ROOT);
    await openPage(page, '/');
    const map = page.locator('[data-testid="subscription-map"]');
    await map.locator('.leaflet-marker-icon').first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await mapView(page)).tenant, { timeout: 15_000 }).not.toBeNull();
    expect((await mapView(page)).tenant).not.toBe(hatsu);

    await page.locator('[data-testid="tenant-switcher"]').click();
    await page.getByRole('menuitemradio', { name: 'HATSU' }).click();
    await expect.poll(async () => (await mapView(page)).tenant, { timeout: 30_000 }).toBe(hatsu);
    // Leaflet's fit animation settles, then every HATSU marker is in view and ASKİ's (Ankara) are not.
    await expect
      .poll(
        async () => {
          const view = await mapView(page);
          return hatsuMarkers.every(view.contains) && !askiMarkers.some(view.contains);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    await page.context().close();
  });

  it('jumps to a subscription found by the map search and opens its popup, from the keyboard', async () => {
    const aski = tenants['ASKİ']!;
    const markers = (await api<{ markers: Marker[] }>('GET', `/api/dashboard/map?tenantId=${aski}`)).body.markers;
    const target = markers[Math.floor(markers.length / 2)]!;

    const page = await signedInPage(browser, ROOT);
    await openPage(page, '/');
    await page.locator('[data-testid="tenant-switcher"]').click();
    await page.getByRole('menuitemradio', { name: 'ASKİ' }).click();
    await expect.poll(async () => (await mapView(page)).tenant, { timeout: 30_000 }).toBe(aski);

    const box = page.locator('[data-testid="map-search-input"]');
    await box.focus();
    await page.keyboard.type(target.subscriptionNo.toLowerCase());
    const option = page.locator(`[data-testid="map-search-results"] [role="option"][data-subscription="${target.subscriptionNo}"]`);
    await option.waitFor({ timeout: 15_000 });
    // Arrow keys move the highlighted option; Enter jumps to it.
    const options = page.locator('[data-testid="map-search-results"] [role="option"]');
    const index = (await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-subscription')))).indexOf(target.subscriptionNo);
    for (let i = 0; i < index; i++) await box.press('ArrowDown');
    await expect(option.getAttribute('aria-selected')).resolves.toBe('true');
    await box.press('Enter');

    const popup = page.locator(`[data-testid="map-popup"][data-subscription="${target.subscriptionNo}"]`);
    await popup.waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await mapView(page)).contains(target)).toBe(true);
    expect(Number(await page.locator('[data-testid="subscription-map"]').getAttribute('data-zoom'))).toBeGreaterThanOrEqual(16);
    await page.context().close();
  });

  it('narrows the markers and the counts to a district and a neighbourhood', async () => {
    const aski = tenants['ASKİ']!;
    const areas = (await api<Areas>('GET', `/api/dashboard/map/areas?tenantId=${aski}`)).body.districts;
    const total = areas.reduce((sum, d) => sum + d.subscriptions, 0);
    const district = [...areas].sort((a, b) => a.subscriptions - b.subscriptions).find((d) => d.neighborhoods.length > 1)!;
    expect(district.subscriptions).toBeLessThan(total);
    const neighborhood = district.neighborhoods[0]!;

    const page = await signedInPage(browser, ROOT);
    await openPage(page, '/');
    await page.locator('[data-testid="tenant-switcher"]').click();
    await page.getByRole('menuitemradio', { name: 'ASKİ' }).click();
    await expect.poll(async () => (await mapView(page)).tenant, { timeout: 30_000 }).toBe(aski);

    const shown = page.locator('[data-testid="map-shown"]');
    const legendTotal = () =>
      page
        .locator('[data-testid="map-legend"] button')
        .evaluateAll((els) => els.reduce((sum, el) => sum + Number(el.getAttribute('data-count')), 0));
    await expect.poll(() => shown.getAttribute('data-count')).toBe(String(total));

    await page.locator('select[data-testid="map-district"]').selectOption(district.district);
    await expect.poll(() => shown.getAttribute('data-count')).toBe(String(district.subscriptions));
    expect(await legendTotal()).toBe(district.subscriptions);
    await expect(shown.innerText()).resolves.toContain(district.district);
    // The map frames the district: every marker it draws is one of the district's.
    await expect.poll(() => drawnMarkers(page), { timeout: 10_000 }).toBe(district.subscriptions);

    await page.locator('select[data-testid="map-neighborhood"]').selectOption(neighborhood.neighborhood);
    await expect.poll(() => shown.getAttribute('data-count')).toBe(String(neighborhood.subscriptions));
    expect(await legendTotal()).toBe(neighborhood.subscriptions);
    await expect.poll(() => drawnMarkers(page), { timeout: 10_000 }).toBe(neighborhood.subscriptions);

    await page.locator('select[data-testid="map-district"]').selectOption('');
    await expect.poll(() => shown.getAttribute('data-count')).toBe(String(total));
    await page.context().close();
  });
});
