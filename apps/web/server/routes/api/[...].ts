import type { H3Event } from 'h3';

// Routes that mint or revoke tokens stay behind /api/session/*; proxying them would hand tokens to the browser.
const BLOCKED = new Set(['/api/auth/login', '/api/auth/refresh', '/api/auth/logout']);

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

/** Forwards /api/** to the API with the session's bearer token; on a 401 refreshes once and retries. */
export default defineEventHandler(async (event) => {
  const path = event.path;
  const pathname = path.split('?')[0] ?? path;
  if (pathname.startsWith('/api/session/') || pathname === '/api/session' || BLOCKED.has(pathname.replace(/\/+$/, ''))) {
    setResponseStatus(event, 404);
    return errorBody(404, 'Not Found', 'Not found');
  }

  const refreshToken = getCookie(event, REFRESH_COOKIE);
  let accessToken = getCookie(event, ACCESS_COOKIE);
  let refreshed = false;
  const body = event.method === 'GET' || event.method === 'HEAD' ? undefined : await readRawBody(event, false);
  const url = apiUrl(path);

  // Called at most once per request: with a missing access cookie, or after the API refused the token.
  const refresh = async (): Promise<string | undefined> => {
    refreshed = true;
    const pair = refreshToken ? await refreshSession(refreshToken, event) : null;
    if (!pair) {
      clearSessionCookies(event);
      return undefined;
    }
    setSessionCookies(event, pair);
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
    setResponseStatus(event, 502);
    return errorBody(502, 'Bad Gateway', 'API unreachable');
  }

  setResponseStatus(event, response.status, response.statusText);
  response.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) setResponseHeader(event, name, value);
  });
  if (response.status === 204 || response.status === 304 || !response.body) return null;
  return response.body;
});
