import type { Browser, Locator, Page } from 'playwright-core';
import { isValidTaxId } from '@water/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage } from './support/browser';

const ASKI_ADMIN = 'aski.yetkili@example.com';
const ROOT_ADMIN = 'iot@una.net.tr';

/** A random tax number (VKN) with a valid check digit: ten random digits make a clash with another customer unlikely. */
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
const fieldError = (page: Page, control: string) =>
  page.locator('[data-slot="field"]', { has: page.locator(control) }).locator('[data-slot="field-error"]');

/** The POST requests the page sends to an API path from now on. */
function postsTo(page: Page, path: string): string[] {
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === path) sent.push(request.url());
  });
  return sent;
}

/** Clicks save on a form the client checks refuse: the form moves focus to its first invalid control. */
async function saveRefused(page: Page, control: string): Promise<void> {
  await page.locator('[data-testid="form-save"]').click();
  await expect.poll(() => page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, control)).toBe(true);
}

describe('asset forms', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  const signedIn = (email: string) => signedInPage(browser, email);

  it('creates a subscription with an inline organizational customer', async () => {
    const api = await apiAs(ASKI_ADMIN);
    const page = await signedIn(ASKI_ADMIN);
    const posts = postsTo(page, '/api/subscriptions');
    await openPage(page, '/subscriptions/new');
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
    await page.locator('#subscription-customer-contact-phone').fill('+905321234567');
    await page.locator('#subscription-customer-contact-email').fill('elif.demir@example.com');

    // Bad input: a tax number whose check digit is wrong is refused next to its field, and nothing is created.
    const good = freshTaxId();
    const bad = `${good.slice(0, 9)}${(Number(good[9]) + 1) % 10}`;
    expect(isValidTaxId(bad)).toBe(false);
    await page.locator('#subscription-customer-taxId').pressSequentially(bad);
    await expect.poll(() => fieldError(page, '#subscription-customer-taxId').count()).toBe(1);
    await saveRefused(page, '#subscription-customer-taxId');
    expect(await fieldError(page, '#subscription-customer-taxId').count()).toBe(1);
    expect(posts).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/subscriptions/new');
    const none = await api<{ total: number }>('GET', `/api/subscriptions?search=${encodeURIComponent(subscriptionNo)}`);
    expect(none.body.total).toBe(0);

    await page.locator('#subscription-customer-taxId').fill(good);
    await expect.poll(() => fieldError(page, '#subscription-customer-taxId').count()).toBe(0);
    await page.locator('[data-testid="form-save"]').click();
    await page.waitForURL(/\/subscriptions\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await page.getByText(organization).first().waitFor();

    const id = new URL(page.url()).pathname.split('/').pop()!;
    const saved = await api<{
      subscriptionNo: string;
      type: string;
      customer: { id: string; type: string; displayName: string; taxId: string };
    }>('GET', `/api/subscriptions/${id}`);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      subscriptionNo,
      type: 'ORGANIZATIONAL',
      customer: { type: 'ORGANIZATIONAL', displayName: organization, taxId: good },
    });
    expect(posts).toHaveLength(1);
    const customer = await api<{
      type: string;
      organizationName: string;
      taxId: string;
      contact: { name: string; surname: string; phone: string | null; email: string | null } | null;
      subscriptions: { id: string }[];
    }>('GET', `/api/customers/${saved.body.customer.id}`);
    expect(customer.status).toBe(200);
    expect(customer.body).toMatchObject({
      type: 'ORGANIZATIONAL',
      organizationName: organization,
      taxId: good,
      contact: { name: 'Elif', surname: 'Demir', phone: '+905321234567', email: 'elif.demir@example.com' },
    });
    expect(customer.body.subscriptions.map((sub) => sub.id)).toEqual([id]);
    await page.context().close();
  });

  it('creates a meter with a new device and validates the dynamic LoRaWAN fields', async () => {
    const api = await apiAs(ASKI_ADMIN);
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    const aski = me.body.tenants.find((t) => t.name === 'ASKİ')!.id;
    const tenant = await (
      await apiAs(ROOT_ADMIN)
    )<{ allowedMeterProfiles: { brand: string; modelCode: string }[] }>('GET', `/api/tenants/${aski}`);
    const allowed = tenant.body.allowedMeterProfiles.map((p) => `${p.brand} ${p.modelCode}`).sort();
    expect(allowed.length).toBeGreaterThan(0);

    const page = await signedIn(ASKI_ADMIN);
    const posts = postsTo(page, '/api/meters');
    await openPage(page, '/meters/new');
    await page.locator('[data-testid="meter-form"]').waitFor();

    // The profile list holds the tenant's allowed meter profiles and no others.
    const profileSelect = page.locator('[data-testid="meter-profile-select"]');
    await expect.poll(() => profileSelect.isEnabled()).toBe(true);
    await profileSelect.click();
    const options = page.getByRole('option');
    await options.first().waitFor();
    const offered = (await options.allInnerTexts()).map((text) => text.replace(/\s+DN\d+\s*$/, '').trim()).sort();
    expect(offered).toEqual(allowed);
    await page.keyboard.press('Escape');
    await options.first().waitFor({ state: 'detached' });

    const serialNo = `E2E-M-${Date.now()}`;
    await choose(page, profileSelect, /./);
    await page.locator('#meter-serial').fill(serialNo);
    await page.locator('#meter-initial-index').fill('12.5');

    await page.locator('label:has(#meter-device-mode-new)').click();
    await page.locator('#meter-new-device-serialNo').fill(`E2E-D-${Date.now()}`);
    expect(await page.locator('[data-testid^="identifier-"]').count()).toBe(0);
    const profile = await choose(page, page.locator('[data-testid="device-profile-select"]'), /LRW|LoRaWAN|LR10|LW-U1/);
    expect(profile).toMatch(/LRW|LoRaWAN|LR10|LW-U1/);

    // The profile's communication technology brings its identifier fields.
    const devEui = page.locator('[data-testid="identifier-DevEUI"]');
    await devEui.waitFor();
    await expect
      .poll(() => page.locator('[data-testid^="identifier-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))))
      .toEqual(expect.arrayContaining(['identifier-DevEUI', 'identifier-JoinEUI', 'identifier-AppKey']));

    await page.locator('[data-testid="identifier-JoinEUI"]').fill('70B3D57ED0000001');
    await page.locator('[data-testid="identifier-AppKey"]').fill('00112233445566778899AABBCCDDEEFF');

    // Not 16 hex digits: the field says so inline while typing, and the form refuses to send the meter.
    await devEui.pressSequentially('XYZ');
    await expect.poll(() => fieldError(page, '[data-testid="identifier-DevEUI"]').innerText()).toMatch(/16/);
    await saveRefused(page, '[data-testid="identifier-DevEUI"]');
    expect(posts).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/meters/new');
    expect((await api<{ total: number }>('GET', `/api/meters?search=${encodeURIComponent(serialNo)}`)).body.total).toBe(0);

    const eui = freshEui();
    await devEui.fill(eui);
    await expect.poll(() => fieldError(page, '[data-testid="identifier-DevEUI"]').count()).toBe(0);
    await page.locator('[data-testid="form-save"]').click();
    await page.waitForURL(/\/meters\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await page.getByText(serialNo).first().waitFor();

    const meterId = new URL(page.url()).pathname.split('/').pop()!;
    const meter = await api<{ serialNo: string; device: { id: string } | null }>('GET', `/api/meters/${meterId}`);
    expect(meter.body.serialNo).toBe(serialNo);
    expect(meter.body.device).not.toBeNull();
    expect(posts).toHaveLength(1);
    const device = await api<{
      profile: { modelCode: string };
      meter: { id: string } | null;
      identifiers: Record<string, { value: string | null }>;
    }>('GET', `/api/devices/${meter.body.device!.id}`);
    expect(device.body.meter?.id).toBe(meterId);
    expect(profile).toContain(device.body.profile.modelCode);
    expect(device.body.identifiers.DevEUI?.value?.toUpperCase()).toBe(eui);
    await page.context().close();
  });
});
