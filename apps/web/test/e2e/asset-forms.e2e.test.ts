import type { Browser, Locator, Page } from 'playwright-core';
import { isValidTaxId } from '@water/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, signIn, webUrl } from './support/browser';

const ASKI_ADMIN = 'aski.yetkili@example.com';

/** A tax number (VKN) with valid check digit that no seeded customer has. */
function freshTaxId(): string {
  for (;;) {
    const candidate = String(Math.floor(1e9 + Math.random() * 9e9));
    if (isValidTaxId(candidate)) return candidate;
  }
}

/** A 16-hex-digit EUI unique to this run. */
const freshEui = () => `E2E${Date.now().toString(16).toUpperCase().padStart(13, '0')}`.slice(0, 16);

/** Opens a reka-ui select by its trigger and picks the option whose text matches. */
async function choose(page: Page, trigger: Locator, option: RegExp): Promise<string> {
  await trigger.click();
  const item = page.getByRole('option', { name: option }).first();
  await item.waitFor();
  const text = (await item.innerText()).trim();
  await item.click();
  return text;
}

/** The error shown with a form control (FormField renders it inside the control's field group). */
const fieldError = (page: Page, control: string) => page.locator('[data-slot="field"]', { has: page.locator(control) }).locator('[data-slot="field-error"]');

describe('asset forms', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, email);
    return page;
  }

  it('creates a subscription with an inline organizational customer, refusing a bad tax number first', async () => {
    const api = await apiAs(ASKI_ADMIN);
    const page = await signedIn(ASKI_ADMIN);
    await page.goto(webUrl('/subscriptions/new'));
    const form = page.locator('[data-testid="subscription-form"]');
    await form.waitFor();

    const subscriptionNo = `E2E-ORG-${Date.now()}`;
    const organization = `Deneme Gıda A.Ş. ${Date.now()}`;
    await page.locator('#subscription-no').fill(subscriptionNo);
    await choose(page, page.locator('[data-testid="subscription-type"]'), /Kurumsal|Organizational/);
    await page.locator('#subscription-address-city').fill('Ankara');
    await page.locator('#subscription-address-district').fill('Çankaya');
    await page.locator('#subscription-address-street').fill('Atatürk Bulvarı');
    await page.locator('#subscription-address-buildingNo').fill('12');
    await page.locator('#subscription-address-latitude').fill('39.9208');
    await page.locator('#subscription-address-longitude').fill('32.8541');

    await page.locator('label[for="subscription-customer-new"]').click();
    const fields = page.locator('[data-testid="customer-fields"]');
    await expect.poll(() => fields.getAttribute('data-type')).toBe('ORGANIZATIONAL');
    await page.locator('#subscription-customer-organizationName').fill(organization);
    await page.locator('#subscription-customer-taxOffice').fill('Çankaya');
    await page.locator('#subscription-customer-contact-name').fill('Elif');
    await page.locator('#subscription-customer-contact-surname').fill('Demir');

    // Bad input: a tax number whose check digit is wrong is refused next to its field, and nothing is created.
    const good = freshTaxId();
    const bad = `${good.slice(0, 9)}${(Number(good[9]) + 1) % 10}`;
    expect(isValidTaxId(bad)).toBe(false);
    await page.locator('#subscription-customer-taxId').fill(bad);
    await page.locator('#subscription-customer-taxId').blur();
    await page.locator('[data-testid="form-save"]').click();
    await expect.poll(() => fieldError(page, '#subscription-customer-taxId').count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/subscriptions/new');
    const none = await api<{ total: number }>('GET', `/api/subscriptions?search=${encodeURIComponent(subscriptionNo)}`);
    expect(none.body.total).toBe(0);

    await page.locator('#subscription-customer-taxId').fill(good);
    await expect.poll(() => fieldError(page, '#subscription-customer-taxId').count()).toBe(0);
    await page.locator('[data-testid="form-save"]').click();
    await page.waitForURL(/\/subscriptions\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await page.getByText(organization).first().waitFor();

    const id = new URL(page.url()).pathname.split('/').pop()!;
    const saved = await api<{ subscriptionNo: string; type: string; customer: { id: string; type: string; displayName: string; taxId: string } }>('GET', `/api/subscriptions/${id}`);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ subscriptionNo, type: 'ORGANIZATIONAL', customer: { type: 'ORGANIZATIONAL', displayName: organization, taxId: good } });
    const customer = await api<{ organizationName: string; contactName?: string }>('GET', `/api/customers/${saved.body.customer.id}`);
    expect(customer.status).toBe(200);
    expect(customer.body.organizationName).toBe(organization);
    await page.context().close();
  });

  it('creates a meter with a new LoRaWAN device, validating its identifier fields as they are typed', async () => {
    const api = await apiAs(ASKI_ADMIN);
    const page = await signedIn(ASKI_ADMIN);
    await page.goto(webUrl('/meters/new'));
    await page.locator('[data-testid="meter-form"]').waitFor();

    const serialNo = `E2E-M-${Date.now()}`;
    await choose(page, page.locator('[data-testid="meter-profile-select"]'), /./);
    await page.locator('#meter-serial').fill(serialNo);
    await page.locator('#meter-initial-index').fill('12.5');

    await page.locator('label:has(#meter-device-mode-new)').click();
    await page.locator('#meter-new-device-serialNo').fill(`E2E-D-${Date.now()}`);
    const profile = await choose(page, page.locator('[data-testid="device-profile-select"]'), /LRW|LoRaWAN|LR10|LW-U1/);
    expect(profile).toMatch(/LRW|LoRaWAN|LR10|LW-U1/);

    // The profile's communication technology brings its identifier fields.
    const devEui = page.locator('[data-testid="identifier-DevEUI"]');
    await devEui.waitFor();
    await expect.poll(() => page.locator('[data-testid^="identifier-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(
      expect.arrayContaining(['identifier-DevEUI', 'identifier-JoinEUI', 'identifier-AppKey']),
    );

    // Not 16 hex digits: the field says so inline and the meter is not saved.
    await devEui.fill('XYZ');
    await devEui.blur();
    await expect.poll(() => fieldError(page, '[data-testid="identifier-DevEUI"]').count()).toBe(1);
    await page.locator('[data-testid="form-save"]').click();
    expect(new URL(page.url()).pathname).toBe('/meters/new');
    expect((await api<{ total: number }>('GET', `/api/meters?search=${encodeURIComponent(serialNo)}`)).body.total).toBe(0);

    const eui = freshEui();
    await devEui.fill(eui);
    await page.locator('[data-testid="identifier-JoinEUI"]').fill('70B3D57ED0000001');
    await page.locator('[data-testid="identifier-AppKey"]').fill('00112233445566778899AABBCCDDEEFF');
    await expect.poll(() => fieldError(page, '[data-testid="identifier-DevEUI"]').count()).toBe(0);
    await page.locator('[data-testid="form-save"]').click();
    await page.waitForURL(/\/meters\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await page.getByText(serialNo).first().waitFor();

    const meterId = new URL(page.url()).pathname.split('/').pop()!;
    const meter = await api<{ serialNo: string; device: { id: string } | null }>('GET', `/api/meters/${meterId}`);
    expect(meter.body.serialNo).toBe(serialNo);
    expect(meter.body.device).not.toBeNull();
    const device = await api<{ identifiers: Record<string, { value: string | null }> }>('GET', `/api/devices/${meter.body.device!.id}`);
    expect(device.body.identifiers.DevEUI?.value?.toUpperCase()).toBe(eui);
    await page.context().close();
  });
});
