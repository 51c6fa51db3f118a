import { Injectable } from '@nestjs/common';
import { AuditService } from '../../core/audit/audit.service';
import type { CustomerPrincipal } from '../../core/auth/portal-session';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { EntityNotFoundException } from '../../core/http/errors';
import { preferenceChanges } from './notification-rules';
import {
  mapPortalNotification,
  mapPreferences,
  type PortalNotificationListQueryDto,
  type UpdatePortalPreferencesDto,
} from './notifications.dto';
import { CUSTOMER_EVENT_TYPES } from './notifications.events';
import { NotificationsRepository } from './notifications.repository';

/**
 * A customer's own notification centre and preferences in the portal: every query is bounded by the
 * signed-in portal account (and runs in its tenant's row-level-security scope), so one customer never
 * reads or marks another's, even in the same tenant.
 */
@Injectable()
export class PortalNotificationsService {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async list(customer: CustomerPrincipal, query: PortalNotificationListQueryDto) {
    const to = accountOf(customer);
    const before = query.cursor ? parseCursor(query.cursor) : null;
    const [rows, unreadCount] = await Promise.all([
      this.repository.listFor(to, { unreadOnly: query.unread ?? false, limit: query.limit + 1, before }),
      this.repository.unreadCount(to),
    ]);
    const items = rows.slice(0, query.limit).map(mapPortalNotification);
    const last = items[items.length - 1];
    return { items, unreadCount, nextCursor: rows.length > query.limit && last ? `${last.createdAt}_${last.id}` : null };
  }

  /** Another account's id answers as an unknown one: 404. */
  async markRead(customer: CustomerPrincipal, id: string): Promise<void> {
    if (!(await this.repository.findFor(accountOf(customer), id))) throw new EntityNotFoundException('notification', id);
    await this.repository.markReadFor(accountOf(customer), id, new Date());
  }

  async markAllRead(customer: CustomerPrincipal): Promise<void> {
    await this.repository.markReadFor(accountOf(customer), null, new Date());
  }

  async preferences(customer: CustomerPrincipal) {
    const [settings, prefs] = await Promise.all([
      this.repository.portalSettings(customer.accountId),
      this.repository.portalPreferences(customer.accountId),
    ]);
    return mapPreferences(settings, prefs, CUSTOMER_EVENT_TYPES);
  }

  async updatePreferences(customer: CustomerPrincipal, input: UpdatePortalPreferencesDto) {
    const before = await this.preferences(customer);
    const { settings, prefs } = preferenceChanges(input, before);
    await this.unitOfWork.run(async (tx) => {
      await this.repository.savePortalSettings(tx, customer.accountId, settings, prefs);
      await this.audit.record(
        null,
        {
          action: 'update',
          entityType: 'portal_notification_preferences',
          entityId: customer.accountId,
          tenantId: customer.tenantId,
          before,
          after: input,
        },
        tx,
      );
    });
    return this.preferences(customer);
  }
}

const accountOf = (c: CustomerPrincipal) => ({ userId: null, portalAccountId: c.accountId });

function parseCursor(cursor: string): { createdAt: Date; id: string } {
  const at = cursor.lastIndexOf('_');
  return { createdAt: new Date(cursor.slice(0, at)), id: cursor.slice(at + 1) };
}
