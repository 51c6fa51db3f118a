import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { JobsService } from '../../core/jobs/jobs.service';
import {
  JobName,
  JobStatus,
  QueueName,
  type DeliveryRequest,
  type EmailDeliveriesRequest,
  type JobContext,
  type NotifyEventRequest,
} from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { RedisService } from '../../core/redis/redis.service';
import type { SecretBox } from '../../core/secrets/secret-box';
import { Mailer, SMTP_POOL, WebhookClient, WebhookRefusedError, webhookSecretBox } from './notification-channels';
import { quietUntil, webhookSignature } from './notification-rules';
import { renderEmail, renderMessage, type EmailItem, type Language } from './notification-templates';
import { EVENT_RULES, isEventType, type NotificationEvents, type NotificationEventType } from './notifications.events';
import { NotificationsRepository, type NewNotification, type Recipient, type Severity } from './notifications.repository';
import { ALL_EVENTS, UnsubscribeLinks } from './unsubscribe-links';

type EmailPlan = NewNotification['deliveries'][number];

export interface FanOutResult {
  notified: number;
  /** Recipients already told under the same dedupe key within the window. */
  deduped: number;
  webhooks: number;
}

/** Retries with backoff for one delivery; `delayMs` for one held back by quiet hours. */
export function deliveryOptions(config: AppConfig, delayMs = 0): JobsOptions {
  return {
    attempts: config.NOTIFY_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.NOTIFY_RETRY_DELAY_MS },
    ...(delayMs > 0 ? { delay: delayMs } : {}),
  };
}

const language = (value: string | null | undefined): Language => (value === 'en' ? 'en' : 'tr');

/**
 * The worker's side of notifications: who is told of an event and on which channels (subscriptions,
 * preferences, dedupe window, rate limit, quiet hours, digest), then each delivery with its retries.
 * Methods take `now` so tests drive time by parameters.
 */
