import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { JobOutbox, outboxJob, type PlainJobOptions } from '../../core/jobs/job-outbox';
import type { OutboxJob } from '../../core/jobs/job-outbox.repository';
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
import { renderEmail, renderMessage, type Audience, type EmailItem, type Language } from './notification-templates';
import { EVENT_RULES, isEventType, type NotificationEvents, type NotificationEventType } from './notifications.events';
import {
  NotificationsRepository,
  recipientKey,
  type NewNotification,
  type Recipient,
  type RecipientRef,
  type Severity,
} from './notifications.repository';
import { ALL_EVENTS, UnsubscribeLinks } from './unsubscribe-links';

type EmailPlan = NewNotification['deliveries'][number];
type EmailDeliveryRow = NonNullable<Awaited<ReturnType<NotificationsRepository['emailDelivery']>>>;
/** What sending one e-mail needs (a stored delivery's row, or the fan-out's own knowledge of it). */
type EmailDelivery = Omit<EmailDeliveryRow, 'status' | 'attempts' | 'notification_id'>;
/** An e-mail the SMTP server took, to be marked SENT. */
type SentEmail = { id: string; providerMessageId: string | null };

export interface FanOutResult {
  notified: number;
  /** Recipients already told under the same dedupe key within the window. */
  deduped: number;
  webhooks: number;
}

/** Retries with backoff for one delivery; `delayMs` for one held back by quiet hours. */
export function deliveryOptions(config: AppConfig, delayMs = 0): PlainJobOptions {
  return {
    attempts: config.NOTIFY_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.NOTIFY_RETRY_DELAY_MS },
    ...(delayMs > 0 ? { delay: delayMs } : {}),
  };
}

/** The jobs that POST stored webhook deliveries: one per delivery, under its id. */
export function webhookJobs(config: AppConfig, deliveryIds: string[]): OutboxJob[] {
  return deliveryIds.map((deliveryId) =>
    outboxJob(JobName.SendWebhook, { deliveryId }, { ...deliveryOptions(config), jobId: `webhook-${deliveryId}` }),
  );
}

const language = (value: string | null | undefined): Language => (value === 'en' ? 'en' : 'tr');

/** E-mails per send job: a job's e-mails go over the SMTP pool together, and a retry resends only those still queued. */
const EMAIL_BATCH = 200;
/** An event with at most this many e-mails due now sends them in its own job (one round trip through the queue less each). */
const INLINE_EMAILS = 8;
/** Deletes a lock only if it is still ours. */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * The worker's side of notifications: who is told of an event and on which channels (subscriptions,
 * preferences, dedupe window, rate limit, quiet hours, digest), then each delivery with its retries.
 * Methods take `now` so tests drive time by parameters.
 */
