import type { H3Event } from 'h3';
import type { ApiErrorBody } from '#shared/types/auth';

/**
 * Changes the signed-in user's password. The API ends every session of the user and answers a new
 * token pair for this one, which goes into the cookies here (the browser never sees a token).
 */
export default defineEventHandler(async (event) => {
  const body = await readBody<{ currentPassword?: unknown; newPassword?: unknown } | null>(event).catch(() => null);
  const accessToken = await currentAccessToken(event).catch(() => undefined);
  if (accessToken === undefined) {
    setResponseStatus(event, 502);
    return errorBody(502, 'Bad Gateway', 'API unreachable');
  }
  if (!accessToken) {
    setResponseStatus(event, 401);
    return errorBody(401, 'Unauthorized', 'Not signed in');
  }
  const payload = {
    currentPassword: typeof body?.currentPassword === 'string' ? body.currentPassword : '',
    newPassword: typeof body?.newPassword === 'string' ? body.newPassword : '',
  };
  const response = await postToApi('/api/auth/me/password', payload, {
    ...clientHeaders(event),
    authorization: `Bearer ${accessToken}`,
  }).catch(() => null);
  if (!response) {
    setResponseStatus(event, 502);
    return errorBody(502, 'Bad Gateway', 'API unreachable');
  }
  const answer: unknown = await response.json().catch(() => null);
  if (response.ok && isTokenPair(answer)) {
    setSessionCookies(event, answer);
    setResponseStatus(event, 204);
    return null;
  }
  return passRefusal(event, response, answer);
});

/** The API's refusal as it is (400 wrong or weak password, 429 with Retry-After). */
function passRefusal(event: H3Event, response: Response, answer: unknown): ApiErrorBody {
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter) event.node.res.setHeader('retry-after', retryAfter);
  const status = response.ok ? 502 : response.status;
  setResponseStatus(event, status);
  const error = answer as Partial<ApiErrorBody> | null;
  return {
    statusCode: status,
    error: error?.error ?? 'Error',
    message: error?.message ?? '',
    details: Array.isArray(error?.details) ? error.details : [],
  };
}
