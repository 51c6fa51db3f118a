/**
 * The portal access token for the Socket.io handshake (the bell's live unread count), for the same
 * reason and with the same limits as the console's /api/session/socket-token: short-lived access
 * token only, never cached, same-site cookies and no CORS headers keep other sites from it.
 */
export default defineEventHandler(async (event) => {
  setResponseHeader(event, 'cache-control', 'no-store');
  const accessToken = await currentPortalAccessToken(event).catch(() => undefined);
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
