import { describe, expect, it } from 'vitest';
import { fingerprint, ProviderSecretBox } from './provider-secret';

describe('provider secrets at rest', () => {
  it('seals with a fresh IV each time and opens only under the same master secret', () => {
    const box = new ProviderSecretBox('m'.repeat(40));
    const a = box.seal('whsec_abc');
    expect(a).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(a);
    expect(box.open(a)).toBe('whsec_abc');
    expect(new ProviderSecretBox('n'.repeat(40)).open(a)).toBeNull();
    expect(box.open(a.slice(0, -2))).toBeNull();
    expect(fingerprint('whsec_abc')).toMatch(/^[0-9a-f]{12}$/);
  });
});
