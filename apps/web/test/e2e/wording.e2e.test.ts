import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage } from './support/browser';

const ASKI_ADMIN = 'aski.yetkili@example.com';

/** Issue 21: an edit form confirms its save, and the address picker fills the coordinates from a map click. */
describe('wording and small defects', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('fills the coordinates from the map picker, suggests provinces and districts, and confirms the save', async () => {
    const api = await apiAs(ASKI_ADMIN);
    const list = await api<{ items: { id: string }[] }>('GET', '/api/subscriptions?pageSize=1&sort=subscriptionNo');
    const id = list.body.items[0]!.id;
    const page = await signedInPage(browser, ASKI_ADMIN);
    await openPage(page, `/subscriptions/${id}/edit`);
    await page.locator('[data-testid="subscription-form"]').waitFor();

    // The city suggests Türkiye's 81 provinces; a province's districts once the city names it (any case, loaded on
    // demand): Konya's 31, then Ankara's 25; free text stays allowed.
    expect(await page.locator('#subscription-address-provinces option').count()).toBe(81);
    await page.locator('#subscription-address-city').fill('KONYA');
    await expect.poll(() => page.locator('#subscription-address-districts option').count()).toBe(31);
    await page.locator('#subscription-address-city').fill('Ankara');
    await expect.poll(() => page.locator('#subscription-address-districts option').count()).toBe(25);
    await page.locator('#subscription-address-district').fill('Çankaya');

    await page.locator('[data-testid="coordinate-picker-open"]').click();
    const map = page.locator('[data-testid="coordinate-picker-map"]');
    await map.waitFor();
    await expect.poll(() => map.locator('.leaflet-pane').count()).toBeGreaterThan(0);
    await map.click({ position: { x: 200, y: 120 } });
    await expect.poll(() => page.locator('[data-testid="coordinate-picker-value"]').innerText()).toMatch(/^-?\d+\.\d{6}, -?\d+\.\d{6}$/);
    await page.locator('[data-testid="coordinate-picker-use"]').click();

    const latitude = await page.locator('#subscription-address-latitude').inputValue();
    const longitude = await page.locator('#subscription-address-longitude').inputValue();
    expect(latitude).toMatch(/^-?\d+\.\d{6}$/);
    expect(longitude).toMatch(/^-?\d+\.\d{6}$/);

    await page.locator('[data-testid="form-save"]').click();
    await page.waitForURL(new RegExp(`/subscriptions/${id}$`), { timeout: 30_000 });
    const notice = page.locator('[data-testid="save-notice"]');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('Kaydedildi');

    const saved = await api<{ address: { city: string; district: string; latitude: number; longitude: number } }>(
      'GET',
      `/api/subscriptions/${id}`,
    );
    expect(saved.body.address).toMatchObject({
      city: 'Ankara',
      district: 'Çankaya',
      latitude: Number(latitude),
      longitude: Number(longitude),
    });
  });
});
