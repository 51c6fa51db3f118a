import { isIP } from 'node:net';

/**
 * Headers the API believes only from this server: the browser's own address and the secret shared
 * with the API (CONSOLE_PROXY_SECRET there, NUXT_CONSOLE_PROXY_SECRET here). The API's login limiter
 * counts per client address; without them every console user would share this server's address.
 */
export const CONSOLE_CLIENT_IP_HEADER = 'x-console-client-ip';
export const CONSOLE_SECRET_HEADER = 'x-console-secret';

/**
 * The browser's address as this server sees it. `trustedHops` reverse proxies of our own stand in
 * front of the console (NUXT_TRUST_PROXY_HOPS, default 0): with none, the peer of the socket is the
 * browser and any X-Forwarded-For is the browser's own claim, ignored; with n, the address n hops
 * from the right of "X-Forwarded-For, peer" is the one the nearest trusted proxy saw.
 * `inProcess`: the request is this server's own server-side rendering calling its /api proxy
 * (app/plugins/api.ts), which has no socket and appends the browser's peer to X-Forwarded-For itself.
 * Undefined when no address can be told (the API then counts the console's own address).
 */
export function browserAddress(
  forwardedFor: string | undefined,
  peer: string | undefined,
  trustedHops = 0,
  inProcess = false,
): string | undefined {
  const claimed = (forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (inProcess) peer = claimed.pop();
  if (!peer) return undefined;
  const chain = [...claimed, peer.trim()];
  const candidate = chain[chain.length - 1 - Math.max(0, Math.floor(trustedHops))];
  if (!candidate) return undefined;
  const address = candidate.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIP(address) ? address : undefined;
}

/** The headers to add to a request to the API; none without a configured secret or a known address. */
export function consoleProxyHeaders(address: string | undefined, secret: string | undefined): Record<string, string> {
  if (!secret || !address) return {};
  return { [CONSOLE_CLIENT_IP_HEADER]: address, [CONSOLE_SECRET_HEADER]: secret };
}
