import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';
import { SecretBox } from '../../core/secrets/secret-box';

/** A one-time code: six digits, uniformly drawn (leading zeros kept). */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * How one-time codes are kept: an HMAC of the challenge id and the code under a key derived from
 * SECRETS_KEY (a database dump alone cannot test the million candidates), and the code itself sealed
 * until its e-mail is sent (SecretBox, purpose 'portal-code'), then erased.
 */
export class PortalCodes {
  private readonly hmacKey: Buffer;
  private readonly box: SecretBox;

  constructor(secretsKey: string) {
    this.hmacKey = Buffer.from(hkdfSync('sha256', secretsKey, 'water-platform', 'portal-code-hash', 32));
    this.box = new SecretBox(secretsKey, 'portal-code');
  }

  hash(challengeId: string, code: string): string {
    return createHmac('sha256', this.hmacKey).update(`${challengeId}.${code}`).digest('hex');
  }

  /** Whether `code` is the challenge's, compared in constant time. */
  matches(challengeId: string, code: string, codeHash: string): boolean {
    const given = Buffer.from(this.hash(challengeId, code), 'hex');
    const stored = Buffer.from(codeHash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  seal(code: string): string {
    return this.box.seal(code);
  }

  /** The code, or null when it was sealed under another SECRETS_KEY. */
  open(sealed: string): string | null {
    return this.box.open(sealed);
  }
}
