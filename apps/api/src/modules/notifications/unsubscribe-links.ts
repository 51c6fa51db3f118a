import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { NotificationsRepository, type Channel, type RecipientRef, type UnsubscribeGrant } from './notifications.repository';

/** Every event type on the channel (a digest's link). */
export const ALL_EVENTS = '*';

/**
 * Unsubscribe links: a stored grant (user or portal account, event type, channel, expiry, used once) named by its id and
 * signed with a key derived from JWT_ACCESS_SECRET, so a guessed or altered id is refused before any query.
 */
@Injectable()
export class UnsubscribeLinks {
  private readonly key: Buffer;

  constructor(
    private readonly repository: NotificationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.key = createHmac('sha256', config.JWT_ACCESS_SECRET).update('water.notifications.unsubscribe').digest();
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url');
  }

  /** A link for an operator or a portal account; the same public page serves both. */
  async create(to: RecipientRef, eventType: string, channel: Channel, now: Date): Promise<string> {
    const id = await this.repository.createUnsubscribe(to, eventType, channel, this.grant(now).expiresAt);
    return this.url(id);
  }

  /** A new grant's id and expiry, for the caller to store with what it stores (no query here). */
  grant(now: Date): UnsubscribeGrant {
    return { id: randomUUID(), expiresAt: new Date(now.getTime() + this.config.NOTIFY_UNSUBSCRIBE_DAYS * 86_400_000) };
  }

  /** The link of a stored grant. */
  url(id: string): string {
    const token = `${id}.${this.sign(id)}`;
    return `${this.config.PUBLIC_API_URL.replace(/\/$/, '')}/api/notifications/unsubscribe?token=${encodeURIComponent(token)}`;
  }

  /** The grant id of a well-signed token, or null. */
  verify(token: string): string | null {
    const [id, signature] = token.split('.', 2);
    if (!id || !signature || !/^[0-9a-f-]{36}$/.test(id)) return null;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }
}
