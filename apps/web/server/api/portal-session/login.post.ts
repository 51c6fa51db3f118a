/** Signs a customer in (POST /api/portal/auth/login) and keeps the tokens in the portal's httpOnly cookies. */
export default defineEventHandler(async (event) => {
  const body = await readBody<{ email?: unknown; password?: unknown } | null>(event).catch(() => null);
  const email = typeof body?.email === 'string' ? body.email.trim() : '';
  const password = typeof body?.password === 'string' ? body.password : '';
  return startPortalSession(event, '/api/portal/auth/login', { email, password });
});
