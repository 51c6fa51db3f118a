import type { H3Event } from 'h3';
import type { ApiErrorBody, TokenPair } from '#shared/types/auth';
import { createRefreshDeduper } from './refresh-dedup';

/** httpOnly cookies holding the API tokens; the browser sends them but its scripts never read them. */
export const ACCESS_COOKIE = 'water_access';
export const REFRESH_COOKIE = 'water_refresh';

export function apiUrl(path: string): string {
  const base = String(useRuntimeConfig().apiBase).replace(/\/+$/, '');
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

function secureCookies(event: H3Event): boolean {
  const configured = String(useRuntimeConfig(event).sessionCookieSecure ?? '').trim().toLowerCase();
  if (configured === 'true') return true;
  if (configured === 'false') return false;
  return !import.meta.dev;
}

function cookieOptions(event: H3Event) {
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

/** POSTs JSON to the API; network failures surface as a 502 in the API's error shape. */
export async function postToApi(path: string, body: unknown): Promise<Response> {
  try {
    return await fetch(apiUrl(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw createError({ statusCode: 502, statusMessage: 'Bad Gateway', data: errorBody(502, 'Bad Gateway', 'API unreachable') });
  }
}

// Process-wide on purpose: it must see every request carrying the same refresh token (see refresh-dedup.ts).
// It holds only in-flight refreshes and their results for a few seconds, never per-user state.
const refreshOnce = createRefreshDeduper(async (refreshToken: string): Promise<TokenPair | null> => {
  const response = await postToApi('/api/auth/refresh', { refreshToken });
  if (!response.ok) return null;
  const pair: unknown = await response.json();
  return isTokenPair(pair) ? pair : null;
});

/** Exchanges a refresh token once per token value; null when the API refuses it. */
export function refreshSession(refreshToken: string): Promise<TokenPair | null> {
  return refreshOnce(refreshToken);
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
  const pair = await refreshSession(refresh);
  if (!pair) {
    clearSessionCookies(event);
    return null;
  }
  setSessionCookies(event, pair);
  return pair.accessToken;
}