@Injectable()
export class NotificationDeliveryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('notifications');
  private readonly box: SecretBox;
  private readonly tenants = new Map<string, { tenant: Awaited<ReturnType<NotificationsRepository['tenant']>>; until: number }>();

  constructor(
    private readonly repository: NotificationsRepository,
    private readonly jobs: JobsService,
    private readonly outbox: JobOutbox,
    private readonly unitOfWork: UnitOfWork,
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

  /**
   * Stores the notifications of one event, queues their e-mails and webhooks, pushes the in-app ones.
   * Recipients: operators (alarm subscriptions or the starter) and the customer the event is about (their
   * portal account). A customer's event names a record; nothing is told when it is not there (yet).
   */
  async fanOut<E extends NotificationEventType>(event: E, given: NotificationEvents[E], now: Date): Promise<FanOutResult> {
    // Events of one dedupe key one after another (the queue runs several jobs at once): a flapping alarm's
    // second event sees the first one's notifications.
    return this.oneAtATime(EVENT_RULES[event].dedupeKey(given), () => this.fanOutNow(event, given, now));
  }

  /** Runs `work` holding a short Redis lock on `key`; after 5 s of waiting it runs anyway (a duplicate rather than nothing). */
  private async oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const lock = this.redis.key('notify', 'fanout', key);
    const token = randomUUID();
    let held = false;
    for (let i = 0; i < 100 && !held; i++) {
      held = (await this.redis.client.set(lock, token, 'PX', 30_000, 'NX')) === 'OK';
      if (!held) await new Promise((r) => setTimeout(r, 50));
    }
    try {
      return await work();
    } finally {
      if (held) await this.redis.client.eval(RELEASE, 1, lock, token).catch(() => undefined);
    }
  }

  private async fanOutNow<E extends NotificationEventType>(event: E, given: NotificationEvents[E], now: Date): Promise<FanOutResult> {
    const none = { notified: 0, deduped: 0, webhooks: 0 };
    const rule = EVENT_RULES[event];
    const tenant = await this.tenantOf(given.tenantId);
    if (!tenant) return none;
    const dedupeKey = rule.dedupeKey(given);
    const since = new Date(now.getTime() - this.config.NOTIFY_DEDUPE_MINUTES * 60_000);
    const dedupe = this.config.NOTIFY_DEDUPE_MINUTES > 0 ? { key: dedupeKey, since } : null;
    // What is independent of the event's record is read beside it (three queries at once, not one after another).
    const alarm = rule.customer === 'alarm' ? (given as NotificationEvents['alarm.opened']) : null;
    const starter = (given as { userId?: string | null }).userId;
    const [resolved, webhookTargets, operators] = await Promise.all([
      this.customerOf(event, given, dedupe),
      this.repository.webhookTargets(tenant.id, event),
      rule.recipients === 'alarm' && alarm
        ? this.repository.alarmSubscribers(tenant.id, alarm.type)
        : rule.recipients === 'starter'
          ? this.repository.membersOf(tenant.id, starter ? [starter] : [])
          : [],
    ]);
    if (!resolved) return none;
    const { customerId, payload } = resolved;

    const webhooks = await this.queueWebhooks(event, payload, webhookTargets, now);

    const [toldUsers, accounts] = await Promise.all([
      dedupe ? this.repository.toldSince(operators, dedupeKey, since) : new Set<string>(),
      // An alarm's accounts came with its facts.
      resolved.accounts ?? (customerId ? this.repository.portalRecipients(tenant.id, customerId, event, dedupe) : []),
    ]);
    const customers = accounts.filter((r) => !r.told);
    const users = await this.repository.recipients(
      operators.filter((id) => !toldUsers.has(id)),
      event,
    );
    const subject = resolved.subject ?? null;
    const ctx = { tenantName: tenant.name, timeZone: tenant.time_zone, subject };
    const severity = rule.severity(payload);

    const items: NewNotification[] = [];
    /** Whom each item is for (its address and language, for an e-mail sent at once). */
    const to: Recipient[] = [];
    const texts = new Map<string, { title: string; body: string }>();
    const plan = async (r: Recipient, audience: Audience) => {
      if (!r.email_enabled && !r.in_app_enabled) return;
      const lang = language(r.language);
      const key = `${audience}:${lang}`;
      let text = texts.get(key);
      if (!text) texts.set(key, (text = renderMessage(event, payload, ctx, lang, audience)));
      const deliveries: EmailPlan[] = [];
      if (r.in_app_enabled) deliveries.push({ channel: 'IN_APP', status: 'SENT', sentAt: now });
      if (r.email_enabled) deliveries.push(await this.emailPlan(r, severity, tenant.time_zone, now));
      items.push({
        tenantId: tenant.id,
        userId: r.userId,
        portalAccountId: r.portalAccountId,
        eventType: event,
        severity,
        ...text,
        payload,
        dedupeKey,
        createdAt: now,
        deliveries,
      });
      to.push(r);
    };
    for (const r of users) await plan(r, 'operator');
    for (const r of customers) await plan(r, 'customer');
    // E-mails this job sends itself get their unsubscribe grant stored with the notification (no query of its own).
    const dueNow = items.flatMap((n) =>
      n.deliveries.filter((d) => d.channel === 'EMAIL' && d.status === 'QUEUED' && !d.digest && !d.notBefore),
    );
    if (dueNow.length <= INLINE_EMAILS) for (const d of dueNow) d.unsubscribe = this.links.grant(now);
    const stored = await this.repository.insert(items);
    this.push(items, stored);
    // The dunning step's own record of the reminder: the customer was told (in-app now, e-mail on its way).
    if (event === 'payment.overdue' && items.some((n) => n.portalAccountId))
      await this.repository.markDunningStepNotified(tenant.id, (payload as NotificationEvents['payment.overdue']).stepId, now);

    // E-mails due now: a few are sent by this job (one attempt; a failure goes to a retried job), more go to
    // jobs of EMAIL_BATCH; those held by quiet hours go to a job delayed until their end.
    const due: { id: string; i: number }[] = [];
    const byDelay = new Map<number, string[]>();
    for (const [i, s] of stored.entries()) {
      if (!s.emailDeliveryId) continue;
      const notBefore = items[i].deliveries.find((d) => d.channel === 'EMAIL')?.notBefore;
      const delay = notBefore ? Math.max(0, notBefore.getTime() - now.getTime()) : 0;
      if (delay === 0) due.push({ id: s.emailDeliveryId, i });
      else {
        let list = byDelay.get(delay);
        if (!list) byDelay.set(delay, (list = []));
        list.push(s.emailDeliveryId);
      }
    }
    if (due.length <= INLINE_EMAILS) {
      const sent = await Promise.all(
        due.map(({ id, i }) =>
          this.sendAtOnce(
            {
              id,
              user_id: items[i].userId,
              portal_account_id: items[i].portalAccountId,
              event_type: event,
              severity,
              title: items[i].title,
              body: items[i].body,
              created_at: now,
              email: to[i].email,
              is_active: true,
              time_zone: tenant.time_zone,
              language: to[i].language,
            },
            items[i].deliveries.find((d) => d.channel === 'EMAIL')!.unsubscribe!.id,
          ),
        ),
      );
      await this.repository.markSent(
        sent.flatMap((e) => (e ? [e] : [])),
        new Date(),
      );
    } else
      byDelay.set(
        0,
        due.map((e) => e.id),
      );
    for (const [delay, deliveryIds] of byDelay)
      for (let i = 0; i < deliveryIds.length; i += EMAIL_BATCH)
        await this.jobs.enqueue(
          JobName.SendNotificationEmail,
          { deliveryIds: deliveryIds.slice(i, i + EMAIL_BATCH) },
          deliveryOptions(this.config, delay),
        );
    const deduped = toldUsers.size + accounts.length - customers.length;
    if (items.length || deduped) this.logger.log({ event, notified: items.length, deduped, webhooks }, 'notified');
    return { notified: items.length, deduped, webhooks };
  }

  /**
   * The first attempt of an e-mail, in the fan-out's job; a failure is retried by a job of its own (never thrown
   * here). Answers the e-mail sent, for the caller to mark with the others.
   */
  private async sendAtOnce(d: EmailDelivery, grantId: string): Promise<SentEmail | null> {
    try {
      return await this.deliverEmail(d, grantId, 0);
    } catch {
      if (this.config.NOTIFY_ATTEMPTS > 1)
        await this.jobs.enqueue(
          JobName.SendNotificationEmail,
          { deliveryIds: [d.id] },
          deliveryOptions(this.config, this.config.NOTIFY_RETRY_DELAY_MS),
        );
      return null;
    }
  }

  /** A tenant's name and time zone, kept a minute (one query less per event of a burst). */
  private async tenantOf(id: string) {
    const cached = this.tenants.get(id);
    if (cached && cached.until > Date.now()) return cached.tenant;
    const tenant = await this.repository.tenant(id);
    if (this.tenants.size > 10_000) this.tenants.clear();
    this.tenants.set(id, { tenant, until: Date.now() + 60_000 });
    return tenant;
  }

  /**
   * In-app notifications pushed live: an operator's to their user room, a customer's to their portal account's
   * room, with the unread count the insert read before (plus what it stored for the same recipient).
   */
  private push(items: NewNotification[], stored: { id: string; unreadBefore: number | null }[]): void {
    const added = new Map<string, number>();
    for (const n of items) added.set(recipientKey(n), (added.get(recipientKey(n)) ?? 0) + 1);
    for (const [i, n] of items.entries()) {
      const { id, unreadBefore } = stored[i];
      if (unreadBefore === null) continue;
      const unreadCount = unreadBefore + (added.get(recipientKey(n)) ?? 1);
      const event = {
        id,
        tenantId: n.tenantId,
        eventType: n.eventType,
        severity: n.severity,
        title: n.title,
        body: n.body,
        createdAt: n.createdAt.toISOString(),
      };
      if (n.userId) this.live.emitToUser('notification.created', n.userId, { ...event, unreadCount });
      else if (n.portalAccountId) this.live.emitToPortalAccount('notification.created', n.portalAccountId, { ...event, unreadCount });
    }
  }

  /**
   * The customer an event is about, and the payload completed from the stored record (invoice, payment,
   * dunning step). Undefined: the record is not there (a rolled-back transaction, another tenant's id) and
   * nobody is told. Null customer: operators only (or an alarm of a meter that serves no subscription).
   */
  private async customerOf<E extends NotificationEventType>(
    event: E,
    payload: NotificationEvents[E],
    dedupe: { key: string; since: Date } | null,
  ): Promise<
    | { customerId: string | null; subject?: string | null; payload: NotificationEvents[E]; accounts?: (Recipient & { told: boolean })[] }
    | undefined
  > {
    const rule = EVENT_RULES[event];
    const tenantId = payload.tenantId;
    switch (rule.customer) {
      case 'alarm': {
        const a = payload as NotificationEvents['alarm.opened'];
        const facts = await this.repository.alarmFacts(tenantId, a, event, dedupe);
        return { customerId: facts.customerId, subject: facts.subject, payload, accounts: facts.accounts };
      }
      case 'invoice': {
        const facts = await this.repository.invoiceFacts(tenantId, (payload as NotificationEvents['invoice.issued']).invoiceId);
        return facts && { customerId: facts.customerId, payload: { ...payload, ...facts } };
      }
      case 'payment': {
        const facts = await this.repository.paymentFacts(tenantId, (payload as NotificationEvents['payment.received']).paymentId);
        return (
          facts && { customerId: facts.customerId, payload: { ...payload, ...facts, receivedAt: new Date(facts.receivedAt).toISOString() } }
        );
      }
      case 'dunning-step': {
        const facts = await this.repository.dunningStepFacts(tenantId, (payload as NotificationEvents['payment.overdue']).stepId);
        return facts && { customerId: facts.customerId, payload: { ...payload, ...facts } };
      }
      default:
        return { customerId: null, payload };
    }
  }

  /** How the e-mail of one notification goes: alone now, after quiet hours, in the digest, or not (rate limit, no SMTP). */
  private async emailPlan(r: Recipient, severity: Severity, timeZone: string, now: Date): Promise<EmailPlan> {
    if (!this.mailer.configured) return { channel: 'EMAIL', status: 'SUPPRESSED', reason: 'no SMTP server configured (SMTP_URL)' };
    const urgent = severity === 'CRITICAL';
    if (r.emailDigest && !urgent) return { channel: 'EMAIL', status: 'QUEUED', digest: true };
    const quiet = r.quietStart !== null && r.quietEnd !== null ? { start: r.quietStart, end: r.quietEnd } : null;
    const until = urgent && r.urgentOverrides ? null : quietUntil(now, timeZone, quiet);
    if (until) return { channel: 'EMAIL', status: 'QUEUED', notBefore: until };
    if (!(await this.withinRate(recipientKey(r), now)))
      return { channel: 'EMAIL', status: 'SUPPRESSED', reason: `rate limit: ${this.config.NOTIFY_EMAIL_PER_HOUR} emails per hour` };
    return { channel: 'EMAIL', status: 'QUEUED' };
  }

  /** Counts one e-mail in the recipient's clock hour (Redis); false past NOTIFY_EMAIL_PER_HOUR. */
  private async withinRate(recipient: string, now: Date): Promise<boolean> {
    const key = this.redis.key('notify', 'rate', recipient, String(Math.floor(now.getTime() / 3_600_000)));
    const [[, count]] = (await this.redis.client.multi().incr(key).expire(key, 7200).exec()) as [[Error | null, number]];
    return count <= this.config.NOTIFY_EMAIL_PER_HOUR;
  }

  private async queueWebhooks<E extends NotificationEventType>(
    event: E,
    payload: NotificationEvents[E],
    targets: { id: string }[],
    now: Date,
  ): Promise<number> {
    const rows = targets.map((t) => ({
      endpointId: t.id,
      tenantId: payload.tenantId,
      eventType: event,
      payload: { ...payload, occurredAt: now.toISOString() },
    }));
    return (await this.queueWebhookDeliveries(rows)).length;
  }

  /** Stores webhook deliveries with the jobs that POST them (the job outbox: both commit, or neither); their ids. */
  private async queueWebhookDeliveries(rows: Parameters<NotificationsRepository['insertWebhookDeliveries']>[1]): Promise<string[]> {
    return this.unitOfWork.run(async (tx) => {
      const ids = await this.repository.insertWebhookDeliveries(tx, rows);
      await this.outbox.addAll(tx, webhookJobs(this.config, ids));
      return ids;
    });
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
    // The job's deliveries in one query; those no longer QUEUED (sent by an earlier attempt) are not there.
    const pending = await this.repository.emailDeliveries(deliveryIds);
    // Their unsubscribe grants in one statement (a grant of an e-mail not sent is never linked anywhere).
    const grants = new Map(pending.map((d) => [d.id, this.links.grant(now)]));
    await this.repository.createUnsubscribes(
      pending.map((d) => ({ userId: d.user_id, portalAccountId: d.portal_account_id, eventType: d.event_type, ...grants.get(d.id)! })),
      'EMAIL',
    );
    const sent: SentEmail[] = [];
    const failures: Error[] = [];
    const lane = async () => {
      for (let d = pending.shift(); d; d = pending.shift()) {
        try {
          const done = await this.deliverEmail(d, grants.get(d.id)!.id, attemptsMade);
          if (done) sent.push(done);
        } catch (err) {
          failures.push(err instanceof Error ? err : new Error(String(err)));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SMTP_POOL, pending.length) }, lane));
    // The job's e-mails sent, in one UPDATE (before a failure is thrown, so the retry does not send them again).
    await this.repository.markSent(sent, new Date());
    if (failures.length) throw failures[0];
    return sent.length ? JobStatus.Success : JobStatus.Skipped;
  }

  /** One e-mail; a failure is recorded and thrown (retried), FAILED once the attempts are spent. */
  async sendEmail(deliveryId: string, attemptsMade: number, now: Date): Promise<JobStatus> {
    const d = await this.repository.emailDelivery(deliveryId);
    if (!d || d.status !== 'QUEUED') return JobStatus.Skipped;
    return this.sendEmails([d.id], attemptsMade, now);
  }

  /**
   * One e-mail over SMTP with the link of its stored unsubscribe grant. Answers it sent (the caller marks it
   * SENT with the others of its job), null when suppressed; a failure is recorded and thrown (retried), FAILED
   * once the attempts are spent.
   */
  private async deliverEmail(d: EmailDelivery, grantId: string, attemptsMade: number): Promise<SentEmail | null> {
    if (!d.is_active) {
      await this.repository.markDeliveries([d.id], {
        status: 'SUPPRESSED',
        reason: d.user_id ? 'user deactivated' : 'portal account deactivated',
      });
      return null;
    }
    if (!this.mailer.configured) {
      await this.repository.markDeliveries([d.id], { status: 'SUPPRESSED', reason: 'no SMTP server configured (SMTP_URL)' });
      return null;
    }
    const lang = language(d.language);
    const to: RecipientRef = { userId: d.user_id, portalAccountId: d.portal_account_id };
    const unsubscribeUrl = this.links.url(grantId);
    const mail = renderEmail({
      language: lang,
      timeZone: d.time_zone,
      items: [{ title: d.title, body: d.body, severity: d.severity, createdAt: new Date(d.created_at) }],
      digest: false,
      consoleUrl: this.centreUrl(to),
      unsubscribeUrl,
      audience: d.user_id ? 'operator' : 'customer',
    });
    let providerMessageId: string | null;
    try {
      providerMessageId = await this.mailer.send({ to: d.email, ...mail, unsubscribeUrl });
    } catch (err) {
      const last = attemptsMade + 1 >= this.config.NOTIFY_ATTEMPTS;
      await this.repository.markDeliveries([d.id], { status: last ? 'FAILED' : 'QUEUED', reason: (err as Error).message, attempted: true });
      throw err;
    }
    return { id: d.id, providerMessageId };
  }

  @OnJob({ name: JobName.SendNotificationDigests })
  async handleDigests(): Promise<JobStatus> {
    const sent = await this.sendDigests(new Date());
    return sent ? JobStatus.Success : JobStatus.Skipped;
  }

  /** One e-mail per user of everything waiting for the digest; returns how many e-mails went. */
  async sendDigests(now: Date): Promise<number> {
    const rows = await this.repository.waitingDigests();
    const byRecipient = new Map<string, typeof rows>();
    for (const r of rows) {
      const key = recipientKey({ userId: r.user_id, portalAccountId: r.portal_account_id });
      let list = byRecipient.get(key);
      if (!list) byRecipient.set(key, (list = []));
      list.push(r);
    }
    let sent = 0;
    let failure: Error | null = null;
    for (const list of byRecipient.values()) {
      const ids = list.map((r) => r.id);
      const first = list[0];
      const to: RecipientRef = { userId: first.user_id, portalAccountId: first.portal_account_id };
      if (!first.is_active || !this.mailer.configured) {
        await this.repository.markDeliveries(ids, {
          status: 'SUPPRESSED',
          reason: first.is_active ? 'no SMTP server configured (SMTP_URL)' : to.userId ? 'user deactivated' : 'portal account deactivated',
        });
        continue;
      }
      const unsubscribeUrl = await this.links.create(to, ALL_EVENTS, 'EMAIL', now);
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
        consoleUrl: this.centreUrl(to),
        unsubscribeUrl,
        audience: to.userId ? 'operator' : 'customer',
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

  /** The recipient's notification centre: the console's, or the portal's for a customer. */
  private centreUrl(to: RecipientRef): string {
    return `${this.config.PUBLIC_URL.replace(/\/$/, '')}${to.userId ? '' : '/portal'}/notifications`;
  }
}
