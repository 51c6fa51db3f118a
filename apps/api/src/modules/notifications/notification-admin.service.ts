import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { BadInputException, EntityNotFoundException } from '../../core/http/errors';
import type { SecretBox } from '../../core/secrets/secret-box';
import { JobOutbox } from '../../core/jobs/job-outbox';
import { WebhookClient, webhookSecretBox } from './notification-channels';
import { webhookJobs } from './notification-delivery.service';
import {
  mapSubscription,
  mapWebhook,
  mapWebhookDelivery,
  type AlarmSubscriptionListQueryDto,
  type CreateAlarmSubscriptionsDto,
  type CreateWebhookDto,
  type UpdateWebhookDto,
} from './notifications.dto';
import { WEBHOOK_TEST_EVENT } from './notifications.events';
import { NotificationsRepository } from './notifications.repository';

/**
 * What operators set for a tenant: who receives which alarm types (USERS rights: choosing what a
 * person is sent is managing that person) and the webhook endpoints (TENANTS rights: an integration
 * of the tenant, like its settings).
 */
@Injectable()
export class NotificationAdminService {
  private readonly box: SecretBox;

  constructor(
    private readonly repository: NotificationsRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly outbox: JobOutbox,
    private readonly webhooks: WebhookClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = webhookSecretBox(config);
  }

  // ---- alarm subscriptions ----

  async listSubscriptions(access: AccessContext, query: AlarmSubscriptionListQueryDto) {
    const rows = await this.repository.listSubscriptions(access.tenantIds('USERS', 'read', query.tenantId), query.userId);
    return rows.map(mapSubscription);
  }

  /**
   * Subscribes a user the caller manages (a membership in the caller's USERS-update subtree) to alarm
   * types of a tenant the caller manages users of; the user must be able to read that tenant's alarms.
   */
  async subscribe(access: AccessContext, input: CreateAlarmSubscriptionsDto) {
    access.require('USERS', 'update', input.tenantId);
    const managed = new Set(access.tenantIds('USERS', 'update'));
    const memberships = await this.repository.membershipsOf(input.userId);
    if (!memberships.some((m) => managed.has(m.tenant_id))) throw new EntityNotFoundException('user', input.userId);
    if (!(await this.repository.canReadAlarmsOf(input.userId, input.tenantId)))
      throw new BadInputException('the user may not read the alarms of this tenant (DASHBOARD read at it or above)', [
        { path: ['userId'], message: 'cannot read the alarms of this tenant' },
      ]);
    const created = await this.unitOfWork.run(async (tx) => {
      const count = await this.repository.createSubscriptions(
        tx,
        input.alarmTypes.map((alarmType) => ({ tenantId: input.tenantId, userId: input.userId, alarmType, createdById: access.userId })),
      );
      await this.audit.record(
        access,
        { action: 'create', entityType: 'notification_alarm_subscription', entityId: input.userId, tenantId: input.tenantId, after: input },
        tx,
      );
      return count;
    });
    const rows = await this.repository.listSubscriptions([input.tenantId], input.userId);
    return { created, subscriptions: rows.map(mapSubscription) };
  }

  async unsubscribe(access: AccessContext, id: string): Promise<void> {
    const row = await this.repository.findSubscription(id);
    if (!row) throw new EntityNotFoundException('alarm subscription', id);
    access.require('USERS', 'update', row.tenant_id, 'alarm subscription', id);
    await this.unitOfWork.run(async (tx) => {
      await this.repository.deleteSubscription(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'notification_alarm_subscription', entityId: id, tenantId: row.tenant_id, before: row },
        tx,
      );
    });
  }

  // ---- webhook endpoints ----

  async listWebhooks(access: AccessContext, tenantId?: string) {
    return (await this.repository.listWebhooks(access.tenantIds('TENANTS', 'read', tenantId))).map(mapWebhook);
  }

  async createWebhook(access: AccessContext, input: CreateWebhookDto) {
    access.require('TENANTS', 'update', input.tenantId);
    await this.checkUrl(input.url);
    const secret = newSecret();
    const row = await this.unitOfWork.run(async (tx) => {
      const created = await this.repository.createWebhook(tx, { ...input, secret: this.box.seal(secret) });
      await this.audit.record(
        access,
        { action: 'create', entityType: 'webhook_endpoint', entityId: created.id, tenantId: created.tenantId, after: input },
        tx,
      );
      return created;
    });
    return { ...mapWebhook(row), secret };
  }

  async updateWebhook(access: AccessContext, id: string, input: UpdateWebhookDto) {
    const before = await this.visibleWebhook(access, id, 'update');
    if (input.url) await this.checkUrl(input.url);
    const row = await this.unitOfWork.run(async (tx) => {
      const updated = await this.repository.updateWebhook(tx, id, input);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'webhook_endpoint',
          entityId: id,
          tenantId: before.tenantId,
          before: mapWebhook(before),
          after: input,
        },
        tx,
      );
      return updated;
    });
    return mapWebhook(row);
  }

  async rotateWebhookSecret(access: AccessContext, id: string) {
    const before = await this.visibleWebhook(access, id, 'update');
    const secret = newSecret();
    const row = await this.unitOfWork.run(async (tx) => {
      const updated = await this.repository.updateWebhook(tx, id, { secret: this.box.seal(secret) });
      await this.audit.record(
        access,
        { action: 'update', entityType: 'webhook_endpoint', entityId: id, tenantId: before.tenantId, after: { secretRotated: true } },
        tx,
      );
      return updated;
    });
    return { ...mapWebhook(row), secret };
  }

  async removeWebhook(access: AccessContext, id: string): Promise<void> {
    const before = await this.visibleWebhook(access, id, 'update');
    await this.unitOfWork.run(async (tx) => {
      await this.repository.deleteWebhook(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'webhook_endpoint', entityId: id, tenantId: before.tenantId, before: mapWebhook(before) },
        tx,
      );
    });
  }

  /** Queues a signed test POST; its outcome shows in the delivery log. */
  async testWebhook(access: AccessContext, id: string) {
    const endpoint = await this.visibleWebhook(access, id, 'update');
    // The delivery and its job commit together (the job outbox).
    const deliveryId = await this.unitOfWork.run(async (tx) => {
      const [stored] = await this.repository.insertWebhookDeliveries(tx, [
        {
          endpointId: id,
          tenantId: endpoint.tenantId,
          eventType: WEBHOOK_TEST_EVENT,
          payload: { test: true, requestedBy: access.userId, at: new Date().toISOString() },
        },
      ]);
      await this.outbox.addAll(tx, webhookJobs(this.config, [stored]));
      return stored;
    });
    return { deliveryId };
  }

  async webhookDeliveries(access: AccessContext, id: string) {
    await this.visibleWebhook(access, id, 'read');
    return (await this.repository.webhookDeliveries(id, 100)).map(mapWebhookDelivery);
  }

  private async visibleWebhook(access: AccessContext, id: string, action: 'read' | 'update') {
    const row = await this.repository.findWebhook(id);
    if (!row) throw new EntityNotFoundException('webhook endpoint', id);
    access.require('TENANTS', action, row.tenantId, 'webhook endpoint', id);
    return row;
  }

  private async checkUrl(url: string): Promise<void> {
    const refusal = await this.webhooks.refusal(url);
    if (refusal) throw new BadInputException(`the webhook URL is refused: ${refusal}`, [{ path: ['url'], message: refusal }]);
  }
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;
