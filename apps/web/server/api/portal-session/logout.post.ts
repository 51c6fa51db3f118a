/** Ends the portal session at the API (best effort: the refresh-token family is revoked) and always clears its cookies. */
export default defineEventHandler(async (event) => {
  const refreshToken = getCookie(event, PORTAL_REFRESH_COOKIE);
  clearPortalCookies(event);
  if (refreshToken) {
    // Signed out here either way; an unreachable API must not keep the cookies alive.
    await postToApi('/api/portal/auth/logout', { refreshToken }, clientHeaders(event)).catch(() => undefined);
  }
  setResponseStatus(event, 204);
  return null;
});
