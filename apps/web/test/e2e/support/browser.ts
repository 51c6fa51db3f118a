import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const SEED_PASSWORD = 'Asdf1234.';

/** Debian's Chromium, headless, without any of its calls home (the machine has no network). */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function webUrl(path = '/'): string {
  return `${inject('webUrl')}${path}`;
}

/** Signs in through the login form and waits for the console. */
export async function signIn(page: Page, email: string, password = SEED_PASSWORD): Promise<void> {
  await page.goto(webUrl('/login'));
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.locator('[data-testid="login-form"] button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 });
}

/**
 * Opens a console page and waits until Vue has hydrated it: before that the server-rendered
 * controls ignore clicks (a select would not open). Nuxt's client puts useNuxtApp on window.
 */
export async function openPage(page: Page, path: string): Promise<void> {
  await page.goto(webUrl(path));
  await page.waitForFunction(
    () => (window as unknown as { useNuxtApp?: () => { isHydrating?: boolean } }).useNuxtApp?.().isHydrating === false,
  );
}

/** A fresh browser context at desktop size, signed in as `email`. */
export async function signedInPage(browser: Browser, email: string, password = SEED_PASSWORD): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, email, password);
  return page;
}

/** Calls the API directly (test set-up), signed in as `email`. */
export async function apiAs(email: string, password = SEED_PASSWORD) {
  const base = inject('apiUrl');
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in ${email}: ${login.status}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async <T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}
