/**
 * Ends a sign-up (or an operator's invitation): the e-mailed code, the new password and the accepted
 * privacy notice go to POST /api/portal/auth/signup/verify; the account's first session lands in the
 * portal cookies. Fields are passed on as given: the API validates them and names what is wrong.
 */
export default defineEventHandler(async (event) => {
  const body = await readBody<Record<string, unknown> | null>(event).catch(() => null);
  const pick = ['challengeId', 'code', 'password', 'acceptPrivacyNotice', 'privacyNoticeVersion'] as const;
  const forwarded = Object.fromEntries(pick.filter((key) => body && key in body).map((key) => [key, body?.[key]]));
  return startPortalSession(event, '/api/portal/auth/signup/verify', forwarded);
});
