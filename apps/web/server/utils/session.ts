import { Socket } from 'node:net';
import type { H3Event } from 'h3';
import type { ApiErrorBody, TokenPair } from '#shared/types/auth';
import { browserAddress, consoleProxyHeaders } from './client-address';
import { createRefreshDeduper } from './refresh-dedup';

/** httpOnly cookies holding the API tokens; the browser sends them but its scripts never read them. */
export const ACCESS_COOKIE = 'water_access';
export const REFRESH_COOKIE = 'water_refresh';

export function apiUrl(path: string): string {
  const base = String(useRuntimeConfig().apiBase).replace(/\/+$/, '');
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

function secureCookies(event: H3Event): boolean {
  const configured = String(useRuntimeConfig(event).sessionCookieSecure ?? '')
    .trim()
    .toLowerCase();
  if (configured === 'true') return true;
  if (configured === 'false') return false;
  return !import.meta.dev;
}

export function cookieOptions(event: H3Event) {
  return { httpOnly: true, sameSite: 'lax', secure: secureCookies(event), path: '/' } as const;
}

export function setSessionCookies(event: H3Event, pair: TokenPair): void {
  const options = cookieOptions(event);
  // The access cookie dies with its token, so an expired token is refreshed before the API is asked.
  setCookie(event, ACCESS_COOKIE, pair.accessToken, { ...options, expires: new Date(pair.accessTokenExpiresAt) });
  setCookie(event, REFRESH_COOKIE, pair.refreshToken, { ...options, expires: new Date(pair.refreshTokenExpiresAt) });
}

export function clearSessionCookies(event: H3Event): void {
  const options = cookieOptions(event);
  deleteCookie(event, ACCESS_COOKIE, options);
  deleteCookie(event, REFRESH_COOKIE, options);
}

export function isTokenPair(value: unknown): value is TokenPair {
  const v = value as Partial<TokenPair> | null;
  return (
    !!v &&
    typeof v.accessToken === 'string' &&
    typeof v.refreshToken === 'string' &&
    typeof v.accessTokenExpiresAt === 'string' &&
    typeof v.refreshTokenExpiresAt === 'string'
  );
}

export function errorBody(statusCode: number, error: string, message: string): ApiErrorBody {
  return { statusCode, error, message, details: [] };
}

/**
 * Answers a call that asked the API for a token pair (a sign-in, the console's or the portal's): the pair
 * goes into the cookies through `keep` and the browser gets 204 and no token; a refusal is passed on as
 * the API gave it (400/401 with its message and details, 429 with Retry-After); no answer is a 502.
 */
export async function answerTokenCall(
  event: H3Event,
  response: Response | null,
  keep: (event: H3Event, pair: TokenPair) => void,
): Promise<ApiErrorBody | null> {
  if (!response) {
    setResponseStatus(event, 502);
    return errorBody(502, 'Bad Gateway', 'API unreachable');
  }
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok && isTokenPair(payload)) {
    keep(event, payload);
    setResponseStatus(event, 204);
    return null;
  }
  const retryAfter = response.headers.get('retry-after');
  // Set on the node response: h3 types Retry-After as a number, but the API may send an HTTP date.
  if (retryAfter) event.node.res.setHeader('retry-after', retryAfter);
  const status = response.ok ? 502 : response.status;
  setResponseStatus(event, status);
  const error = payload as Partial<ApiErrorBody> | null;
  return {
    statusCode: status,
    error: error?.error ?? 'Error',
    message: error?.message ?? '',
    details: Array.isArray(error?.details) ? error.details : [],
  };
}

/**
 * The browser's own address for the API, in headers the API trusts only with the shared secret
 * (NUXT_CONSOLE_PROXY_SECRET = the API's CONSOLE_PROXY_SECRET): the API rate-limits sign-ins per
 * client address, and without them every console user would share this server's address. The
 * browser's own X-Forwarded-For or X-Console-* headers are never passed on (see client-address.ts).
 */
export function clientHeaders(event: H3Event | undefined): Record<string, string> {
  if (!event) return {};
  const config = useRuntimeConfig(event);
  const socket = event.node.req.socket;
  // Only a request from outside arrives on a real socket; the in-process calls of SSR have a stand-in.
  const inProcess = !(socket instanceof Socket);
  const address = browserAddress(
    getRequestHeader(event, 'x-forwarded-for'),
    inProcess ? undefined : socket.remoteAddress,
    Number(config.trustProxyHops) || 0,
    inProcess,
  );
  return consoleProxyHeaders(address, String(config.consoleProxySecret ?? ''));
}

/** POSTs JSON to the API; a network failure rejects (callers answer 502). */
export function postToApi(path: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...extraHeaders, 'content-type': 'application/json', accept: 'application/json' };
  return fetch(apiUrl(path), { method: 'POST', headers, body: JSON.stringify(body) });
}

// Process-wide on purpose: it must see every request carrying the same refresh token (see refresh-dedup.ts).
// It holds only in-flight refreshes and their results for a few seconds, never per-user state.
const refreshOnce = createRefreshDeduper(async (refreshToken: string, headers: Record<string, string> = {}): Promise<TokenPair | null> => {
  const response = await postToApi('/api/auth/refresh', { refreshToken }, headers);
  // Only a refusal ends the session; a failing API (5xx, 429) must not sign the user out.
  if (response.status === 400 || response.status === 401 || response.status === 403) return null;
  if (!response.ok) throw new Error(`Refresh failed with HTTP ${response.status}`);
  const pair: unknown = await response.json();
  return isTokenPair(pair) ? pair : null;
});

/** Exchanges a refresh token once per token value; null when the API refuses it. */
export async function refreshSession(refreshToken: string, event?: H3Event): Promise<TokenPair | null> {
  const headers = clientHeaders(event);
  const pair = await refreshOnce(refreshToken, headers);
  // A late caller may get a pair kept from a refresh a few seconds ago; if its access token has
  // expired meanwhile, follow the rotation with the newer refresh token.
  if (pair && Date.parse(pair.accessTokenExpiresAt) <= Date.now()) return refreshOnce(pair.refreshToken, headers);
  return pair;
}

/**
 * The access token of this request, refreshed (and the cookies rotated) when only the refresh cookie is left.
 * Null when the browser is not signed in.
 */
export async function currentAccessToken(event: H3Event): Promise<string | null> {
  const access = getCookie(event, ACCESS_COOKIE);
  if (access) return access;
  const refresh = getCookie(event, REFRESH_COOKIE);
  if (!refresh) return null;
  const pair = await refreshSession(refresh, event);
  if (!pair) {
    clearSessionCookies(event);
    return null;
  }
  setSessionCookies(event, pair);
  return pair.accessToken;
}
