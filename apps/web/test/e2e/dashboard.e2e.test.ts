import type { Browser, Locator } from 'playwright-core';
import { MAP_STATUSES } from '@water/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, signedInPage, webUrl } from './support/browser';
import { postTtnUplink, ttnIntegrationWithDevices } from './support/uplink';

/** The distinct colours of the markers and clusters on the map. */
async function shownStatuses(map: Locator): Promise<string[]> {
  const statuses = await map
    .locator('[data-testid="map-marker"], [data-testid="map-cluster"]')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status ?? ''));
  return [...new Set(statuses)].sort();
}

describe('dashboard and live readings', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  const signedIn = (email: string) => signedInPage(browser, email);

  it('shows the subscriptions on the map in every colour, with the legend counting them', async () => {
    const page = await signedIn('iot@una.net.tr');
    await page.goto(webUrl('/'));
    const map = page.locator('[data-testid="subscription-map"]');
    await map.locator('.leaflet-marker-icon').first().waitFor({ timeout: 30_000 });
    // Leaflet's own controls in the page's language (Turkish), not its English defaults.
    expect(await map.locator('.leaflet-control-zoom-in').getAttribute('title')).toBe('Yakınlaştır');
    expect(await map.locator('.leaflet-control-zoom-out').getAttribute('title')).toBe('Uzaklaştır');
    expect(await map.innerHTML()).not.toContain('A JavaScript library');

    for (const status of MAP_STATUSES) {
      const legend = page.locator(`[data-testid="map-legend-${status}"]`);
      expect(Number(await legend.getAttribute('data-count')), `${status} markers`).toBeGreaterThan(0);
      // Showing one colour alone: every marker or cluster left on the map has that colour.
      await legend.dblclick();
      await expect.poll(() => shownStatuses(map), { timeout: 10_000 }).toEqual([status]);
      await legend.dblclick();
    }

    // Every colour back; a cluster takes the most urgent colour inside it.
    await expect.poll(() => shownStatuses(map)).toContain('RED');
    await page.context().close();
  });

  it('puts a reading that arrives through an integration at the top of the live table without a reload', async () => {
    const api = await apiAs('iot@una.net.tr');
    const { integration, devices } = await ttnIntegrationWithDevices(api, 'ASKİ', 'Browser test TTN');
    const device = devices[0]!;
    const detail = await api<{ meter: { lastIndexM3: number | null } | null }>('GET', `/api/devices/${device.id}`);
    const index = Math.round(((detail.body.meter?.lastIndexM3 ?? 0) + 0.042) * 1000) / 1000;

    const page = await signedIn('iot@una.net.tr');
    await page.goto(webUrl('/readings'));
    await page.locator('[data-testid="live-status"][data-status="connected"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="reading-row"]').first().waitFor();
    // Keep the pointer off the table: a held table would wait behind the "new readings" button.
    await page.mouse.move(0, 0);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    const res = await postTtnUplink(integration, device, { indexM3: index, batteryPct: 77, fCnt: 4242, rssi: -81, snr: 7.5 });
    expect(res.status).toBe(202);

    const row = page.locator(`[data-testid="reading-row"][data-meter="${device.meter.serialNo}"][data-new]`);
    await row.first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="reading-row"]').first().getAttribute('data-meter')).toBe(device.meter.serialNo);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // The date column reads DD.MM.YYYY HH:mm:ss.
    expect(await row.first().locator('td').nth(1).innerText()).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
    await page.context().close();
  });
});
