import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, openPage, signedInPage } from './support/browser';

const ROOT_ADMIN = 'iot@una.net.tr';

interface AlarmRow {
  id: string;
  state: 'OPEN' | 'ACKNOWLEDGED' | 'CLEARED' | 'CLOSED';
  acknowledgedAt: string | null;
  assignedTo: { id: string; displayName: string } | null;
  closeReason: string | null;
}

/** Writes a text into the open dialog and saves it. */
async function submitDialog(page: Page, text: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.locator('textarea').fill(text);
  await dialog.locator('button[type="submit"]').click();
  await dialog.waitFor({ state: 'detached' });
}

describe('alarms as work', () => {
  let browser: Browser;
  let page: Page;
  let api: Awaited<ReturnType<typeof apiAs>>;
  let open: AlarmRow[] = [];

  beforeAll(async () => {
    browser = await launch();
    page = await signedInPage(browser, ROOT_ADMIN);
    api = await apiAs(ROOT_ADMIN);
    // The newest active alarms (the list's first page by default), of which three nobody took yet.
    const active = await api<{ items: AlarmRow[] }>('GET', '/api/alarms?state=active&pageSize=30');
    open = active.body.items.filter((a) => a.state === 'OPEN');
  });
  afterAll(async () => browser?.close());

  it("acknowledges an alarm with a comment, assigns it, adds a note, closes it with a reason, and shows others' work live", async () => {
    expect(open.length, 'three open alarms on the first page').toBeGreaterThanOrEqual(3);
    const alarm = open[2]!;
    await openPage(page, `/alarms/${alarm.id}`);
    const timeline = page.locator('[data-testid="alarm-timeline"]');
    await timeline.locator('[data-kind="RAISED"]').waitFor();

    await page.locator('[data-testid="alarm-acknowledge"]').click();
    await submitDialog(page, 'Ekip yolda (e2e)');
    await timeline.locator('[data-kind="ACKNOWLEDGED"]', { hasText: 'Ekip yolda (e2e)' }).waitFor();
    expect(await page.locator('[data-testid="alarm-acknowledge"]').count()).toBe(0);

    await page.locator('[data-testid="alarm-assign"]').click();
    const select = page.getByRole('dialog').locator('select');
    await select.locator('option:not([disabled])').first().waitFor({ state: 'attached' });
    const assignee = await select.locator('option:not([disabled])').first().getAttribute('value');
    await select.selectOption(assignee!);
    await page.getByRole('dialog').locator('button[type="submit"]').click();
    await timeline.locator('[data-kind="ASSIGNED"]').waitFor();
    await page.locator('[data-testid="alarm-unassign"]').waitFor();

    await page.locator('[data-testid="alarm-note"]').click();
    await submitDialog(page, 'Vana değiştirildi (e2e)');
    await timeline.locator('[data-kind="NOTE"]', { hasText: 'Vana değiştirildi (e2e)' }).waitFor();

    await page.locator('[data-testid="alarm-close"]').click();
    await submitDialog(page, 'Yanlış alarm (e2e)');
    await timeline.locator('[data-kind="CLOSED"]', { hasText: 'Yanlış alarm (e2e)' }).waitFor();
    await page.locator('[data-alarm-state="CLOSED"]').waitFor();
    // A closed alarm takes notes only.
    expect(await page.locator('[data-testid="alarm-close"], [data-testid="alarm-assign"]').count()).toBe(0);
    expect(await page.locator('[data-testid="alarm-note"]').count()).toBe(1);

    // Someone else's note shows without a reload (alarm.updated).
    await page.locator('[data-testid="live-status"][data-status="connected"]').waitFor({ timeout: 30_000 });
    expect((await api('POST', `/api/alarms/${alarm.id}/notes`, { text: 'Başka bir operatör (e2e)' })).status).toBe(200);
    await timeline.locator('[data-kind="NOTE"]', { hasText: 'Başka bir operatör (e2e)' }).waitFor({ timeout: 15_000 });

    const detail = await api<AlarmRow & { timeline: { kind: string }[] }>('GET', `/api/alarms/${alarm.id}`);
    expect(detail.body).toMatchObject({ state: 'CLOSED', closeReason: 'Yanlış alarm (e2e)', assignedTo: { id: assignee } });
    expect(detail.body.timeline.map((e) => e.kind)).toEqual(['RAISED', 'ACKNOWLEDGED', 'ASSIGNED', 'NOTE', 'CLOSED', 'NOTE']);
  });

  it('acknowledges two alarms of the list at once and shows how each ended', async () => {
    const [a, b] = open;
    await openPage(page, '/alarms');
    for (const alarm of [a!, b!]) await page.locator(`[data-alarm-id="${alarm.id}"] [data-testid="alarm-select"]`).click();
    await page.locator('[data-testid="alarm-bulk-acknowledge"]').click();
    await page.locator('[data-testid="alarm-bulk-outcome"]').waitFor();
    for (const alarm of [a!, b!]) {
      const row = page.locator(`[data-alarm-id="${alarm.id}"]`);
      await row.locator('[data-testid="alarm-outcome"]').waitFor();
      await row.locator('[data-alarm-state="ACKNOWLEDGED"]').waitFor();
      const after = await api<AlarmRow>('GET', `/api/alarms/${alarm.id}`);
      expect(after.body.state).toBe('ACKNOWLEDGED');
    }

    // The row opens the alarm's page.
    await page.locator(`[data-alarm-id="${a!.id}"] [data-testid="alarm-link"]`).click();
    await page.waitForURL((url) => url.pathname === `/alarms/${a!.id}`);
    await page.locator('[data-testid="alarm-timeline"] [data-kind="ACKNOWLEDGED"]').waitFor();
  });
});
