import type { Browser, Locator, Page } from 'playwright-core';
import { resolve } from 'node:path';
import { DEVICE_PROFILE_KEY_BY_MODEL, encodeUplink } from '@water/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage } from './support/browser';

const ROOT_ADMIN = 'iot@una.net.tr';
const BROKEN_DECODER = 'function decodeUplink(input) { return { errors: ["vendor bug: e2e"] }; }';
// E2E_SCREENSHOTS=1 writes the pages' pictures into docs/screenshots (kept out of ordinary runs).
const SHOTS = process.env.E2E_SCREENSHOTS === '1' ? resolve(__dirname, '../../../../docs/screenshots') : null;

/** Opens a reka-ui select by its trigger and picks the option whose text matches. */
async function choose(page: Page, trigger: Locator, option: RegExp): Promise<void> {
  await trigger.click();
  const item = page.getByRole('option', { name: option }).first();
  await item.waitFor();
  await item.click();
}

/** Waits until `check` holds, running `between` (a refresh click) after each miss. */
async function until(check: () => Promise<boolean>, between: () => Promise<unknown>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error('condition not met in time');
    await between();
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The network server's side of an integration, as the integrator copies it from the dialog shown once. */
interface Created {
  id: string;
  name: string;
  secret: string;
  webhookUrl: string;
  settings: string[];
}

describe('integrations, uplink inspector and audit log', () => {
  let browser: Browser;
  let page: Page;
  let ttn: Created;
  let scenarios: { id: string; decoderSource: string }[] = [];
  let profileId = '';
  let api: Awaited<ReturnType<typeof apiAs>>;

  beforeAll(async () => {
    browser = await launch();
    page = await signedInPage(browser, ROOT_ADMIN);
    api = await apiAs(ROOT_ADMIN);
  });
  afterAll(async () => {
    // Whatever happened, the seeded decoders are left as they were for the other suites.
    for (const s of scenarios)
      await api('PATCH', `/api/device-profiles/${profileId}/scenarios/${s.id}`, { decoderSource: s.decoderSource });
    await browser?.close();
  });

  async function createThroughDialog(kind: RegExp, name: string, externalId?: string): Promise<Created> {
    await page.locator('[data-testid="integrations-new"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await choose(page, dialog.getByRole('combobox').first(), /^HATSU$/);
    await choose(page, dialog.locator('[data-testid="integration-kind"]'), kind);
    await dialog.locator('[data-testid="integration-name"]').fill(name);
    if (externalId) await dialog.locator('[data-testid="integration-external-id"]').fill(externalId);
    await dialog.locator('button[type="submit"]').click();
    const shown = page.locator('[data-testid="integration-secret-dialog"]');
    await shown.waitFor();
    const secret = (await shown.locator('[data-testid="integration-secret"] [data-testid="copy-value"]').innerText()).trim();
    const webhookUrl = (await shown.locator('[data-testid="integration-webhook-url"] [data-testid="copy-value"]').innerText()).trim();
    const settings = (await shown.locator('[data-testid="integration-settings"] [data-testid="copy-value"]').allInnerTexts()).map((s) =>
      s.trim(),
    );
    const sections = await shown.locator('[data-testid="integration-settings"] section h3').allInnerTexts();
    await shown.locator('[data-testid="integration-secret-done"]').click();
    await shown.waitFor({ state: 'hidden' });
    return { id: webhookUrl.split('/').pop()!, name, secret, webhookUrl, settings: [...sections, ...settings] };
  }

  it('creates integrations and shows each webhook URL, the settings to paste and the secret once', async () => {
    await openPage(page, '/integrations');
    expect(await page.getByRole('navigation').locator('a[href="/integrations"]').count()).toBe(1);
    const apiUrl = inject('apiUrl');
    const stamp = Date.now().toString(36);

    ttn = await createThroughDialog(/The Things Stack/, `TTS e2e ${stamp}`);
    expect(ttn.webhookUrl).toMatch(new RegExp(`^${apiUrl}/api/ingest/ttn/[0-9a-f-]{36}$`));
    expect(ttn.secret.length).toBeGreaterThanOrEqual(24);
    // Base URL + uplink path, and the secret header.
    expect(ttn.settings).toEqual(
      expect.arrayContaining([`${apiUrl}/api/ingest/ttn`, `/${ttn.id}`, 'X-Integration-Secret', ttn.secret, 'JSON']),
    );

    const chirp = await createThroughDialog(/ChirpStack/, `ChirpStack e2e ${stamp}`, 'app-42');
    expect(chirp.webhookUrl).toMatch(new RegExp(`^${apiUrl}/api/ingest/chirpstack/`));
    expect(chirp.settings).toEqual(
      expect.arrayContaining([
        chirp.webhookUrl,
        `${chirp.webhookUrl}?token=${encodeURIComponent(chirp.secret)}`,
        'up',
        'application/app-42/device/+/event/up',
        'JSON',
      ]),
    );

    const sigfox = await createThroughDialog(/Sigfox/, `Sigfox e2e ${stamp}`);
    expect(sigfox.settings).toEqual(
      expect.arrayContaining([
        `${sigfox.webhookUrl}?token=${encodeURIComponent(sigfox.secret)}`,
        'POST',
        'application/json',
        '{"device":"{device}","time":{time},"data":"{data}","seqNumber":{seqNumber},"rssi":"{rssi}","snr":"{snr}"}',
      ]),
    );

    // Rotating shows the new secret once; the old one stops working at once.
    const chirpRow = page.locator(`[data-testid="integrations-table"] tr[data-integration="${chirp.name}"]`);
    await chirpRow.locator('[data-testid="integration-rotate"]').click();
    await page
      .locator('[data-testid="confirm-dialog"]')
      .getByRole('button', { name: /^(Yenile|Rotate)$/ })
      .click();
    const rotated = page.locator('[data-testid="integration-secret-dialog"]');
    await rotated.waitFor();
    const newSecret = (await rotated.locator('[data-testid="integration-secret"] [data-testid="copy-value"]').innerText()).trim();
    expect(newSecret).not.toBe(chirp.secret);
    await rotated.locator('[data-testid="integration-secret-done"]').click();
    await rotated.waitFor({ state: 'hidden' });
    const chirpUp = (secret: string) =>
      fetch(`${chirp.webhookUrl}?token=${encodeURIComponent(secret)}&event=status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.status);
    expect(await chirpUp(chirp.secret)).toBe(401);
    expect(await chirpUp(newSecret)).toBe(204);
    chirp.secret = newSecret;

    // Once the dialog is closed the secrets are gone: the list and its settings show a placeholder.
    const row = page.locator(`[data-testid="integrations-table"] tr[data-integration="${ttn.name}"]`);
    await row.waitFor();
    await row.locator('[data-testid="integration-settings-open"]').click();
    const settings = page.locator('[data-testid="integration-settings-dialog"]');
    await settings.waitFor();
    expect(await settings.innerText()).toContain(ttn.webhookUrl.slice(0, ttn.webhookUrl.lastIndexOf('/')));
    for (const secret of [ttn.secret, chirp.secret, sigfox.secret]) expect(await page.content()).not.toContain(secret);
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'hidden' });

    // A new integration has no uplinks, so it may be deleted.
    const gone = page.locator(`[data-testid="integrations-table"] tr[data-integration="${sigfox.name}"]`);
    await gone.locator('[data-testid="integration-delete"]').click();
    await page
      .locator('[data-testid="confirm-dialog"]')
      .getByRole('button', { name: /^(Sil|Delete)$/ })
      .click();
    await gone.waitFor({ state: 'detached' });
  });

  it('shows a failed uplink in the device’s inspector, and after the decoder is fixed re-decodes it into a reading', async () => {
    const me = await api<{ tenants: { id: string; name: string }[] }>('GET', '/api/auth/me');
    const hatsu = me.body.tenants.find((t) => t.name === 'HATSU')!.id;
    const list = await api<{ items: { id: string; networkId: { key: string; value: string } | null; meter: unknown }[] }>(
      'GET',
      `/api/devices?tenantId=${hatsu}&status=ACTIVE&attached=true&pageSize=50`,
    );
    const candidate = list.body.items.find((d) => d.networkId?.key === 'DevEUI' && d.meter)!;
    expect(candidate).toBeTruthy();
    const device = (
      await api<{ id: string; serialNo: string; profile: { id: string; modelCode: string }; meter: { lastIndexM3: number } }>(
        'GET',
        `/api/devices/${candidate.id}`,
      )
    ).body;
    profileId = device.profile.id;
    const all = await api<{ id: string; decoderSource: string; isActive: boolean }[]>('GET', `/api/device-profiles/${profileId}/scenarios`);
    scenarios = all.body.filter((s) => s.isActive).map(({ id, decoderSource }) => ({ id, decoderSource }));
    expect(scenarios.length).toBeGreaterThan(0);
    for (const s of scenarios)
      expect((await api('PATCH', `/api/device-profiles/${profileId}/scenarios/${s.id}`, { decoderSource: BROKEN_DECODER })).status).toBe(
        200,
      );

    // Two frames through the real webhook, with the URL and secret the console showed.
    const fCnt = 50_000 + Math.floor(Math.random() * 10_000);
    const indexes = [device.meter.lastIndexM3 + 0.05, device.meter.lastIndexM3 + 0.1].map((v) => Math.round(v * 1000) / 1000);
    for (const [k, indexM3] of indexes.entries()) {
      const up = encodeUplink(DEVICE_PROFILE_KEY_BY_MODEL[device.profile.modelCode]!, { indexM3, batteryPct: 71 });
      const res = await fetch(ttn.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-integration-secret': ttn.secret },
        body: JSON.stringify({
          end_device_ids: { dev_eui: candidate.networkId!.value },
          received_at: new Date(Date.now() - 60_000 + k * 10_000).toISOString(),
          uplink_message: {
            f_port: up.fPort,
            f_cnt: fCnt + k,
            frm_payload: up.payload.toString('base64'),
            rx_metadata: [
              { rssi: -97, snr: 7.5 },
              { rssi: -110, snr: 1 },
            ],
          },
        }),
      });
      expect(res.status).toBe(202);
    }

    await openPage(page, `/devices/${device.id}`);
    const inspector = page.locator('[data-testid="uplink-inspector"]');
    const rowOf = (n: number) => inspector.locator(`tr[data-fcnt="${n}"]`);
    const statusOf = async (n: number) => {
      const badge = rowOf(n).locator('[data-testid="uplink-status"]');
      return (await badge.count()) ? badge.getAttribute('data-status') : null;
    };
    await until(
      async () => (await statusOf(fCnt)) === 'FAILED' && (await statusOf(fCnt + 1)) === 'FAILED',
      () => inspector.locator('[data-testid="uplinks-refresh"]').click(),
    );
    await rowOf(fCnt).locator('[data-testid="uplink-expand"]').click();
    expect(await inspector.locator('[data-testid="uplink-errors"]').first().innerText()).toContain('vendor bug: e2e');
    expect(await rowOf(fCnt).innerText()).toMatch(/-97 dBm · 7.5 dB/);
    expect(await rowOf(fCnt).innerText()).toMatch(/2 (ağ geçidi|gateways)/);

    // The fix: the decoders as they were.
    for (const s of scenarios)
      expect((await api('PATCH', `/api/device-profiles/${profileId}/scenarios/${s.id}`, { decoderSource: s.decoderSource })).status).toBe(
        200,
      );

    // One uplink by its own button, then the rest of the range.
    await rowOf(fCnt).locator('[data-testid="uplink-redecode"]').click();
    const progress = inspector.locator('[data-testid="redecode-progress"]');
    await expect
      .poll(async () => ((await progress.count()) ? progress.getAttribute('data-state') : null), { timeout: 30_000 })
      .toBe('completed');
    expect(await progress.locator('[data-testid="redecode-counts"]').innerText()).toMatch(/1.*1.*1.*0/);
    await expect.poll(() => statusOf(fCnt), { timeout: 10_000 }).toBe('DECODED');
    expect(await statusOf(fCnt + 1)).toBe('FAILED');

    await inspector.locator('[data-testid="uplinks-redecode-range"]').click();
    // Only the uplink still failed is in the run; the table refreshes itself once it completed.
    await expect.poll(() => statusOf(fCnt + 1), { timeout: 30_000 }).toBe('DECODED');
    expect(await progress.getAttribute('data-state')).toBe('completed');
    expect(await progress.locator('[data-testid="redecode-counts"]').innerText()).toMatch(/^1\D+1\D+1\D+0\D*$/);

    // The readings went the normal way: the device's readings table shows both indexes.
    const volume = new Intl.NumberFormat('tr-TR', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    const readings = page.locator('[data-testid="readings-table"]');
    for (const index of indexes) await expect.poll(() => readings.innerText(), { timeout: 10_000 }).toContain(volume.format(index));
    const decoded = await api<{ items: { fCnt: number; status: string }[] }>(
      'GET',
      `/api/uplinks?deviceId=${device.id}&integrationId=${ttn.id}&status=DECODED`,
    );
    expect(decoded.body.items.map((u) => u.fCnt).sort()).toEqual([fCnt, fCnt + 1]);

    if (SHOTS) {
      await rowOf(fCnt + 1)
        .locator('[data-testid="uplink-expand"]')
        .click();
      // The inspector's top just under the console's header, as a user scrolls to it.
      await page.evaluate(() => {
        const top = document.querySelector('[data-testid="uplink-inspector"]')!.getBoundingClientRect().top;
        window.scrollBy(0, top - 72);
      });
      await page.screenshot({ path: `${SHOTS}/uplinks.png` });
      await openPage(page, '/integrations');
      await page.locator(`tr[data-integration="${ttn.name}"]`).waitFor();
      await page.screenshot({ path: `${SHOTS}/integrations.png` });
    }

    // The integration's own inspector lists the same frames, with their device.
    await openPage(page, `/integrations/${ttn.id}`);
    const own = page.locator('[data-testid="uplink-inspector"]');
    await own.locator(`tr[data-fcnt="${fCnt}"]`).waitFor();
    expect(await own.locator(`tr[data-fcnt="${fCnt + 1}"] a[href="/devices/${device.id}"]`).innerText()).toBe(device.serialNo);

    // The integration has uplinks now: deleting it is refused, and disabling is offered instead.
    await openPage(page, '/integrations');
    const row = page.locator(`[data-testid="integrations-table"] tr[data-integration="${ttn.name}"]`);
    expect(await row.locator('[data-testid="integration-counts"]').innerText()).toMatch(/2 (çözüldü|decoded)/);
    await row.locator('[data-testid="integration-delete"]').click();
    await page
      .locator('[data-testid="confirm-dialog"]')
      .getByRole('button', { name: /^(Sil|Delete)$/ })
      .click();
    await page.locator('[data-testid="integration-disable-instead"]').click();
    await expect.poll(() => row.locator('[data-testid="integration-state"]').innerText()).toMatch(/Devre dışı|Disabled/);
  });

  it('finds the decoder change and the integration’s creation in the audit log, and exports them', async () => {
    await openPage(page, '/audit-log');
    expect(await page.getByRole('navigation').locator('a[href="/audit-log"]').count()).toBe(1);
    await choose(page, page.locator('#audit-filter-entity'), /^(Mesaj senaryosu \(çözücü\)|Message scenario \(decoder\))$/);
    await page.waitForURL(/entityType=message_scenario/);
    const scenarioRow = page.locator(`[data-testid="audit-row"][data-entity-id="${scenarios[0]!.id}"]`).first();
    await scenarioRow.waitFor();
    await scenarioRow.locator('[data-testid="audit-expand"]').click();
    const details = page.locator('[data-testid="audit-details"]').first();
    // The newest change is the fix: from the broken decoder back to the original.
    expect(await details.locator('[data-testid="audit-before"]').innerText()).toContain('vendor bug: e2e');
    expect(await details.locator('[data-testid="audit-after"]').innerText()).toContain(
      JSON.stringify(scenarios[0]!.decoderSource).slice(1, 40),
    );
    expect(await details.innerText()).toMatch(/(Değişen|Changed):\s*decoderSource/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/audit-log.png` });

    await choose(page, page.locator('#audit-filter-entity'), /^(Entegrasyon|Integration)$/);
    await page.waitForURL(/entityType=integration/);
    const created = page.locator(`[data-testid="audit-row"][data-entity-id="${ttn.id}"]`);
    await created.first().waitFor();
    expect(await created.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/Oluşturdu|Created/)]));
    // The export carries the same filters and, through the console's proxy, the session.
    const href = await page.locator('[data-testid="audit-export"]').getAttribute('href');
    expect(href).toBe('/api/audit-log/export.csv?entityType=integration');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href!);
    expect(csv.split('\n')[0]).toContain('entity type');
    expect(csv).toContain(ttn.id);
    expect(csv).not.toContain('message_scenario');
    expect(csv).not.toContain(ttn.secret);
  });
});
