/** Revokes the refresh token at the API (best effort) and always clears the session cookies. */
export default defineEventHandler(async (event) => {
  const refreshToken = getCookie(event, REFRESH_COOKIE);
  clearSessionCookies(event);
  if (refreshToken) {
    // The user is signed out here either way; an unreachable API must not keep the cookies alive.
    await postToApi('/api/auth/logout', { refreshToken }, clientHeaders(event)).catch(() => undefined);
  }
  setResponseStatus(event, 204);
  return null;
});
