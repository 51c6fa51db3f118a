import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSION_MODULES } from '@water/shared';
import { apiAs, launch, openPage, signedInPage, webUrl } from './support/browser';

const ASKI_ADMIN = 'aski.yetkili@example.com';
/** A 1×1 PNG: the tenant's logo, printed on its invoices. */
const LOGO_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The month before this one (YYYY-MM) in Istanbul (UTC+03:00 all year). */
function lastMonth(): string {
  const now = new Date(Date.now() + 3 * 3_600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/** A TC identity number with valid check digits (ten random digits make a clash unlikely). */
function freshTcId(): string {
  const d = [1 + Math.floor(Math.random() * 9), ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 10))];
  const odd = d[0]! + d[2]! + d[4]! + d[6]! + d[8]!;
  const even = d[1]! + d[3]! + d[5]! + d[7]!;
  d.push((((odd * 7 - even) % 10) + 10) % 10);
  d.push(d.reduce((a, b) => a + b, 0) % 10);
  return d.join('');
}

/** "₺1.234,56" (Turkish, the default language) → 123456 kuruş. */
const kurusOf = (text: string) => Number(text.replace(/[^\d,-]/g, '').replace(',', ''));

async function save(page: Page, form: string): Promise<void> {
  await page.locator(`[data-testid="${form}"] button[type="submit"]`).click();
}

/** Waits for a saved form to leave for `url`; a refusal fails the test with what the form shows. */
async function savedTo(page: Page, form: string, url: RegExp): Promise<void> {
  await save(page, form);
  try {
    await page.waitForURL(url, { timeout: 30_000 });
  } catch (error) {
    const shown = await page
      .locator(`[data-testid="${form}"] [role="alert"], [data-testid="${form}"] [data-slot="field-error"], [data-testid="form-error"]`)
      .allInnerTexts();
    throw new Error(`${form} was not saved: ${shown.join(' | ') || String(error)}`, { cause: error });
  }
}

