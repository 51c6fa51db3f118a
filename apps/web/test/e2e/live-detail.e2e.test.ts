import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, signedInPage, webUrl } from './support/browser';
import { LORAWAN_PROFILES, postTtnUplink } from './support/uplink';

interface DeviceRow {
  id: string;
  profile: { modelCode: string };
  networkId: { key: string; value: string } | null;
  meter: { id: string; serialNo: string } | null;
}

/** A name as someone types it without Turkish letters, in capitals: 'Işık' → 'ISIK', 'Şükrü' → 'SUKRU'. */
const asciiCapitals = (text: string) =>
  text
    .replace(/ı/g, 'i')
    .toLocaleUpperCase('en')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');

/** Issue 21: detail pages follow their readings live; the live table's new columns and Turkish search. */
describe('live detail pages and the live table', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('shows a reading posted for a meter’s device on the meter page without a reload', async () => {
    const api = await apiAs('iot@una.net.tr');
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    const aski = me.body.tenants.find((t) => t.name === 'ASKİ')!.id;
    const integration = await api<{ id: string; secret: string }>('POST', '/api/integrations', {
      tenantId: aski,
      kind: 'TTN',
      name: 'Live detail browser test TTN',
    });
    expect(integration.status).toBe(201);
    const devices = await api<{ items: DeviceRow[] }>('GET', `/api/devices?tenantId=${aski}&status=ACTIVE&attached=true&pageSize=200`);
    // Not the first such device: the dashboard suite posts for that one.
    const device = devices.body.items.filter((d) => LORAWAN_PROFILES[d.profile.modelCode] && d.networkId && d.meter).at(-1);
    expect(device, 'an active LoRaWAN device on a meter').toBeDefined();
    const meter = await api<{ lastIndexM3: number | null }>('GET', `/api/meters/${device!.meter!.id}`);
    const index = Math.round(((meter.body.lastIndexM3 ?? 0) + 0.137) * 1000) / 1000;

    const page = await signedInPage(browser, 'iot@una.net.tr');
    await page.goto(webUrl(`/meters/${device!.meter!.id}`));
    const card = page.locator('[data-testid="meter-connectivity"]');
    await card.waitFor({ timeout: 30_000 });
    // The page's live connection is up before the reading is posted (the meter page shows no status of its own).
    await page.waitForFunction(
      () =>
        (window as unknown as { useNuxtApp?: () => { $pinia: { state: { value: { live?: { status: string } } } } } }).useNuxtApp?.().$pinia
          .state.value.live?.status === 'connected',
      undefined,
      { timeout: 30_000 },
    );
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const shown = (text: string) => text.includes(index.toFixed(3)) || text.includes(index.toFixed(3).replace('.', ','));
    expect(shown(await card.innerText())).toBe(false);

    const res = await postTtnUplink(integration.body, device!, { indexM3: index, batteryPct: 66, fCnt: 5151, rssi: -77, snr: 8.5 });
    expect(res.status).toBe(202);

    await expect.poll(async () => shown(await card.innerText()), { timeout: 30_000 }).toBe(true);
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
