/** Signs in against the API and keeps the tokens in httpOnly cookies; the browser gets no token. */
export default defineEventHandler(async (event) => {
  const body = await readBody<{ email?: unknown; password?: unknown } | null>(event).catch(() => null);
  const email = typeof body?.email === 'string' ? body.email.trim() : '';
  const password = typeof body?.password === 'string' ? body.password : '';

  const response = await postToApi('/api/auth/login', { email, password }, clientHeaders(event)).catch(() => null);
  return answerTokenCall(event, response, setSessionCookies);
});