describe('billing console', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('creates a tariff with tiers (refusing a gap before saving) and prices a consumption with it', async () => {
    const page = await signedInPage(browser, ASKI_ADMIN);
    const code = `E2E-${Date.now().toString(36).toUpperCase()}`;

    // The seed's example tariff is listed at the signed-in utility.
    await openPage(page, '/billing/tariffs');
    await page.locator('[data-testid="tariff-row-ORNEK-KONUT"]').waitFor();
    // Filtered by subscription type through the URL.
    await page.locator('[data-testid="tariffs-type-filter"]').selectOption('ORGANIZATIONAL');
    await page.waitForURL(/subscriptionType=ORGANIZATIONAL/);
    await page.locator('[data-testid="tariff-row-ORNEK-ISYERI"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="tariff-row-ORNEK-KONUT"]').count()).toBe(0);

    await page.locator('[data-testid="tariffs-new"]').click();
    await page.waitForURL(/\/billing\/tariffs\/new$/);
    await page.waitForFunction(
      () => (window as unknown as { useNuxtApp?: () => { isHydrating?: boolean } }).useNuxtApp?.().isHydrating === false,
    );
    const form = page.locator('[data-testid="tariff-form"]');
    await form.locator('[data-testid="tariff-code"]').fill(code);
    await form.locator('[data-testid="tariff-name"]').fill('E2E tarife');
    // The seed's example already prices individual subscriptions of every group: this one is for the high-consumption group.
    await form.getByLabel('Abonelik grubu').selectOption({ label: 'Yüksek Tüketim' });
    await form.locator('[data-testid="version-from"]').fill('2020-01-01');
    await form.locator('[data-testid="version-fixed"]').fill('25,50');
    await form.locator('[data-testid="version-water-vat"]').fill('10');
    // Tier 1: 0–10 m³ at 10,00 TL; tier 2 from 12 m³ leaves a gap the form names before anything is sent.
    const tier = (i: number) => form.locator(`[data-testid="tier-${i}"]`);
    await tier(0).locator('[data-testid="tier-to"]').fill('10');
    await tier(0).locator('[data-testid="tier-price"]').fill('10');
    await form.locator('[data-testid="tier-add"]').click();
    await tier(1).locator('[data-testid="tier-from"]').fill('12');
    await tier(1).locator('[data-testid="tier-price"]').fill('20,5');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/tariffs') posts.push(r.url());
    });
    await save(page, 'tariff-form');
    await expect.poll(() => form.locator('[data-testid="tier-error"]').innerText()).toMatch(/10 m³/);
    expect(posts).toEqual([]);
    await tier(1).locator('[data-testid="tier-from"]').fill('10');
    await savedTo(page, 'tariff-form', /\/billing\/tariffs\/[0-9a-f-]{36}$/);
    expect(posts).toHaveLength(1);
    const tariffId = page.url().split('/').pop()!;

    // The API stored integer kuruş, percent and m³.
    const api = await apiAs(ASKI_ADMIN);
    const stored = await api<{ versions: { fixedChargeKurus: number; tiers: unknown[] }[] }>('GET', `/api/tariffs/${tariffId}`);
    expect(stored.body.versions[0]!.fixedChargeKurus).toBe(2550);
    expect(stored.body.versions[0]!.tiers).toEqual([
      { fromM3: 0, toM3: 10, unitPriceKurus: 1000 },
      { fromM3: 10, toM3: null, unitPriceKurus: 2050 },
    ]);

    // 15 m³ over last month: 10 × 10,00 + 5 × 20,50 + 25,50 fixed = 228,00 net; 10 % VAT on water (20,25), none on the fixed charge.
    const preview = page.locator('[data-testid="tariff-preview"]');
    await preview.locator('[data-testid="preview-month"]').fill(lastMonth());
    await preview.locator('[data-testid="preview-m3"]').fill('15');
    await preview.locator('[data-testid="preview-run"]').click();
    await preview.locator('[data-testid="total-net"]').waitFor();
    expect(kurusOf(await preview.locator('[data-testid="total-net"]').innerText())).toBe(22800);
    expect(kurusOf(await preview.locator('[data-testid="total-vat"]').innerText())).toBe(2025);
    expect(kurusOf(await preview.locator('[data-testid="total-gross"]').innerText())).toBe(24825);
    await page.context().close();
  });

  it('bills one subscription for last month (start, review, issue), downloads its PDF, takes its payment at the cash desk and shows the account statement', async () => {
    // A new district under ASKİ with one subscription: it inherits ASKİ's example tariff, so its run prices exactly one.
    const api = await apiAs(ASKI_ADMIN);
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    const aski = me.body.tenants.find((tenant) => tenant.name === 'ASKİ')!;
    const stamp = Date.now().toString(36).toUpperCase();
    const profiles = await api<{ items: { id: string }[] }>('GET', `/api/meter-profiles?tenantId=${aski.id}&pageSize=1`);
    const profileId = profiles.body.items[0]!.id;
    const tenant = await api<{ id: string }>('POST', '/api/tenants', {
      parentId: aski.id,
      name: `E2E Fatura ${stamp}`,
      allowedMeterProfileIds: [profileId],
    });
    expect(tenant.status, JSON.stringify(tenant.body)).toBe(201);
    const meter = await api<{ id: string }>('POST', '/api/meters', {
      tenantId: tenant.body.id,
      meterProfileId: profileId,
      serialNo: `E2E${stamp}`,
    });
    expect(meter.status, JSON.stringify(meter.body)).toBe(201);
    const groups = await api<{ items: { id: string; code: string }[] }>('GET', '/api/definitions/subscription-groups?pageSize=50');
    const normal = groups.body.items.find((group) => group.code === 'NORMAL')!;
    // Served since before last month, so the whole month is billed (estimated: the meter sent nothing).
    const subscription = await api<{ id: string; subscriptionNo: string }>('POST', '/api/subscriptions', {
      tenantId: tenant.body.id,
      subscriptionNo: `E2E-${stamp}`,
      type: 'INDIVIDUAL',
      groupId: normal.id,
      customer: { name: 'Ayşe', surname: 'Öztürk', tcIdNo: freshTcId() },
      address: { city: 'Ankara', district: 'Çankaya', neighborhood: 'Kızılay', street: 'Atatürk Bulvarı', buildingNo: '1', doorNo: '2' },
      meterId: meter.body.id,
      meterStartedAt: `${lastMonth()}-01T00:00:00+03:00`,
    });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);

    const page = await signedInPage(browser, ASKI_ADMIN);
    // The district's logo, uploaded on its tenant page, is printed on its invoices.
    await openPage(page, `/tenants/${tenant.body.id}`);
    await page.locator('[data-testid="tenant-logo-file"]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: LOGO_PNG });
    await expect
      .poll(() => page.locator('[data-testid="tenant-logo"] img').evaluate((img) => (img as HTMLImageElement).naturalWidth), {
        timeout: 30_000,
      })
      .toBe(1);
    await openPage(page, '/billing/runs');
    // ASKİ's billing settings (the defaults until now) become its own: a 20-day payment term.
    const settings = page.locator('[data-testid="billing-settings"]');
    await settings.locator('[data-testid="billing-settings-edit"]').click();
    await page.getByRole('dialog').getByLabel('Ödeme süresi (gün)').fill('20');
    await page.getByRole('dialog').getByRole('button', { name: 'Kaydet' }).click();
    await expect.poll(() => settings.innerText()).toContain('Bu kurumun kendi ayarları.');
    const start = page.locator('[data-testid="run-start"]');
    await start.getByLabel('Kurum').selectOption(tenant.body.id);
    await start.locator('[data-testid="run-period"]').fill(lastMonth());
    await start.locator('[data-testid="run-start-submit"]').click();
    await page.waitForURL(/\/billing\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });

    // The worker computes the draft; the page follows the run until it waits for review.
    const status = page.locator('[data-testid="run-status"]');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 60_000 }).toBe('DRAFT');
    const runId = page.url().split('/').pop()!;
    const run = await api<{ invoiceCount: number; problems: unknown[] }>('GET', `/api/billing-runs/${runId}`);
    expect(run.body, JSON.stringify(run.body)).toMatchObject({ invoiceCount: 1, problems: [] });
    const rows = page.locator('[data-testid^="invoice-row-"]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => rows.first().innerText()).toContain(`E2E-${stamp}`);

    // Issue with the confirmation; the numbers come from the database.
    await page.locator('[data-testid="run-issue"]').click();
    const dialog = page.locator('[data-testid="confirm-dialog"]');
    await dialog.getByRole('button', { name: 'Faturaları kes' }).click();
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 60_000 }).toBe('ISSUED');
    await expect.poll(() => rows.first().innerText(), { timeout: 30_000 }).toMatch(/\d{4}-\d{6}/);

    // The invoice: issued, its lines, and its PDF through the console's proxy.
    await rows.first().locator('a').first().click();
    await page.waitForURL(/\/billing\/invoices\/[0-9a-f-]{36}$/);
    const invoiceId = page.url().split('/').pop()!;
    await expect.poll(() => page.locator('[data-testid="invoice-status"]').getAttribute('data-status')).toBe('ISSUED');
    expect(await page.locator('[data-testid="billing-lines"] tbody tr').count()).toBeGreaterThan(0);
    const gross = kurusOf(await page.locator('[data-testid="invoice-gross"]').innerText());
    expect(gross).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="invoice-pdf"]').click()]);
    const bytes = await readFile((await download.path())!);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The logo is in it (poppler's pdfimages lists the image, and its alpha mask).
    expect(execFileSync('pdfimages', ['-list', (await download.path())!], { encoding: 'utf8' })).toMatch(/\bimage\b/);

    // Paid at the cash desk: the invoice is settled and the customer's account comes back to zero.
    await openPage(page, '/billing/payments');
    const desk = page.locator('[data-testid="cash-desk"]');
    await desk.locator('#cash-desk-subscription').fill(`E2E-${stamp}`);
    await page
      .getByRole('option', { name: new RegExp(`E2E-${stamp}`) })
      .first()
      .click();
    await desk.locator('[data-testid="cash-desk-amount"]').fill(`${Math.floor(gross / 100)},${String(gross % 100).padStart(2, '0')}`);
    await desk.locator('[data-testid="cash-desk-receipt"]').fill(`V-${stamp}`);
    await desk.locator('[data-testid="cash-desk-save"]').click();
    await page.locator('[role="status"]', { hasText: 'Öztürk' }).waitFor();
    const invoices = await api<{ items: { customerId: string; status: string }[] }>(
      'GET',
      `/api/invoices?subscriptionId=${subscription.body.id}`,
    );
    const customerId = invoices.body.items[0]!.customerId;
    await openPage(page, `/customers/${customerId}`);
    const statement = page.locator('[data-testid="customer-statement"]');
    await expect.poll(() => statement.locator('[data-testid="statement-closing"]').innerText()).toMatch(/0,00/);
    expect(await statement.locator('tbody tr').count()).toBe(2);
    const csv = await page.request.get(
      await statement
        .locator('[data-testid="export-statement-csv"]')
        .getAttribute('href')
        .then((h) => webUrl(h!)),
    );
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('Fatura');

    // Cancelled with a reason and re-issued: a credit note takes it back and a new draft replaces it.
    await openPage(page, `/billing/invoices/${invoiceId}`);
    await page.locator('[data-testid="invoice-cancel"]').click();
    await page.locator('[data-testid="cancel-reason"]').fill('Endeks hatası (e2e)');
    await page.getByRole('dialog').getByRole('button', { name: 'Kaydet' }).click();
    await page.waitForURL((url) => /\/billing\/invoices\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(invoiceId), {
      timeout: 30_000,
    });
    await expect.poll(() => page.locator('[data-testid="invoice-status"]').getAttribute('data-status')).toBe('DRAFT');
    const related = page.locator('[data-testid="invoice-related"]');
    await expect.poll(() => related.innerText()).toMatch(/CN-\d{4}-\d{6}/);
    await expect.poll(() => related.innerText()).toContain('İptal');

    // Dunning and reports open on the same data, with their exports.
    await openPage(page, '/billing/dunning');
    await page.getByRole('heading', { name: 'Takip ve kesme' }).waitFor();
    await openPage(page, '/billing/reports');
    await page.locator('[data-testid="report-billed"]').waitFor();
    const aging = await page.request.get(webUrl((await page.locator('[data-testid="export-aging-xlsx"]').getAttribute('href'))!));
    expect(aging.status()).toBe(200);
    expect((await aging.body()).subarray(0, 2).toString('latin1')).toBe('PK');
    await page.context().close();
  });

  it('shows a billing reader the billing screens without any action that changes them', async () => {
    const api = await apiAs(ASKI_ADMIN);
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    const aski = me.body.tenants.find((tenant) => tenant.name === 'ASKİ')!.id;
    const read = { create: false, read: true, update: false, delete: false };
    const none = { create: false, read: false, update: false, delete: false };
    const permissions = Object.fromEntries(PERMISSION_MODULES.map((m) => [m, m === 'BILLING' ? read : none]));
    const email = `fatura.okur.${Date.now()}@example.com`;
    const created = await api('POST', '/api/users', {
      name: 'Fatura',
      surname: 'Okur',
      email,
      password: 'Parola123',
      memberships: [{ tenantId: aski, role: 'Billing reader', permissions }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const page = await signedInPage(browser, email, 'Parola123');
    await openPage(page, '/billing/tariffs');
    await page.locator('[data-testid="tariff-row-ORNEK-KONUT"]').waitFor();
    expect(await page.getByRole('navigation').locator('a[href="/billing/runs"]').count()).toBe(1);
    expect(await page.locator('[data-testid="tariffs-new"]').count()).toBe(0);
    await page.locator('[data-testid="tariff-row-ORNEK-KONUT"] a').click();
    await page.locator('[data-testid="tariff-preview"]').waitFor();
    for (const action of ['version-add', 'delete-button', 'tariff-edit'])
      expect(await page.locator(`[data-testid="${action}"]`).count(), action).toBe(0);
    await openPage(page, '/billing/runs');
    await page.getByRole('heading', { name: 'Faturalama dönemleri' }).waitFor();
    expect(await page.locator('[data-testid="run-start"]').count()).toBe(0);
    await page.locator('[data-testid="billing-settings"]').waitFor();
    expect(await page.locator('[data-testid="billing-settings-edit"]').count()).toBe(0);
    await openPage(page, '/billing/payments');
    await page.getByRole('heading', { name: 'Ödemeler' }).waitFor();
    expect(await page.locator('[data-testid="cash-desk"]').count()).toBe(0);
    // A page that needs a right the user lacks is refused.
    await page.goto(webUrl('/billing/tariffs/new'));
    await page.waitForLoadState('networkidle');
    expect(new URL(page.url()).pathname).not.toBe('/billing/tariffs/new');
    await page.context().close();
  });
});
