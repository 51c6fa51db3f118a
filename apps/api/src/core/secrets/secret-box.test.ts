import { describe, expect, it } from 'vitest';
import { fingerprint, SecretBox } from './secret-box';

describe('secrets at rest', () => {
  it('seals with a fresh IV each time and opens only under the same key and purpose', () => {
    const box = new SecretBox('m'.repeat(40), 'payment-provider-signing-secret');
    const a = box.seal('whsec_abc');
    expect(a).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(a);
    expect(box.open(a)).toBe('whsec_abc');
    expect(new SecretBox('n'.repeat(40), 'payment-provider-signing-secret').open(a)).toBeNull();
    expect(new SecretBox('m'.repeat(40), 'notification-webhook-secret').open(a)).toBeNull();
    expect(box.open(a.slice(0, -2))).toBeNull();
    expect(box.open('whsec_abc')).toBeNull();
    expect(fingerprint('whsec_abc')).toMatch(/^[0-9a-f]{12}$/);
  });
});
