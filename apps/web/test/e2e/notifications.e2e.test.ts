import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage } from './support/browser';
import { postTtnUplink, ttnIntegrationWithDevices, type LoraDevice } from './support/uplink';

/**
 * Notifications in the console (issue 19): an operator who chose to receive tilt alarms on the settings
 * page sees one arrive live in the bell and the list when a real uplink raises it; the webhooks, delivery
 * log and template pages work in a browser; a customer's page shows their portal account.
 */
const ROOT_ADMIN = 'iot@una.net.tr';

/** The unread count the bell shows (no badge: 0). */
async function badge(page: Page): Promise<number> {
  const el = page.locator('[data-testid="notifications-unread"]');
  return (await el.count()) ? Number((await el.innerText()).replace('+', '')) : 0;
}

describe('notifications in the console', () => {
  let browser: Browser;
  let page: Page;
  let api: Awaited<ReturnType<typeof apiAs>>;
  let aski: string;

  beforeAll(async () => {
    browser = await launch();
    page = await signedInPage(browser, ROOT_ADMIN);
    api = await apiAs(ROOT_ADMIN);
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    aski = me.body.tenants.find((t) => t.name === 'ASKİ')!.id;
  });
  afterAll(async () => browser?.close());

  it('subscribes the operator to tilt alarms on the settings page, then a tilt raised by an uplink arrives live in the bell and the list', async () => {
    // A LoRaWAN device on a meter without an active tilt alarm (a new one is raised, not merged into it).
    const { integration, devices } = await ttnIntegrationWithDevices(api, 'ASKİ', 'Notifications browser test');
    let device: LoraDevice | undefined;
    for (const d of devices) {
      const active = await api<{ total: number }>('GET', `/api/alarms?state=active&type=TILT&meterId=${d.meter.id}`);
      if (active.body.total === 0) {
        device = d;
        break;
      }
    }
    expect(device, 'an active LoRaWAN device on a meter without a tilt alarm').toBeDefined();

    await openPage(page, '/notifications/settings');
    await page.locator('[data-testid="subscription-grid"]').waitFor();
    await page.locator('[data-testid="subscription-add"]').click();
    const dialog = page.getByRole('dialog');
    const person = dialog.locator('[data-testid="subscription-person"] select');
    const option = person.locator('option', { hasText: ROOT_ADMIN });
    await option.waitFor({ state: 'attached' });
    await person.selectOption((await option.getAttribute('value'))!);
    await dialog.locator('[data-testid="subscription-types"]').getByText('Eğilme', { exact: true }).click();
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator(`[data-testid="subscription-grid"] [data-person="${ROOT_ADMIN}"]`);
    await row.locator('[data-testid="subscription-TILT"][data-state="checked"]').waitFor();
    await row.locator('[data-testid="subscription-LEAK"][data-state="checked"]').waitFor();
    // One click more: no-signal alarms too, and the API has it.
    await row.locator('[data-testid="subscription-NO_SIGNAL"]').click();
    await row.locator('[data-testid="subscription-NO_SIGNAL"][data-state="checked"]').waitFor();
    const subscriptions = await api<{ alarmType: string; email: string }[]>('GET', '/api/notifications/alarm-subscriptions');
    expect(subscriptions.body.filter((s) => s.email === ROOT_ADMIN).map((s) => s.alarmType)).toEqual(
      expect.arrayContaining(['TILT', 'LEAK', 'NO_SIGNAL']),
    );

    // The notification centre, with the socket up; the page is not reloaded from here on.
    await openPage(page, '/notifications');
    await page.waitForFunction(
      () =>
        (window as unknown as { useNuxtApp: () => { $pinia: { state: { value: { live?: { status: string } } } } } }).useNuxtApp().$pinia
          .state.value.live?.status === 'connected',
      undefined,
      { timeout: 30_000 },
    );
    const before = await badge(page);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    const detail = await api<{ meter: { lastIndexM3: number | null } | null }>('GET', `/api/devices/${device!.id}`);
    const index = Math.round(((detail.body.meter?.lastIndexM3 ?? 0) + 0.01) * 1000) / 1000;
    const res = await postTtnUplink(integration, device!, {
      indexM3: index,
      batteryPct: 80,
      alarms: { tilt: true },
      fCnt: 5151,
      rssi: -80,
      snr: 7,
    });
    expect(res.status).toBe(202);

    const title = `Eğim alarmı: ${device!.meter.serialNo}`;
    const item = page.locator('[data-testid="notification-item"]', { hasText: title });
    await item.first().waitFor({ timeout: 60_000 });
    await expect.poll(() => badge(page), { timeout: 10_000 }).toBe(before + 1);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // The bell's list has it too; marking it read there lowers the count.
    await page.locator('[data-testid="notifications-bell"]').click();
    const menuItem = page.getByRole('menu').locator('[data-testid="notification-item"]', { hasText: title });
    await menuItem.waitFor();
    await menuItem.getByRole('button').click();
    await expect.poll(() => badge(page), { timeout: 10_000 }).toBe(before);
    await page.keyboard.press('Escape');

    // The delivery log lists the in-app delivery to the operator.
    await openPage(page, '/notifications/log?channel=IN_APP');
    const logRow = page.locator('[data-testid="delivery-log"] tbody tr', { hasText: title });
    await logRow.first().waitFor();
    expect(await logRow.first().innerText()).toContain(ROOT_ADMIN);
    expect(await logRow.first().getAttribute('data-status')).toBe('SENT');
  });

  it('creates a webhook (secret shown once), sends a test to it while deactivated, edits it, rotates its secret and deletes it', async () => {
    const name = `E2E SMS ${Date.now()}`;
    await openPage(page, '/notifications/webhooks');
    await page.locator('[data-testid="webhooks-table"]').waitFor();
    await page.locator('[data-testid="webhook-new"]').click();
    const dialog = page.getByRole('dialog');
    // Client checks first: no name, a URL that is not http(s).
    await dialog.locator('[data-testid="webhook-url"]').fill('ftp://example');
    await dialog.locator('button[type="submit"]').click();
    await dialog.getByText('http veya https ile başlayan bir URL girin.').waitFor();
    await dialog.locator('[data-testid="webhook-name"]').fill(name);
    // A documentation address (TEST-NET-3): public, so the API takes it, and nothing listens there.
    await dialog.locator('[data-testid="webhook-url"]').fill('https://203.0.113.10/sms-hook');
    await dialog.locator('[data-testid="webhook-active"]').click();
    await dialog.locator('button[type="submit"]').click();

    const secretDialog = page.locator('[data-testid="webhook-secret-dialog"]');
    await secretDialog.waitFor();
    const secret = await secretDialog.locator('[data-testid="webhook-secret"] [data-testid="copy-value"]').innerText();
    expect(secret).toMatch(/^whsec_/);
    await secretDialog.locator('[data-testid="webhook-secret-done"]').click();
    await secretDialog.waitFor({ state: 'detached' });

    const row = page.locator(`[data-testid="webhooks-table"] [data-webhook="${name}"]`);
    await row.waitFor();
    expect(await row.locator('[data-testid="webhook-state"]').innerText()).toBe('Devre dışı');
    expect(await page.locator('[data-testid="webhooks-table"]').innerText()).not.toContain(secret);

    // A deactivated endpoint is never called: its test is logged as not sent, with the reason.
    await row.locator('[data-testid="webhook-test"]').click();
    await page.locator('[data-testid="webhook-notice"]').waitFor();
    const deliveries = page.locator('[data-testid="webhook-deliveries"]');
    await expect
      .poll(
        async () => {
          await deliveries.getByRole('button').first().click();
          return deliveries.locator('tr[data-status="SUPPRESSED"]').count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    expect(await deliveries.innerText()).toContain('endpoint deactivated');

    // The log shows it under the webhook channel, with the failure's reason.
    await openPage(page, '/notifications/log');
    await page.locator('[data-testid="log-channel"]').selectOption('WEBHOOK');
    await page.waitForURL(/channel=WEBHOOK/);
    const logRow = page.locator('[data-testid="delivery-log"] tbody tr[data-channel="WEBHOOK"]', { hasText: name });
    await logRow.first().waitFor();
    expect(await logRow.first().locator('[data-testid="log-reason"]').innerText()).toBe('endpoint deactivated');

    await openPage(page, '/notifications/webhooks');
    await row.locator('[data-testid="webhook-edit"]').click();
    await dialog.locator('[data-testid="webhook-name"]').fill(`${name} (edited)`);
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
    const edited = page.locator(`[data-testid="webhooks-table"] [data-webhook="${name} (edited)"]`);
    await edited.waitFor();

    await edited.locator('[data-testid="webhook-rotate"]').click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Anahtarı yenile' }).click();
    await secretDialog.waitFor();
    const rotated = await secretDialog.locator('[data-testid="webhook-secret"] [data-testid="copy-value"]').innerText();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await secretDialog.locator('[data-testid="webhook-secret-done"]').click();

    await edited.locator('[data-testid="webhook-delete"]').click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Sil' }).click();
    await edited.waitFor({ state: 'detached' });
  });

  it('previews a template in both languages, the HTML in a frame where nothing runs', async () => {
    await openPage(page, '/notifications/templates');
    const subject = page.locator('[data-testid="preview-subject"]');
    await expect.poll(() => subject.innerText()).toBe('Kaçak alarmı: SAMPLE-0001');
    await page.locator('[data-testid="template-language"] select').selectOption('en');
    await expect.poll(() => subject.innerText()).toBe('Leak alarm: SAMPLE-0001');
    await page.locator('[data-testid="template-alarm-type"] select').selectOption('BURST');
    await expect.poll(() => subject.innerText()).toMatch(/burst/i);
    const frame = page.locator('[data-testid="preview-html"]');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('srcdoc')).toContain('<html');
    // The e-mail shows inside the frame.
    await expect.poll(() => page.frameLocator('[data-testid="preview-html"]').locator('h2').first().innerText()).toMatch(/burst/i);
    await page.locator('[data-testid="preview-tab-text"]').click();
    expect(await page.locator('[data-testid="preview-text"]').innerText()).toContain('/notifications');
    // What a customer is told: their events only, in the portal's words.
    await page.locator('[data-testid="template-audience"] select').selectOption('customer');
    await page.locator('[data-testid="template-event"] select').selectOption('invoice.issued');
    await expect.poll(() => subject.innerText()).toContain('ABC2026000000123');
    expect(await page.locator('[data-testid="preview-text"]').innerText()).toContain('/api/notifications/unsubscribe');
  });

  it("shows a customer's portal account card and sends an invitation", async () => {
    const customers = await api<{ items: { id: string }[] }>('GET', `/api/customers?tenantId=${aski}&pageSize=50`);
    let customerId: string | null = null;
    for (const c of customers.body.items) {
      const state = await api<{ account: unknown }>('GET', `/api/customers/${c.id}/portal-account`);
      if (state.status === 200 && state.body.account === null) {
        customerId = c.id;
        break;
      }
    }
    expect(customerId, 'a customer without a portal account').not.toBeNull();
    await openPage(page, `/customers/${customerId}`);
    const card = page.locator('[data-testid="customer-portal-account"]');
    await card.getByText('Bu abonenin henüz portal hesabı yok.').waitFor();
    const email = `davet-${Date.now()}@example.com`;
    await card.locator('[data-testid="portal-invite-email"]').fill('yanlış');
    await card.locator('[data-testid="portal-invite"]').click();
    await card.getByText('Geçerli bir e-posta adresi girin.').waitFor();
    await card.locator('[data-testid="portal-invite-email"]').fill(email);
    await card.locator('[data-testid="portal-invite"]').click();
    await card.locator('[data-testid="portal-invite-sent"]').waitFor();
    await card.locator('[data-testid="portal-invitations"]', { hasText: email }).waitFor();
  });
});
