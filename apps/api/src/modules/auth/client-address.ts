import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** Set by the web console's server only: the browser's own address, and the secret that vouches for it. */
export const CONSOLE_CLIENT_IP_HEADER = 'x-console-client-ip';
export const CONSOLE_SECRET_HEADER = 'x-console-secret';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison (of digests, so the length of the secret does not leak either). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

interface RequestLike {
  /** The socket address, or the client of the trusted proxy chain when TRUST_PROXY is set (Fastify's req.ip). */
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The address the login limiter counts and the audit records. Behind the web console every browser
 * would share the console's address: the console's server sends each browser's own address in
 * X-Console-Client-IP with X-Console-Secret = CONSOLE_PROXY_SECRET. That header is believed only
 * with the right secret (compared in constant time) and a well-formed IP; otherwise it is ignored
 * and the socket address (or the trusted proxy chain) applies. The browser cannot set it: the
 * console never passes X-Console-* or X-Forwarded-For through.
 */
export function clientAddress(req: RequestLike, consoleSecret: string | undefined): string {
  if (consoleSecret) {
    const secret = one(req.headers[CONSOLE_SECRET_HEADER]);
    const claimed = one(req.headers[CONSOLE_CLIENT_IP_HEADER])?.trim();
    if (secret !== undefined && claimed && sameSecret(secret, consoleSecret) && isIP(claimed)) return claimed;
  }
  return req.ip;
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}
