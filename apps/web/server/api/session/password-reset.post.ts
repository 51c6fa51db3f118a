/**
 * Forgotten password, for a browser that is not signed in: asks the API to e-mail a reset link
 * (`{ email, language }`), or sets the new password through one (`{ token, password }`). Sent with the
 * browser's address (the API limits requests per address) and without any session; a completed reset
 * ends every session of the user, so this browser's console cookies go too.
 */
export default defineEventHandler(async (event) => {
  const body = await readBody<Record<string, unknown> | null>(event).catch(() => null);
  const text = (key: string) => (typeof body?.[key] === 'string' ? (body[key] as string) : undefined);
  const confirming = text('token') !== undefined;
  const payload = confirming
    ? { token: text('token'), password: text('password') ?? '' }
    : { email: text('email') ?? '', ...(text('language') ? { language: text('language') } : {}) };
  const path = confirming ? '/api/auth/password-reset/confirm' : '/api/auth/password-reset';
  const response = await postToApi(path, payload, clientHeaders(event)).catch(() => null);
  if (!response) {
    setResponseStatus(event, 502);
    return errorBody(502, 'Bad Gateway', 'API unreachable');
  }
  if (response.ok && confirming) clearSessionCookies(event);
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter) event.node.res.setHeader('retry-after', retryAfter);
  setResponseStatus(event, response.status);
  if (response.status === 204) return null;
  return response.json().catch(() => errorBody(response.status, 'Error', ''));
});
