import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage } from './support/browser';

interface Consumption {
  bucketStarts: string[];
  values: number[];
  totalM3: number;
}

/** "1.234,567" (Turkish, the default locale) → 1234.567 */
const turkishNumber = (s: string) =>
  Number(
    s
      .replace(/[^\d,.-]/g, '')
      .replace(/\./g, '')
      .replace(',', '.'),
  );

describe('consumption history', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('draws a meter’s daily consumption from the API’s bucket columns, one table row per day', async () => {
    // A week of whole past days in the tenant's zone (Europe/Istanbul, UTC+03:00 all year), as the URL gives them.
    const day = (ago: number) => new Date(Date.now() + 3 * 3_600_000 - ago * 86_400_000).toISOString().slice(0, 10);
    const [first, last, end] = [day(8), day(2), day(1)];
    const dotted = (iso: string) => iso.split('-').reverse().join('.');
    const api = await apiAs('aski.yetkili@example.com');
    const meters = await api<{ items: { id: string }[] }>('GET', '/api/meters?status=ACTIVE&pageSize=50');
    let meter: { id: string; consumption: Consumption } | undefined;
    for (const m of meters.body.items) {
      const query = `interval=day&from=${first}T00:00:00%2B03:00&to=${end}T00:00:00%2B03:00`;
      const c = await api<Consumption>('GET', `/api/meters/${m.id}/consumption?${query}`);
      if (c.status === 200 && c.body.totalM3 > 0) {
        meter = { id: m.id, consumption: c.body };
        break;
      }
    }
    expect(meter, 'a seeded meter that used water that week').toBeDefined();
    expect(meter!.consumption.bucketStarts).toHaveLength(7);

    const page = await signedInPage(browser, 'aski.yetkili@example.com');
    await openPage(page, `/meters/${meter!.id}?interval=day&from=${dotted(first)}&to=${dotted(last)}`);
    const chart = page.locator('[data-testid="consumption-chart"]');
    await chart.waitFor({ timeout: 30_000 });
    await chart.locator('summary').click();
    const rows = chart.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(7);
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => (tr.querySelectorAll('td')[1]?.textContent ?? '').trim()));
    expect(cells.map(turkishNumber)).toEqual(meter!.consumption.values);
    await page.context().close();
  });
});
