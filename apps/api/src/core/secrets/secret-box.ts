import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets the platform must use again later (a payment provider's webhook signing key, the HMAC key
 * of an outgoing notification webhook), at rest. Unlike integration secrets (kept as SHA-256 hashes
 * and compared with what a network server presents) these are keys the platform signs or verifies
 * with, so they must be recoverable: AES-256-GCM under a key derived (HKDF-SHA256) from SECRETS_KEY
 * and the purpose, stored as `v1.<iv>.<tag>.<ciphertext>` (base64url). A dump of the database alone
 * does not reveal them; SECRETS_KEY is its own variable so rotating the token-signing key does not
 * lose them. The API never returns them after creation.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `purpose` separates the keys of different uses, so a value sealed for one cannot be opened as another. */
  constructor(masterKey: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, 'water-platform', purpose, 32));
  }

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** The secret, or null when the box cannot open it (another key or purpose: the secret must be set again). */
  open(sealed: string): string | null {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

/** Tells secrets apart without showing them: the first 12 hex digits of the secret's SHA-256. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}
