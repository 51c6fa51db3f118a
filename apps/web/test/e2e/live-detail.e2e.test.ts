import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, signedInPage, webUrl } from './support/browser';
import { postTtnUplink, ttnIntegrationWithDevices } from './support/uplink';

/** A name as someone types it without Turkish letters, in capitals: 'Işık' → 'ISIK', 'Şükrü' → 'SUKRU'. */
const asciiCapitals = (text: string) =>
  text
    .replace(/ı/g, 'i')
    .toLocaleUpperCase('en')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');

/** Whether a page's text shows `index` (m³, three decimals) as either language formats it, with or without grouping. */
const showsIndex = (text: string, index: number) =>
  [
    index.toFixed(3),
    index.toFixed(3).replace('.', ','),
    ...['tr-TR', 'en-GB'].map((locale) =>
      new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(index),
    ),
  ].some((shown) => text.includes(shown));

/** Until the page's live connection is up (detail pages show no status of their own). */
const liveConnected = (page: Page) =>
  page.waitForFunction(
    () =>
      (window as unknown as { useNuxtApp?: () => { $pinia: { state: { value: { live?: { status: string } } } } } }).useNuxtApp?.().$pinia
        .state.value.live?.status === 'connected',
    undefined,
    { timeout: 30_000 },
  );

/** Issue 21: detail pages follow their readings live; the live table's new columns and Turkish search. */
describe('live detail pages and the live table', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('shows a reading posted for a meter’s device on the meter page without a reload', async () => {
    const api = await apiAs('iot@una.net.tr');
    const { integration, devices } = await ttnIntegrationWithDevices(api, 'ASKİ', 'Live detail browser test TTN');
    // Not the first such device: the dashboard suite posts for that one.
    const device = devices.at(-1)!;
    const meter = await api<{ lastIndexM3: number | null }>('GET', `/api/meters/${device.meter.id}`);
    const index = Math.round(((meter.body.lastIndexM3 ?? 0) + 0.137) * 1000) / 1000;

    const page = await signedInPage(browser, 'iot@una.net.tr');
    await page.goto(webUrl(`/meters/${device.meter.id}`));
    const card = page.locator('[data-testid="meter-connectivity"]');
    await card.waitFor({ timeout: 30_000 });
    await liveConnected(page);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    expect(showsIndex(await card.innerText(), index)).toBe(false);

    const res = await postTtnUplink(integration, device, { indexM3: index, batteryPct: 66, fCnt: 5151, rssi: -77, snr: 8.5 });
    expect(res.status).toBe(202);

    await expect.poll(async () => showsIndex(await card.innerText(), index), { timeout: 30_000 }).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.context().close();
  });

  it('shows a reading posted for a subscription’s meter on the subscription page without a reload', async () => {
    const api = await apiAs('iot@una.net.tr');
    const { integration, devices } = await ttnIntegrationWithDevices(api, 'ASKİ', 'Live subscription browser test TTN');
    // Neither the first nor the last such device: the dashboard test and the meter page test post for those.
    const device = devices.at(-2)!;
    const meter = await api<{ lastIndexM3: number | null; subscription: { id: string } | null }>('GET', `/api/meters/${device.meter.id}`);
    expect(meter.body.subscription, 'the meter is on a subscription').not.toBeNull();
    const index = Math.round(((meter.body.lastIndexM3 ?? 0) + 0.219) * 1000) / 1000;
    // A battery level the device does not show yet, so the device card's change is this reading's.
    const before = await api<{ batteryPct: number | null }>('GET', `/api/devices/${device.id}`);
    const battery = before.body.batteryPct === 71 ? 72 : 71;

    const page = await signedInPage(browser, 'iot@una.net.tr');
    await page.goto(webUrl(`/subscriptions/${meter.body.subscription!.id}`));
    const card = page.locator('[data-testid="subscription-meter"]');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.innerText()).toContain(device.meter.serialNo);
    await liveConnected(page);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    expect(showsIndex(await card.innerText(), index)).toBe(false);

    const res = await postTtnUplink(integration, device, { indexM3: index, batteryPct: battery, fCnt: 6161, rssi: -79, snr: 6.5 });
    expect(res.status).toBe(202);

    // The meter card's last index follows the reading, and the device card its battery, in the same document.
    await expect.poll(async () => showsIndex(await card.innerText(), index), { timeout: 30_000 }).toBe(true);
    await expect
      .poll(() => page.locator('[data-testid="subscription-device"]').innerText(), { timeout: 10_000 })
      .toMatch(new RegExp(`%\\s?${battery}\\b|\\b${battery}\\s?%`));
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.context().close();
  });

  it('shows index, consumption, battery, signal and alarms, and finds a customer typed without Turkish letters', async () => {
    const api = await apiAs('iot@una.net.tr');
    const live = await api<{ items: { customer: { displayName: string } | null; meter: { serialNo: string } | null }[] }>(
      'GET',
      '/api/readings/live?pageSize=200',
    );
    const target = live.body.items.find((r) => r.customer && r.meter && /[ışğüöçİŞĞÜÖÇ]/.test(r.customer.displayName.split(' ').at(-1)!));
    expect(target, 'a recent reading of a customer whose surname has Turkish letters').toBeDefined();
    const surname = target!.customer!.displayName.split(' ').at(-1)!;
    const typed = asciiCapitals(surname);
    expect(typed).not.toBe(surname);

    const page = await signedInPage(browser, 'iot@una.net.tr');
    await page.goto(webUrl('/readings'));
    const table = page.locator('[data-testid="readings-table"]');
    await table.locator('[data-testid="reading-row"]').first().waitFor({ timeout: 30_000 });
    expect(await table.locator('thead th').count()).toBe(12);
    const first = table.locator('[data-testid="reading-row"]').first();
    expect(await first.locator('[data-testid="reading-index"]').innerText()).toMatch(/^\d[\d.,]*[.,]\d{3}$/);
    for (const cell of ['reading-consumption', 'reading-battery', 'reading-signal', 'reading-alarms'])
      await expect.poll(() => first.locator(`[data-testid="${cell}"]`).count(), { timeout: 5_000 }).toBe(1);

    await page.locator('[data-testid="readings-search"] input').fill(typed);
    await page.waitForURL((url) => url.searchParams.get('q') === typed, { timeout: 15_000 });
    const row = table.locator(`[data-testid="reading-row"][data-meter="${target!.meter!.serialNo}"]`);
    await row.first().waitFor({ timeout: 30_000 });
    // Every row left is that customer's surname, however it is written.
    const customers = await table.locator('[data-testid="reading-row"] td:nth-child(3)').allInnerTexts();
    expect(customers.length).toBeGreaterThan(0);
    for (const text of customers) expect(asciiCapitals(text)).toContain(typed);
    await page.context().close();
  });
});
