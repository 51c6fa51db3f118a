import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage, webUrl } from './support/browser';

const ASKI_ADMIN = 'aski.yetkili@example.com';
// E2E_SCREENSHOTS=1 writes the pages' pictures into docs/screenshots (kept out of ordinary runs).
const SHOTS = process.env.E2E_SCREENSHOTS === '1' ? resolve(__dirname, '../../../../docs/screenshots') : null;

interface MeterRow {
  id: string;
  serialNo: string;
  lastReadingAt: string | null;
  lastIndexM3: number | null;
}

/** Issue 17's "done when": a browser imports a small file through the wizard and exports a filtered list. */
describe('meter data: import and export', () => {
  let browser: Browser;
  let meter: MeterRow;
  beforeAll(async () => {
    browser = await launch();
    const api = await apiAs(ASKI_ADMIN);
    const meters = await api<{ items: MeterRow[] }>('GET', '/api/meters?status=ACTIVE&pageSize=50&sort=serialNo');
    const found = meters.body.items.find((m) => m.lastReadingAt && m.lastIndexM3 !== null);
    expect(found, 'a seeded ASKİ meter with readings').toBeDefined();
    meter = found!;
  });
  afterAll(async () => browser?.close());

  it('imports a CSV of readings: upload, preview, dry run, confirm, progress and report', async () => {
    // Between the meter's stored readings (an odd second, so no stored one has that time), at its last index.
    const time = new Date(Date.parse(meter.lastReadingAt!) - 17 * 60_000 - 13_000);
    time.setUTCMilliseconds(0);
    const csv = `meter_serial;time;index\n${meter.serialNo};${time.toISOString()};${String(meter.lastIndexM3).replace('.', ',')}\n`;

    const page = await signedInPage(browser, ASKI_ADMIN);
    await openPage(page, '/imports');
    await page
      .locator('[data-testid="import-file"]')
      .setInputFiles({ name: 'readings.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const preview = page.locator('[data-testid="import-preview"]');
    await preview.waitFor();
    expect(await preview.locator('tbody tr').count()).toBe(1);

    await page.locator('[data-testid="import-check"]').click();
    const job = page.locator('[data-testid="import-job"]');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('DONE');
    expect(await job.getAttribute('data-dry-run')).toBe('true');
    expect(await page.locator('[data-testid="import-total"]').innerText()).toBe('1');
    expect(await page.locator('[data-testid="import-failed"]').innerText()).toBe('0');
    expect(new URL(page.url()).searchParams.get('job')).toBeTruthy();

    await page.locator('[data-testid="import-confirm"]').click();
    await expect
      .poll(async () => `${await job.getAttribute('data-dry-run')}:${await job.getAttribute('data-status')}`, { timeout: 60_000 })
      .toBe('false:DONE');
    expect(await page.locator('[data-testid="import-created"]').innerText()).toBe('1');
    await expect.poll(() => page.locator('[aria-current="step"]').innerText()).toMatch(/Rapor|Report/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/import-report.png`, fullPage: true });

    // The reading is stored, and the meter's reading table shows it with its quality.
    const api = await apiAs(ASKI_ADMIN);
    const readings = await api<{ items: { time: string; source: string; quality: string }[] }>(
      'GET',
      `/api/meters/${meter.id}/readings?pageSize=200`,
    );
    expect(readings.body.items.find((r) => r.time === time.toISOString())).toMatchObject({ source: 'CSV_IMPORT' });
    await openPage(page, `/meters/${meter.id}`);
    await page.locator('[data-testid="readings-table"] [data-testid="quality-badge"]').first().waitFor();
    await page.context().close();
  });

  it('enters a manual reading with its reason on the meter page, and shows it in the reading history', async () => {
    const page = await signedInPage(browser, ASKI_ADMIN);
    await openPage(page, `/meters/${meter.id}`);
    await page.locator('[data-testid="reading-enter"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.locator('[data-testid="reading-edit-index"]').fill(String((meter.lastIndexM3 ?? 0) + 0.5).replace('.', ','));
    // No reason: the form refuses before asking the API.
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('[data-slot="field-error"]').first().waitFor();
    await dialog.locator('[data-testid="reading-edit-reason"]').fill('Saha ziyareti: sayaç okundu');
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });

    const edited = page.locator('[data-testid="readings-table"] [data-quality="EDITED"]').first();
    await edited.waitFor({ timeout: 30_000 });
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/meter-readings-quality.png`, fullPage: true });
    await page
      .locator('[data-testid="readings-table"] tbody tr', { has: page.locator('[data-quality="EDITED"]') })
      .first()
      .getByRole('button', { name: /geçmiş|history/i })
      .click();
    const history = page.locator('[data-testid="reading-revisions"]');
    await history.waitFor();
    expect(await history.innerText()).toContain('Saha ziyareti: sayaç okundu');

    // The consumption table above exports the range it shows.
    const consumptionCsv = await page.locator('[data-testid="export-consumption-csv"]').getAttribute('href');
    expect(consumptionCsv).toMatch(new RegExp(`^/api/exports/consumption/meters/${meter.id}\\?interval=day&from=`));
    const file = await page.request.get(webUrl(consumptionCsv!));
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toContain('text/csv');
    await page.context().close();
  });

  it('shows the data-quality view and the rule settings of the tenant', async () => {
    const page = await signedInPage(browser, ASKI_ADMIN);
    await openPage(page, '/data-quality?days=7');
    await page.locator('[data-testid="quality-days"]').waitFor();
    expect(Number((await page.locator('[data-testid="quality-count-edited"]').innerText()).replace(/\D/g, ''))).toBeGreaterThan(0);
    await page
      .locator('[data-testid="quality-rules"]')
      .getByText(/elle okuma|manual reading/i)
      .first()
      .waitFor();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/data-quality.png`, fullPage: true });
    await openPage(page, '/data-quality/settings');
    await page.locator('[data-testid="meter-data-settings"]').waitFor();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/data-quality-settings.png`, fullPage: true });
    await page.context().close();
  });

  it('exports the meters list as it is filtered on screen, as CSV and XLSX', async () => {
    const page = await signedInPage(browser, ASKI_ADMIN);
    await openPage(page, `/meters?status=ACTIVE&q=${encodeURIComponent(meter.serialNo)}`);
    const link = page.locator('[data-testid="export-meters-csv"]');
    await link.waitFor();
    const href = new URL((await link.getAttribute('href'))!, 'http://console');
    expect(href.pathname).toBe('/api/exports/meters');
    expect(Object.fromEntries(href.searchParams)).toMatchObject({ status: 'ACTIVE', search: meter.serialNo, format: 'csv' });
    expect(href.searchParams.has('page')).toBe(false);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const lines = text.trim().split(/\r?\n/);
    const api = await apiAs(ASKI_ADMIN);
    const listed = await api<{ total: number }>('GET', `/api/meters?status=ACTIVE&search=${encodeURIComponent(meter.serialNo)}`);
    expect(lines.length - 1).toBe(listed.body.total);
    expect(lines.slice(1).every((line) => line.includes(meter.serialNo))).toBe(true);

    const xlsxHref = await page.locator('[data-testid="export-meters-xlsx"]').getAttribute('href');
    const xlsx = await page.request.get(webUrl(xlsxHref!));
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
    await page.context().close();
  });
});
