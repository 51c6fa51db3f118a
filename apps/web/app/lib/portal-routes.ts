/** The customer portal's places (issue 19): pages under /portal, with their own layout and session. */

export const PORTAL_HOME = '/portal';
export const PORTAL_LOGIN = '/portal/login';

/** Whether a path is the portal's: the console's sign-in never guards it, the portal's does. */
export function isPortalPath(path: string): boolean {
  return path === PORTAL_HOME || path.startsWith(`${PORTAL_HOME}/`);
}

/** Portal pages open without a portal session. */
export const PORTAL_PUBLIC_PATHS: readonly string[] = [PORTAL_LOGIN, '/portal/signup', '/portal/reset-password'];

export function isPortalPublicPath(path: string): boolean {
  const bare = path.replace(/\/+$/, '') || '/';
  return PORTAL_PUBLIC_PATHS.includes(bare);
}

/** Where to go after signing in: a portal page the query names, never another site, the console or a public portal page. */
export function safePortalRedirect(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return PORTAL_HOME;
  const path = value.split(/[?#]/)[0] ?? '';
  if (!isPortalPath(path) || isPortalPublicPath(path)) return PORTAL_HOME;
  return value;
}

/** The portal's navigation: label keys of portal.json, paths, and the test ids the browser tests use. */
export const PORTAL_NAV = [
  { key: 'portal.nav.home', to: PORTAL_HOME, testid: 'portal-nav-home' },
  { key: 'portal.nav.consumption', to: '/portal/subscriptions', testid: 'portal-nav-consumption' },
  { key: 'portal.nav.invoices', to: '/portal/invoices', testid: 'portal-nav-invoices' },
  { key: 'portal.nav.alarms', to: '/portal/alarms', testid: 'portal-nav-alarms' },
  { key: 'portal.nav.notifications', to: '/portal/notifications', testid: 'portal-nav-notifications' },
  { key: 'portal.nav.profile', to: '/portal/profile', testid: 'portal-nav-profile' },
] as const;

/** The nav entry a path belongs to (the longest matching prefix), for aria-current. */
export function activePortalNav(path: string): string | null {
  let best: string | null = null;
  for (const item of PORTAL_NAV) {
    const matches = item.to === PORTAL_HOME ? path === PORTAL_HOME || path === `${PORTAL_HOME}/` : isUnder(path, item.to);
    if (matches && (!best || item.to.length > best.length)) best = item.to;
  }
  return best;
}

const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The customer as they are addressed: a person's name and surname, an organisation's name. */
export function customerName(c: { type: string; name: string | null; surname: string | null; organizationName: string | null }): string {
  if (c.type === 'ORGANIZATIONAL') return c.organizationName?.trim() || [c.name, c.surname].filter(Boolean).join(' ');
  return [c.name, c.surname].filter(Boolean).join(' ').trim() || c.organizationName?.trim() || '';
}
