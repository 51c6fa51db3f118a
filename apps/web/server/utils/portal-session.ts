import type { H3Event } from 'h3';
import type { ApiErrorBody, TokenPair } from '#shared/types/auth';
import { createRefreshDeduper } from './refresh-dedup';
import { answerTokenCall, clientHeaders, cookieOptions, isTokenPair, postToApi } from './session';

/**
 * The customer portal's session: its own httpOnly cookies, never the console's. A console cookie is
 * never sent to a portal route nor a portal cookie to a console route (see routes/api/[...].ts), so
 * one browser may hold both sessions without either opening the other's pages.
 */
export const PORTAL_ACCESS_COOKIE = 'water_portal_access';
export const PORTAL_REFRESH_COOKIE = 'water_portal_refresh';

/** How the proxy treats a path under /api: which session it carries, or none. */
export type ProxyRoute =
  /** Never proxied: it mints or revokes tokens (this server's session routes do it), or is this server's own. */
  | 'blocked'
  /** A portal route that mints nothing and needs no session (sign-up start, password-reset start and verify). */
  | 'portal-public'
  /** A portal route: the portal access token. */
  | 'portal'
  /** Any other API route: the console's access token. */
  | 'console';

const BLOCKED = new Set([
  '/api/auth/login',
  '/api/auth/refresh',
  '/api/auth/logout',
  '/api/auth/me/password',
  '/api/portal/auth/login',
  '/api/portal/auth/refresh',
  '/api/portal/auth/logout',
  '/api/portal/auth/signup/verify',
]);
const PORTAL_PUBLIC = new Set(['/api/portal/auth/signup', '/api/portal/auth/password-reset', '/api/portal/auth/password-reset/verify']);
const OWN_PREFIXES = ['/api/session', '/api/portal-session'];

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * Classifies the path the API will receive (already resolved as fetch() resolves it: dot segments
 * and percent-encoded dots applied). Compared without case, doubled or trailing slashes, so a
 * variant spelling of a token route cannot slip through as an ordinary one.
 */
export function proxyRouteOf(pathname: string): ProxyRoute {
  const path = pathname
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '');
  if (BLOCKED.has(path) || OWN_PREFIXES.some((prefix) => under(path, prefix))) return 'blocked';
  if (PORTAL_PUBLIC.has(path)) return 'portal-public';
  if (under(path, '/api/portal')) return 'portal';
  return 'console';
}

export function setPortalCookies(event: H3Event, pair: TokenPair): void {
  const options = cookieOptions(event);
  // As the console's: the access cookie dies with its token, so an expired one is refreshed before the API is asked.
  setCookie(event, PORTAL_ACCESS_COOKIE, pair.accessToken, { ...options, expires: new Date(pair.accessTokenExpiresAt) });
  setCookie(event, PORTAL_REFRESH_COOKIE, pair.refreshToken, { ...options, expires: new Date(pair.refreshTokenExpiresAt) });
}

export function clearPortalCookies(event: H3Event): void {
  const options = cookieOptions(event);
  deleteCookie(event, PORTAL_ACCESS_COOKIE, options);
  deleteCookie(event, PORTAL_REFRESH_COOKIE, options);
}

// Process-wide for the same reason as the console's (see refresh-dedup.ts): portal refresh tokens rotate too.
const refreshPortalOnce = createRefreshDeduper(
  async (refreshToken: string, headers: Record<string, string> = {}): Promise<TokenPair | null> => {
    const response = await postToApi('/api/portal/auth/refresh', { refreshToken }, headers);
    // Only a refusal ends the session; a failing API (5xx, 429) must not sign the customer out.
    if (response.status === 400 || response.status === 401 || response.status === 403) return null;
    if (!response.ok) throw new Error(`Portal refresh failed with HTTP ${response.status}`);
    const pair: unknown = await response.json();
    return isTokenPair(pair) ? pair : null;
  },
);

/** Exchanges a portal refresh token once per token value; null when the API refuses it. */
export async function refreshPortalSession(refreshToken: string, event?: H3Event): Promise<TokenPair | null> {
  const headers = clientHeaders(event);
  const pair = await refreshPortalOnce(refreshToken, headers);
  if (pair && Date.parse(pair.accessTokenExpiresAt) <= Date.now()) return refreshPortalOnce(pair.refreshToken, headers);
  return pair;
}

/** The portal access token of this request, refreshed (cookies rotated) when only the refresh cookie is left. */
export async function currentPortalAccessToken(event: H3Event): Promise<string | null> {
  const access = getCookie(event, PORTAL_ACCESS_COOKIE);
  if (access) return access;
  const refresh = getCookie(event, PORTAL_REFRESH_COOKIE);
  if (!refresh) return null;
  const pair = await refreshPortalSession(refresh, event);
  if (!pair) {
    clearPortalCookies(event);
    return null;
  }
  setPortalCookies(event, pair);
  return pair.accessToken;
}

/** Posts to a portal route that answers a token pair (login, sign-up verification): the pair lands in the portal cookies. */
export async function startPortalSession(event: H3Event, apiPath: string, body: Record<string, unknown>): Promise<ApiErrorBody | null> {
  // A new portal session replaces any earlier one of this browser (another customer's included).
  const response = await postToApi(apiPath, body, clientHeaders(event)).catch(() => null);
  return answerTokenCall(event, response, setPortalCookies);
}
