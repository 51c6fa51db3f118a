import type { H3Event } from 'h3';
import type { TokenPair } from '#shared/types/auth';

// Routes that mint or revoke tokens stay behind /api/session/* and /api/portal-session/*; proxying them
// would hand tokens to the browser (proxyRouteOf in utils/portal-session.ts lists them).

/** The cookies one kind of route travels with: the console's, or the customer portal's, never both. */
interface ProxySession {
  accessCookie: string;
  refreshCookie: string;
  refresh(refreshToken: string, event: H3Event): Promise<TokenPair | null>;
  set(event: H3Event, pair: TokenPair): void;
  clear(event: H3Event): void;
}

const CONSOLE: ProxySession = {
  accessCookie: ACCESS_COOKIE,
  refreshCookie: REFRESH_COOKIE,
  refresh: refreshSession,
  set: setSessionCookies,
  clear: clearSessionCookies,
};

const PORTAL: ProxySession = {
  accessCookie: PORTAL_ACCESS_COOKIE,
  refreshCookie: PORTAL_REFRESH_COOKIE,
  refresh: refreshPortalSession,
  set: setPortalCookies,
  clear: clearPortalCookies,
};

// Request headers worth passing on; cookies stay here (the API authenticates by bearer token only).
// Never X-Forwarded-For or X-Console-*: the browser's address goes in clientHeaders(), vouched for by the shared secret.
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'if-none-match',
  'if-modified-since',
  'user-agent',
  'x-request-id',
];

// fetch() has already decoded the body and the web server owns the cookies, so these are not copied back.
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'keep-alive',
  'set-cookie',
  'transfer-encoding',
]);

function forward(event: H3Event, url: string, accessToken: string | null, body: Buffer | undefined): Promise<Response> {
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = getRequestHeader(event, name);
    if (value) headers.set(name, value);
  }
  if (accessToken) headers.set('authorization', `Bearer ${accessToken}`);
  for (const [name, value] of Object.entries(clientHeaders(event))) headers.set(name, value);
  return fetch(url, { method: event.method, headers, body: body ? new Uint8Array(body) : undefined, redirect: 'manual' });
}

/**
 * Forwards /api/** to the API with the bearer token of the session the route belongs to: the customer
 * portal's for /api/portal/**, the console's otherwise. On a 401 refreshes that session once and retries.
 */
export default defineEventHandler(async (event) => {
  const path = event.path;
  const url = apiUrl(path);
  // Classified as the API will see it: fetch() resolves dot segments (also percent-encoded ones).
  const route = proxyRouteOf(new URL(url).pathname);
  if (route === 'blocked') {
    setResponseStatus(event, 404);
    return errorBody(404, 'Not Found', 'Not found');
  }

  const session = route === 'console' ? CONSOLE : PORTAL;
  const body = event.method === 'GET' || event.method === 'HEAD' ? undefined : await readRawBody(event, false);

  if (route === 'portal-public') {
    // Mints nothing and needs no session: sent without any token.
    return relay(event, await forward(event, url, null, body).catch(() => null));
  }

  const refreshToken = getCookie(event, session.refreshCookie);
  let accessToken = getCookie(event, session.accessCookie);
  let refreshed = false;

  // Called at most once per request: with a missing access cookie, or after the API refused the token.
  const refresh = async (): Promise<string | undefined> => {
    refreshed = true;
    const pair = refreshToken ? await session.refresh(refreshToken, event) : null;
    if (!pair) {
      session.clear(event);
      return undefined;
    }
    session.set(event, pair);
    return pair.accessToken;
  };

  let response: Response;
  try {
    if (!accessToken && refreshToken) accessToken = await refresh();
    if (!accessToken) {
      setResponseStatus(event, 401);
      return errorBody(401, 'Unauthorized', 'Not signed in');
    }
    response = await forward(event, url, accessToken, body);
    if (response.status === 401 && refreshToken && !refreshed) {
      const renewed = await refresh();
      if (renewed) response = await forward(event, url, renewed, body);
    }
  } catch {
    return relay(event, null);
  }
  return relay(event, response);
});

/** Passes the API's answer on (502 when it could not be reached). */
function relay(event: H3Event, response: Response | null) {
  if (!response) {
    setResponseStatus(event, 502);
    return errorBody(502, 'Bad Gateway', 'API unreachable');
  }
  setResponseStatus(event, response.status, response.statusText);
  response.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) setResponseHeader(event, name, value);
  });
  if (response.status === 204 || response.status === 304 || !response.body) return null;
  return response.body;
}
