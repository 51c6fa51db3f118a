import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPage, signedInPage, webUrl } from './support/browser';

const ROOT_ADMIN = 'iot@una.net.tr';

/** The levels of the page's headings in document order (h1 → 1). */
const headingLevels = (page: Page) =>
  page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((els) => els.map((e) => Number(e.tagName.slice(1))));

/** Issue 21: a compressed first load and the accessibility a keyboard or screen-reader user needs. */
describe('first load and accessibility', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = await signedInPage(browser, ROOT_ADMIN);
  });
  afterAll(async () => browser?.close());

  it('serves the dashboard JavaScript compressed (brotli or gzip)', async () => {
    const scripts: Promise<{ url: string; encoding: string | undefined }>[] = [];
    const onResponse = (response: import('playwright-core').Response) => {
      if (/\/_nuxt\/[^?]+\.js$/.test(new URL(response.url()).pathname))
        scripts.push(response.allHeaders().then((h) => ({ url: response.url(), encoding: h['content-encoding'] })));
    };
    page.on('response', onResponse);
    await openPage(page, '/');
    page.off('response', onResponse);
    const served = await Promise.all(scripts);
    const compressed = served.filter((s) => s.encoding === 'br' || s.encoding === 'gzip');
    expect(compressed.length).toBeGreaterThan(0);
    // The build leaves files under 1 KB as they are (compressing them gains nothing): only those go out plain.
    for (const s of served.filter((x) => !compressed.includes(x))) {
      expect(s.encoding, s.url).toBeUndefined();
      expect((await (await fetch(s.url)).arrayBuffer()).byteLength, s.url).toBeLessThan(1024);
    }

    // A client that accepts no compression still gets the plain file (and one that takes gzip only, gzip).
    const url = compressed[0]!.url;
    const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-encoding')).toBeNull();
    const gzip = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect((await gzip.text()).length).toBe((await plain.text()).length);
  });

  it('offers a skip link as the first Tab stop that moves focus to the main content', async () => {
    await openPage(page, '/');
    const skip = page.locator('[data-testid="skip-link"]');
    // Hidden until focused, so it never covers the console for mouse users.
    expect(await skip.evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(1);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('skip-link');
    await expect.poll(() => skip.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(50);
    expect((await skip.innerText()).trim()).toBe('Ana içeriğe geç');

    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
    // The next Tab lands inside the page, past the sidebar and the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('#main-content'))).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('names the header buttons with the text they show', async () => {
    await openPage(page, '/');
    const language = page.locator('[data-testid="language-switch"]');
    expect((await language.locator('span:not(.sr-only)').innerText()).trim()).toBe('TR');
    await page.getByRole('button', { name: 'Dil: TR' }).waitFor();
    const tenant = (await page.locator('[data-testid="tenant-switcher"] span.truncate').innerText()).trim();
    await page.getByRole('button', { name: `Kurum değiştir: ${tenant}` }).waitFor();
  });

  it('draws a solid 3px focus ring on buttons reached by keyboard', async () => {
    await openPage(page, '/');
    await page.locator('[data-testid="language-switch"]').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const shadow = () => page.evaluate(() => getComputedStyle(document.activeElement!).boxShadow);
    // The ring is a 0 0 0 3px shadow in the ring colour, fully opaque (no alpha): polled, since buttons animate it in.
    await expect.poll(shadow).toMatch(/(oklab|oklch|rgb)\([^/)]*\) 0px 0px 0px 3px/);
  });

  it.each(['/', '/readings', '/meters/new'])('keeps heading levels in order on %s', async (path) => {
    await openPage(page, path);
    await page.locator('h1').first().waitFor();
    const levels = await headingLevels(page);
    expect(levels[0]).toBe(1);
    levels.forEach((level, i) => {
      if (i > 0) expect(level, `heading ${i + 1} of ${levels.join(',')}`).toBeLessThanOrEqual(levels[i - 1]! + 1);
    });
  });

  it('selects the next radio of a group with the arrow keys', async () => {
    await openPage(page, '/meters/new');
    const group = page.locator('[data-testid="device-mode"]');
    const checked = () => group.locator('[role="radio"][aria-checked="true"]').getAttribute('value');
    const first = await checked();
    await group.locator('[role="radio"][aria-checked="true"]').focus();
    // Held as a person holds a key: reka-ui checks the radio that gets focus while an arrow key is down.
    await page.keyboard.down('ArrowRight');
    await expect.poll(checked).not.toBe(first);
    await page.keyboard.up('ArrowRight');
    await page.keyboard.down('ArrowLeft');
    await expect.poll(checked).toBe(first);
    await page.keyboard.up('ArrowLeft');
  });

  it('opens the console signed out on the login page with the same skip link', async () => {
    const context = await browser.newContext();
    const anonymous = await context.newPage();
    await anonymous.goto(webUrl('/login'));
    await anonymous.keyboard.press('Tab');
    expect(await anonymous.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('skip-link');
    await context.close();
  });

  // Issue 21's layout defects, re-checked where they were seen: icons, wide tables, the map's data request.
  for (const width of [1280, 1440]) {
    it(`keeps the dashboard's card icons square at ${width} px`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await openPage(page, '/');
      const icons = page.locator('[data-testid^="summary-"] [data-slot="card-header"] svg');
      expect(await icons.count()).toBe(5);
      for (const box of await icons.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect)))
        expect({ width: Math.round(box.width), height: Math.round(box.height) }).toEqual({ width: 16, height: 16 });
      await page.setViewportSize({ width: 1440, height: 1000 });
    });
  }

  it('scrolls the subscriptions table inside its card at 1280 px, with a shadow on the side that has more columns', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await openPage(page, '/subscriptions');
    // The table's test id sits on its scrolling container (UiTable's root).
    const container = page.locator('[data-testid="subscriptions-table"]');
    const table = container.locator('table');
    await table.locator('tbody tr').first().waitFor();
    expect(await container.getAttribute('data-slot')).toBe('table-container');
    const frame = () =>
      container.evaluate((el) => {
        const card = el.parentElement!.getBoundingClientRect();
        const own = el.getBoundingClientRect();
        return {
          scrollWidth: el.scrollWidth,
          clientWidth: el.clientWidth,
          scrollLeft: el.scrollLeft,
          inside: own.right <= card.right + 0.5,
        };
      });
    const before = await frame();
    // Wider than the card: the container scrolls and stays inside the card (no cut column, no page scroll).
    expect(before.scrollWidth).toBeGreaterThan(before.clientWidth);
    expect(before.inside).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // The cue: a shadow on the right while columns are hidden there; scrolled to the end, the last column shows.
    const shadow = await container.evaluate((el) => getComputedStyle(el).backgroundImage);
    expect(shadow).toContain('radial-gradient');
    await container.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    const after = await frame();
    expect(after.scrollLeft).toBeGreaterThan(0);
    const last = await table
      .locator('thead th')
      .last()
      .evaluate((el) => el.getBoundingClientRect().right);
    expect(last).toBeLessThanOrEqual((await container.evaluate((el) => el.getBoundingClientRect().right)) + 0.5);
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it("asks for the dashboard's map data with the page's HTML, once", async () => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    const requests: string[] = [];
    const onRequest = (request: import('playwright-core').Request) => {
      // The whole map's request; a live reading's marker refresh asks again with a bbox.
      const url = new URL(request.url());
      if (url.pathname === '/api/dashboard/map' && !url.searchParams.has('bbox')) requests.push(request.url());
    };
    page.on('request', onRequest);
    await openPage(page, '/');
    await page.locator('[data-testid="subscription-map"] .leaflet-marker-icon').first().waitFor({ timeout: 30_000 });
    page.off('request', onRequest);
    // The server writes a preload of the selected tenant's map data into the head, so the browser starts it while it
    // parses the HTML instead of after hydration; the map's own request is answered by that preload.
    const preload = await page
      .locator('link[rel="preload"][as="fetch"][href^="/api/dashboard/map"]')
      .evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
    expect(preload).toHaveLength(1);
    expect(requests).toEqual([preload[0]]);
    const entries = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname === '/api/dashboard/map' && !new URL(e.name).searchParams.has('bbox'))
        .map((e) => (e as PerformanceResourceTiming).initiatorType),
    );
    expect(entries).toEqual(['link']);
  });
});
