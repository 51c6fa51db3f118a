import { createHmac, timingSafeEqual } from 'node:crypto';

/** Stripe's tolerance for the signed timestamp (its libraries' default): older events are replays. */
export const STRIPE_TOLERANCE_SECONDS = 300;

/**
 * Verifies a `Stripe-Signature` header as Stripe documents it (https://docs.stripe.com/webhooks#verify-manually):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…]`, v0 and unknown schemes ignored.
 * Valid when some v1 matches some secret (during a rotation Stripe signs with each live secret, and we
 * keep the previous one for a while) in constant time, and the timestamp is within the tolerance of
 * now (either way: a clock far ahead is as suspect as one far behind).
 */
export function verifyStripeSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = STRIPE_TOLERANCE_SECONDS,
): { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'too-old' | 'mismatch' } {
  if (!header || header.length > 4096) return { ok: false, reason: 'malformed' };
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || !signatures.length) return { ok: false, reason: 'malformed' };
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
    // Every comparison runs (no early exit), each in constant time.
    for (const signature of signatures) if (timingSafeEqual(expected, signature)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'too-old' };
  return { ok: true, timestamp };
}

/** A `Stripe-Signature` header for `rawBody` (tests, and the README's curl example). */
export function stripeSignatureHeader(
  rawBody: string | Buffer,
  secrets: readonly string[],
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const v1 = secrets.map((s) => `v1=${createHmac('sha256', s).update(`${timestamp}.`).update(rawBody).digest('hex')}`);
  return [`t=${timestamp}`, ...v1].join(',');
}
