/**
 * Shares one refresh call among every request that presents the same refresh token.
 *
 * The API rotates refresh tokens: the first refresh invalidates the old one, so a second
 * concurrent refresh with the same token would fail (or be treated as token reuse) and sign
 * the user out. Requests that arrive while a refresh is running, or shortly after it (the
 * browser may not have stored the new cookies yet), get the same result instead.
 */
export function createRefreshDeduper<T, A extends unknown[] = []>(
  refresh: (refreshToken: string, ...args: A) => Promise<T>,
  graceMs = 30_000,
) {
  const pending = new Map<string, Promise<T>>();

  /** Extra arguments (e.g. the caller's client headers) are those of the request that starts the refresh. */
  return function refreshOnce(refreshToken: string, ...args: A): Promise<T> {
    const existing = pending.get(refreshToken);
    if (existing) return existing;

    const promise = refresh(refreshToken, ...args).then(
      (result) => {
        // Keep the outcome for late arrivals still holding the old token, then forget it.
        setTimeout(() => pending.delete(refreshToken), graceMs).unref?.();
        return result;
      },
      (error: unknown) => {
        // A transport failure did not consume the token: let the next request try again.
        pending.delete(refreshToken);
        throw error;
      },
    );
    pending.set(refreshToken, promise);
    return promise;
  };
}
