import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stripeSignatureHeader, verifyStripeSignature } from './stripe-signature';

const body = Buffer.from('{"id":"evt_1","type":"payment_intent.succeeded"}');
const now = 1_780_000_000;

describe('Stripe webhook signatures', () => {
  it('accepts the documented scheme: t and v1 = HMAC-SHA256(secret, "t.body") in hex', () => {
    const v1 = createHmac('sha256', 'whsec_test').update(`${now}.${body.toString()}`).digest('hex');
    expect(verifyStripeSignature(body, `t=${now},v1=${v1}`, ['whsec_test'], now)).toEqual({ ok: true, timestamp: now });
    expect(verifyStripeSignature(body, `t=${now},v0=abc,v1=${v1},x=y`, ['whsec_test'], now + 300).ok).toBe(true);
  });

  it('accepts any v1 against any secret while a secret is being rotated', () => {
    const header = stripeSignatureHeader(body, ['whsec_new', 'whsec_old'], now);
    expect(verifyStripeSignature(body, header, ['whsec_old'], now).ok).toBe(true);
    expect(verifyStripeSignature(body, header, ['whsec_other', 'whsec_new'], now).ok).toBe(true);
  });

  it('refuses another secret, a changed body, an old or future timestamp and malformed headers', () => {
    const header = stripeSignatureHeader(body, ['whsec_test'], now);
    expect(verifyStripeSignature(body, header, ['whsec_wrong'], now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyStripeSignature(Buffer.from(`${body.toString()} `), header, ['whsec_test'], now)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyStripeSignature(body, header, ['whsec_test'], now + 301)).toEqual({ ok: false, reason: 'too-old' });
    expect(verifyStripeSignature(body, header, ['whsec_test'], now - 301)).toEqual({ ok: false, reason: 'too-old' });
    expect(verifyStripeSignature(body, undefined, ['whsec_test'], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyStripeSignature(body, `v1=${'0'.repeat(64)}`, ['whsec_test'], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyStripeSignature(body, `t=${now},v1=zz`, ['whsec_test'], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyStripeSignature(body, header, [], now)).toEqual({ ok: false, reason: 'mismatch' });
  });
});
