import type { ApiErrorBody } from '#shared/types/auth';

/** Signs in against the API and keeps the tokens in httpOnly cookies; the browser gets no token. */
export default defineEventHandler(async (event) => {
  const body = await readBody<{ email?: unknown; password?: unknown } | null>(event).catch(() => null);
  const email = typeof body?.email === 'string' ? body.email.trim() : '';
  const password = typeof body?.password === 'string' ? body.password : '';

  const response = await postToApi('/api/auth/login', { email, password }, clientHeaders(event)).catch(() => null);
  if (!response) {
    setResponseStatus(event, 502);
    return errorBody(502, 'Bad Gateway', 'API unreachable');
  }
  const payload: unknown = await response.json().catch(() => null);

  if (response.ok && isTokenPair(payload)) {
    setSessionCookies(event, payload);
    setResponseStatus(event, 204);
    return null;
  }

  // Pass the API's refusal on as it is (401 bad credentials, 400 validation, 429 with Retry-After).
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
  } satisfies ApiErrorBody;
});