@Injectable()
export class NotificationDeliveryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('notifications');
  private readonly box: SecretBox;

  constructor(
    private readonly repository: NotificationsRepository,
    private readonly jobs: JobsService,
    private readonly live: LiveEventsService,
    private readonly redis: RedisService,
    private readonly mailer: Mailer,
    private readonly webhooks: WebhookClient,
    private readonly links: UnsubscribeLinks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = webhookSecretBox(config);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queue(QueueName.Notifications)
      .upsertJobScheduler(
        'notification-digests',
        { pattern: this.config.NOTIFY_DIGEST_CRON },
        { name: JobName.SendNotificationDigests, data: {} },
      );
  }

  @OnJob({ name: JobName.NotifyEvent })
  async handleNotifyEvent(request: NotifyEventRequest): Promise<JobStatus> {
    if (!isEventType(request.event)) return JobStatus.Skipped;
    const result = await this.fanOut(
      request.event,
      request.payload as unknown as NotificationEvents[NotificationEventType],
      new Date(request.at),
    );
    return result.notified || result.webhooks ? JobStatus.Success : JobStatus.Skipped;
  }

  /** Stores the notifications of one event, queues their e-mails and webhooks, pushes the in-app ones. */
  async fanOut<E extends NotificationEventType>(event: E, payload: NotificationEvents[E], now: Date): Promise<FanOutResult> {
    const rule = EVENT_RULES[event];
    const tenant = await this.repository.tenant(payload.tenantId);
    if (!tenant) return { notified: 0, deduped: 0, webhooks: 0 };

    const webhooks = await this.queueWebhooks(event, payload, now);

    const alarm = rule.recipients === 'alarm' ? (payload as NotificationEvents['alarm.opened']) : null;
    const starter = (payload as { userId?: string | null }).userId;
    const candidates = alarm
      ? await this.repository.alarmSubscribers(tenant.id, alarm.type)
      : await this.repository.membersOf(tenant.id, starter ? [starter] : []);
    const dedupeKey = rule.dedupeKey(payload);
    const told =
      this.config.NOTIFY_DEDUPE_MINUTES > 0
        ? await this.repository.toldSince(candidates, dedupeKey, new Date(now.getTime() - this.config.NOTIFY_DEDUPE_MINUTES * 60_000))
        : new Set<string>();
    const recipients = await this.repository.recipients(
      candidates.filter((id) => !told.has(id)),
      event,
    );
    const subject = alarm ? await this.repository.alarmSubject(alarm.meterId, alarm.deviceId) : null;
    const ctx = { tenantName: tenant.name, timeZone: tenant.time_zone, subject };
    const severity = rule.severity(payload);

    const items: NewNotification[] = [];
    for (const r of recipients) {
      if (!r.email_enabled && !r.in_app_enabled) continue;
      const { title, body } = renderMessage(event, payload, ctx, language(r.language));
      const deliveries: EmailPlan[] = [];
      if (r.in_app_enabled) deliveries.push({ channel: 'IN_APP', status: 'SENT', sentAt: now });
      if (r.email_enabled) deliveries.push(await this.emailPlan(r, severity, tenant.time_zone, now));
      items.push({
        tenantId: tenant.id,
        userId: r.userId,
        eventType: event,
        severity,
        title,
        body,
        payload,
        dedupeKey,
        createdAt: now,
        deliveries,
      });
    }
    const stored = await this.repository.insert(items);

    // One job per release time (now, or the end of someone's quiet hours) with all its e-mails.
    const byDelay = new Map<number, string[]>();
    for (const [i, s] of stored.entries()) {
      if (!s.emailDeliveryId) continue;
      const notBefore = items[i].deliveries.find((d) => d.channel === 'EMAIL')?.notBefore;
      const delay = notBefore ? Math.max(0, notBefore.getTime() - now.getTime()) : 0;
      byDelay.set(delay, [...(byDelay.get(delay) ?? []), s.emailDeliveryId]);
    }
    for (const [delay, deliveryIds] of byDelay)
      await this.jobs.enqueue(JobName.SendNotificationEmail, { deliveryIds }, deliveryOptions(this.config, delay));
    const inApp = items.map((n, i) => ({ n, id: stored[i].id })).filter(({ n }) => n.deliveries.some((d) => d.channel === 'IN_APP'));
    const unread = await this.repository.unreadCounts(inApp.map(({ n }) => n.userId));
    for (const { n, id } of inApp) {
      this.live.emitToUser('notification.created', n.userId, {
        id,
        tenantId: n.tenantId,
        eventType: n.eventType,
        severity: n.severity,
        title: n.title,
        body: n.body,
        createdAt: n.createdAt.toISOString(),
        unreadCount: unread.get(n.userId) ?? 1,
      });
    }
    if (items.length || told.size) this.logger.log({ event, notified: items.length, deduped: told.size, webhooks }, 'notified');
    return { notified: items.length, deduped: told.size, webhooks };
  }

  /** How the e-mail of one notification goes: alone now, after quiet hours, in the digest, or not (rate limit, no SMTP). */
  private async emailPlan(r: Recipient, severity: Severity, timeZone: string, now: Date): Promise<EmailPlan> {
    if (!this.mailer.configured) return { channel: 'EMAIL', status: 'SUPPRESSED', reason: 'no SMTP server configured (SMTP_URL)' };
    const urgent = severity === 'CRITICAL';
    if (r.emailDigest && !urgent) return { channel: 'EMAIL', status: 'QUEUED', digest: true };
    const quiet = r.quietStart !== null && r.quietEnd !== null ? { start: r.quietStart, end: r.quietEnd } : null;
    const until = urgent && r.urgentOverrides ? null : quietUntil(now, timeZone, quiet);
    if (until) return { channel: 'EMAIL', status: 'QUEUED', notBefore: until };
    if (!(await this.withinRate(r.userId, now)))
      return { channel: 'EMAIL', status: 'SUPPRESSED', reason: `rate limit: ${this.config.NOTIFY_EMAIL_PER_HOUR} e-mails per hour` };
    return { channel: 'EMAIL', status: 'QUEUED' };
  }

  /** Counts one e-mail in the recipient's clock hour (Redis); false past NOTIFY_EMAIL_PER_HOUR. */
  private async withinRate(userId: string, now: Date): Promise<boolean> {
    const key = this.redis.key('notify', 'rate', userId, String(Math.floor(now.getTime() / 3_600_000)));
    const [[, count]] = (await this.redis.client.multi().incr(key).expire(key, 7200).exec()) as [[Error | null, number]];
    return count <= this.config.NOTIFY_EMAIL_PER_HOUR;
  }

  private async queueWebhooks<E extends NotificationEventType>(event: E, payload: NotificationEvents[E], now: Date): Promise<number> {
    const targets = await this.repository.webhookTargets(payload.tenantId, event);
    const ids = await this.repository.insertWebhookDeliveries(
      targets.map((t) => ({
        endpointId: t.id,
        tenantId: payload.tenantId,
        eventType: event,
        payload: { ...payload, occurredAt: now.toISOString() },
      })),
    );
    for (const deliveryId of ids) await this.jobs.enqueue(JobName.SendWebhook, { deliveryId }, deliveryOptions(this.config));
    return ids.length;
  }

  @OnJob({ name: JobName.SendNotificationEmail })
  async handleSendEmails(request: EmailDeliveriesRequest, job: JobContext): Promise<JobStatus> {
    return this.sendEmails(request.deliveryIds, job.attemptsMade, new Date());
  }

  /**
   * The e-mails of one job, a few at a time over the SMTP pool. Failures are recorded per delivery and
   * the first one is thrown afterwards, so the retry sends only those still queued.
   */
  async sendEmails(deliveryIds: string[], attemptsMade: number, now: Date): Promise<JobStatus> {
    const pending = [...deliveryIds];
    let sent = 0;
    const failures: Error[] = [];
    const lane = async () => {
      for (let id = pending.shift(); id; id = pending.shift()) {
        try {
          if ((await this.sendEmail(id, attemptsMade, now)) === JobStatus.Success) sent++;
        } catch (err) {
          failures.push(err instanceof Error ? err : new Error(String(err)));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SMTP_POOL, deliveryIds.length) }, lane));
    if (failures.length) throw failures[0];
    return sent ? JobStatus.Success : JobStatus.Skipped;
  }

  /** One e-mail; a failure is recorded and thrown (retried), FAILED once the attempts are spent. */
  async sendEmail(deliveryId: string, attemptsMade: number, now: Date): Promise<JobStatus> {
    const d = await this.repository.emailDelivery(deliveryId);
    if (!d || d.status !== 'QUEUED') return JobStatus.Skipped;
    if (!d.is_active) {
      await this.repository.markDeliveries([d.id], { status: 'SUPPRESSED', reason: 'user deactivated' });
      return JobStatus.Skipped;
    }
    if (!this.mailer.configured) {
      await this.repository.markDeliveries([d.id], { status: 'SUPPRESSED', reason: 'no SMTP server configured (SMTP_URL)' });
      return JobStatus.Skipped;
    }
    const lang = language(d.language);
    const unsubscribeUrl = await this.links.create(d.user_id, d.event_type, 'EMAIL', now);
    const mail = renderEmail({
      language: lang,
      timeZone: d.time_zone,
      items: [{ title: d.title, body: d.body, severity: d.severity, createdAt: new Date(d.created_at) }],
      digest: false,
      consoleUrl: this.consoleUrl(),
      unsubscribeUrl,
    });
    try {
      const messageId = await this.mailer.send({ to: d.email, ...mail, unsubscribeUrl });
      await this.repository.markDeliveries([d.id], {
        status: 'SENT',
        reason: null,
        providerMessageId: messageId,
        sentAt: new Date(),
        attempted: true,
      });
      return JobStatus.Success;
    } catch (err) {
      const last = attemptsMade + 1 >= this.config.NOTIFY_ATTEMPTS;
      await this.repository.markDeliveries([d.id], { status: last ? 'FAILED' : 'QUEUED', reason: (err as Error).message, attempted: true });
      throw err;
    }
  }

  @OnJob({ name: JobName.SendNotificationDigests })
  async handleDigests(): Promise<JobStatus> {
    const sent = await this.sendDigests(new Date());
    return sent ? JobStatus.Success : JobStatus.Skipped;
  }

  /** One e-mail per user of everything waiting for the digest; returns how many e-mails went. */
  async sendDigests(now: Date): Promise<number> {
    const rows = await this.repository.waitingDigests();
    const byUser = new Map<string, typeof rows>();
    for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
    let sent = 0;
    let failure: Error | null = null;
    for (const [userId, list] of byUser) {
      const ids = list.map((r) => r.id);
      const first = list[0];
      if (!first.is_active || !this.mailer.configured) {
        await this.repository.markDeliveries(ids, {
          status: 'SUPPRESSED',
          reason: first.is_active ? 'no SMTP server configured (SMTP_URL)' : 'user deactivated',
        });
        continue;
      }
      const unsubscribeUrl = await this.links.create(userId, ALL_EVENTS, 'EMAIL', now);
      const items: EmailItem[] = list.map((r) => ({
        title: r.title,
        body: r.body,
        severity: r.severity,
        createdAt: new Date(r.created_at),
      }));
      const mail = renderEmail({
        language: language(first.language),
        timeZone: first.time_zone,
        items,
        digest: true,
        consoleUrl: this.consoleUrl(),
        unsubscribeUrl,
      });
      try {
        const messageId = await this.mailer.send({ to: first.email, ...mail, unsubscribeUrl });
        await this.repository.markDeliveries(ids, {
          status: 'SENT',
          reason: null,
          providerMessageId: messageId,
          sentAt: new Date(),
          attempted: true,
        });
        sent++;
      } catch (err) {
        failure = err as Error;
        await this.repository.markDeliveries(ids, { status: 'QUEUED', reason: failure.message, attempted: true });
      }
    }
    // The job is retried; digests already sent are SENT and not taken again.
    if (failure) throw failure;
    return sent;
  }

  @OnJob({ name: JobName.SendWebhook })
  async handleSendWebhook(request: DeliveryRequest, job: JobContext): Promise<JobStatus> {
    return this.sendWebhook(request.deliveryId, job.attemptsMade);
  }

  /** One signed POST; a non-2xx answer or a network error is logged on the delivery and retried. */
  async sendWebhook(deliveryId: string, attemptsMade: number): Promise<JobStatus> {
    const d = await this.repository.webhookDelivery(deliveryId);
    if (!d || d.status !== 'QUEUED') return JobStatus.Skipped;
    if (!d.is_active) {
      await this.repository.markWebhookDelivery(d.id, { status: 'SUPPRESSED', httpStatus: null, reason: 'endpoint deactivated' });
      return JobStatus.Skipped;
    }
    const body = JSON.stringify({
      id: d.id,
      type: d.event_type,
      createdAt: new Date(d.created_at).toISOString(),
      tenantId: d.tenant_id,
      data: d.payload,
    });
    const secret = this.box.open(d.secret);
    if (secret === null) {
      // Sealed under another SECRETS_KEY: nothing can be signed until an operator rotates the endpoint's secret.
      await this.repository.markWebhookDelivery(d.id, {
        status: 'FAILED',
        httpStatus: null,
        reason: 'signing secret unreadable: rotate it',
      });
      return JobStatus.Skipped;
    }
    const headers = {
      'x-water-signature': webhookSignature(secret, body, new Date()),
      'x-water-event': d.event_type,
      'x-water-delivery': d.id,
    };
    const last = attemptsMade + 1 >= this.config.NOTIFY_ATTEMPTS;
    let status: number;
    try {
      status = await this.webhooks.post(d.url, body, headers);
    } catch (err) {
      if (err instanceof WebhookRefusedError) {
        await this.repository.markWebhookDelivery(d.id, { status: 'FAILED', httpStatus: null, reason: err.message });
        return JobStatus.Skipped;
      }
      await this.repository.markWebhookDelivery(d.id, {
        status: last ? 'FAILED' : 'QUEUED',
        httpStatus: null,
        reason: (err as Error).message,
      });
      throw err;
    }
    if (status >= 200 && status < 300) {
      await this.repository.markWebhookDelivery(d.id, { status: 'SENT', httpStatus: status, reason: null, sentAt: new Date() });
      return JobStatus.Success;
    }
    await this.repository.markWebhookDelivery(d.id, { status: last ? 'FAILED' : 'QUEUED', httpStatus: status, reason: `HTTP ${status}` });
    throw new Error(`webhook answered HTTP ${status}`);
  }

  private consoleUrl(): string {
    return `${this.config.PUBLIC_URL.replace(/\/$/, '')}/notifications`;
  }
}
