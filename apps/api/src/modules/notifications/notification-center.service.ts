import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { EntityNotFoundException } from '../../core/http/errors';
import { preferenceChanges } from './notification-rules';
import { renderUnsubscribedPage, type Language } from './notification-templates';
import { mapNotification, mapPreferences, type NotificationListQueryDto, type UpdatePreferencesDto } from './notifications.dto';
import { CUSTOMER_EVENT_TYPES, OPERATOR_EVENT_TYPES } from './notifications.events';
import { NotificationsRepository } from './notifications.repository';
import { ALL_EVENTS, UnsubscribeLinks } from './unsubscribe-links';

/**
 * The caller's own notifications and preferences: every query is bound to `access.userId` (and,
 * below it, row-level security to the caller's tenants), so nobody reads or marks another's.
 */
@Injectable()
export class NotificationCenterService {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly links: UnsubscribeLinks,
  ) {}

  async list(access: AccessContext, query: NotificationListQueryDto) {
    const to = { userId: access.userId, portalAccountId: null };
    const [rows, unreadCount] = await Promise.all([
      this.repository.listFor(to, { unreadOnly: query.unread ?? false, limit: query.limit, before: null }),
      this.repository.unreadCount(to),
    ]);
    return { items: rows.map(mapNotification), unreadCount };
  }

  async markRead(access: AccessContext, id: string) {
    const to = { userId: access.userId, portalAccountId: null };
    if (!(await this.repository.findFor(to, id))) throw new EntityNotFoundException('notification', id);
    const updated = await this.repository.markReadFor(to, id, new Date());
    return { updated, unreadCount: await this.repository.unreadCount(to) };
  }

  async markAllRead(access: AccessContext) {
    const updated = await this.repository.markReadFor({ userId: access.userId, portalAccountId: null }, null, new Date());
    return { updated, unreadCount: 0 };
  }

  async preferences(access: AccessContext) {
    const [settings, prefs] = await Promise.all([this.repository.settings(access.userId), this.repository.preferences(access.userId)]);
    return mapPreferences(settings, prefs);
  }

  async updatePreferences(access: AccessContext, input: UpdatePreferencesDto) {
    const before = await this.preferences(access);
    const { settings, prefs } = preferenceChanges(input, before);
    await this.unitOfWork.run(async (tx) => {
      await this.repository.saveSettings(tx, access.userId, settings, prefs);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'notification_preferences', entityId: access.userId, tenantId: null, before, after: input },
        tx,
      );
    });
    return this.preferences(access);
  }

  /**
   * The public link of an e-mail (an operator's or a customer's): turns the event (or, from a digest, every
   * event) off on the channel. HTML for the browser.
   */
  async unsubscribe(token: string, language: Language, now = new Date()): Promise<{ ok: boolean; html: string }> {
    const id = this.links.verify(token);
    const grant = id ? await this.repository.findUnsubscribe(id) : undefined;
    const ok = Boolean(grant && !grant.used_at && new Date(grant.expires_at) > now);
    if (grant && ok) {
      const all = grant.user_id ? OPERATOR_EVENT_TYPES : CUSTOMER_EVENT_TYPES;
      const eventTypes = grant.event_type === ALL_EVENTS ? [...all] : [grant.event_type];
      const after = { unsubscribed: eventTypes, channel: grant.channel };
      if (grant.user_id) {
        await this.repository.useUnsubscribe(grant.id, grant.user_id, eventTypes, grant.channel, now);
        await this.audit.record(
          { userId: grant.user_id },
          { action: 'update', entityType: 'notification_preferences', entityId: grant.user_id, tenantId: null, after },
        );
      } else if (grant.portal_account_id) {
        await this.repository.usePortalUnsubscribe(grant.id, grant.portal_account_id, eventTypes, grant.channel, now);
        await this.audit.record(null, {
          action: 'update',
          entityType: 'portal_notification_preferences',
          entityId: grant.portal_account_id,
          tenantId: null,
          after,
        });
      }
    }
    return { ok, html: renderUnsubscribedPage(language, ok) };
  }
}
