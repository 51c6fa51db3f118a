import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage, webUrl } from './support/browser';

const ROOT_ADMIN = 'iot@una.net.tr';
const ASKI_ADMIN = 'aski.yetkili@example.com';

/**
 * Issue 21: subscription group names in Turkish and English (definitions dialog, the name shown in the page's
 * language), a create/edit dialog confirms its save, and the live readings' brand filter lists only the brands
 * of the meters the user sees there; a device's identifier labels (DevEUI, "Cihaz kimliği" / "Device ID") likewise.
 */
describe('definitions in two languages', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('creates a group with both names in a dialog, confirms the save, and finds it by either name', async () => {
    const api = await apiAs(ROOT_ADMIN);
    const code = `E2E_${Date.now().toString(36).toUpperCase()}`;
    const page = await signedInPage(browser, ROOT_ADMIN);
    await openPage(page, '/definitions?tab=subscriptionGroups');
    await page.locator('[data-testid="data-table-create"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Kod').fill(code);
    await dialog.getByLabel('Ad (Türkçe)').fill('Kamu Binaları');
    await dialog.getByLabel('Ad (İngilizce)').fill('Public Buildings');
    await dialog.getByLabel('Günlük eşik (m³)').fill('20');
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
    const notice = page.locator('[data-testid="save-notice"]');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('Kaydedildi');

    const row = page.locator('tr', { hasText: code });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Kamu Binaları[\s\S]*Public Buildings/);
    const search = page.locator('input[type="search"]');
    await search.fill('public build');
    await search.press('Enter');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').innerText()).toContain(code);

    const groups = await api<{ items: { id: string; code: string; name: string; nameEn: string | null }[] }>(
      'GET',
      `/api/definitions/subscription-groups?search=${code}`,
    );
    expect(groups.body.items).toEqual([expect.objectContaining({ code, name: 'Kamu Binaları', nameEn: 'Public Buildings' })]);
    expect((await api('DELETE', `/api/definitions/subscription-groups/${groups.body.items[0]!.id}`)).status).toBe(204);
  });

  it("shows a subscription's group in the page's language", async () => {
    const api = await apiAs(ASKI_ADMIN);
    const groups = await api<{ items: { id: string; code: string }[] }>('GET', '/api/definitions/subscription-groups');
    const high = groups.body.items.find((g) => g.code === 'HIGH')!;
    const list = await api<{ items: { id: string }[] }>('GET', `/api/subscriptions?groupId=${high.id}&pageSize=1`);
    const id = list.body.items[0]!.id;

    const page = await signedInPage(browser, ASKI_ADMIN);
    await openPage(page, `/subscriptions/${id}`);
    await expect.poll(() => page.locator('main').innerText()).toContain('Yüksek Tüketim');

    const context: BrowserContext = page.context();
    await context.addCookies([{ name: 'water_locale', value: 'en', url: webUrl('/') }]);
    await openPage(page, `/subscriptions/${id}`);
    const text = await page.locator('main').innerText();
    expect(text).toContain('High Consumption');
    expect(text).not.toContain('Yüksek Tüketim');
  });

  it("labels a device's identifiers in the page's language", async () => {
    const api = await apiAs(ROOT_ADMIN);
    const devices = await api<{ items: { id: string; networkId: { key: string } | null }[] }>('GET', '/api/devices?pageSize=200');
    const sigfox = devices.body.items.find((d) => d.networkId?.key === 'ID');
    expect(sigfox, 'a Sigfox device (HATSU) in the seed').toBeDefined();

    const page = await signedInPage(browser, ROOT_ADMIN);
    await openPage(page, `/devices/${sigfox!.id}`);
    const card = page.locator('[data-testid="device-identifiers"]');
    await expect.poll(() => card.innerText()).toContain('Cihaz kimliği');
    expect(await card.innerText()).not.toContain('Device ID');

    await page.context().addCookies([{ name: 'water_locale', value: 'en', url: webUrl('/') }]);
    await openPage(page, `/devices/${sigfox!.id}`);
    await expect.poll(() => card.innerText()).toContain('Device ID');
    expect(await card.innerText()).not.toContain('Cihaz kimliği');
  });

  it("says the API's refusals in the page's language: a taken code, a brand in use", async () => {
    const page = await signedInPage(browser, ROOT_ADMIN);
    await openPage(page, '/definitions?tab=ipRatings');
    await page.locator('[data-testid="data-table-create"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Kod').fill('IP68');
    await dialog.locator('button[type="submit"]').click();
    await expect.poll(() => dialog.innerText()).toContain('Bu değer zaten kayıtlı.');
    expect(await dialog.innerText()).not.toContain('already exists');
    await page.keyboard.press('Escape');

    await openPage(page, '/definitions?tab=meterBrands');
    await page.getByRole('button', { name: 'Baylan kaydını sil' }).click();
    const confirm = page.locator('[data-testid="confirm-dialog"]');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Sil' }).click();
    await expect.poll(() => confirm.innerText()).toMatch(/Kullanımda olduğu için yapılamaz: 2 sayaç profili ve \d+ sayaç\./);
    expect(await confirm.innerText()).not.toContain('is used by');
  });

  it("offers in the live readings' brand filter only the brands of the user's meters", async () => {
    const api = await apiAs(ASKI_ADMIN);
    const own = await api<{ items: { name: string }[] }>('GET', '/api/readings/live/brands');
    const catalogue = await api<{ total: number }>('GET', '/api/definitions/meter-brands');
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.length).toBeLessThan(catalogue.body.total);

    const page = await signedInPage(browser, ASKI_ADMIN);
    await openPage(page, '/readings');
    await page.locator('#readings-brand').click();
    const options = page.getByRole('option');
    await options.first().waitFor();
    const offered = (await options.allInnerTexts()).map((text) => text.trim());
    // The first option is "every brand".
    expect(offered.slice(1)).toEqual(own.body.items.map((b) => b.name));
    await page.keyboard.press('Escape');
  });
});
