/**
 * Hands the current access token to the signed-in browser for the socket.io handshake.
 *
 * Why this exception to "the browser never sees tokens": live readings come over a socket.io
 * connection straight to the API's gateway, which authenticates the handshake with a bearer
 * token; this server does not relay websockets. Only the short-lived access token is returned
 * (the refresh token stays in its httpOnly cookie), the answer is never cached, and SameSite
 * cookies plus the absence of CORS headers keep other sites from obtaining it.
 */
export default defineEventHandler(async (event) => {
  setResponseHeader(event, 'cache-control', 'no-store');
  const accessToken = await currentAccessToken(event).catch(() => undefined);
  if (accessToken === undefined) {
    setResponseStatus(event, 502);
    return errorBody(502, 'Bad Gateway', 'API unreachable');
  }
  if (!accessToken) {
    setResponseStatus(event, 401);
    return errorBody(401, 'Unauthorized', 'Not signed in');
  }
  return { accessToken };
});
