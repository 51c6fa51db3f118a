import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import type { AlarmType } from '@water/shared';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

export type Channel = 'EMAIL' | 'IN_APP';
export type DeliveryStatus = 'QUEUED' | 'SENT' | 'FAILED' | 'SUPPRESSED';
export type Severity = 'INFO' | 'SUCCESS' | 'WARNING' | 'CRITICAL';

/** An operator (userId) or a customer's portal account (portalAccountId): exactly one is set. */
export interface RecipientRef {
  userId: string | null;
  portalAccountId: string | null;
}
/** The notification column naming a recipient's rows, and its value. */
const recipientColumn = (r: RecipientRef) => (r.userId ? 'user_id' : 'portal_account_id');
const recipientId = (r: RecipientRef): string => r.userId ?? r.portalAccountId!;
/** One key per recipient of either kind (maps, rate limits). */
export const recipientKey = (r: RecipientRef) => (r.userId ? `u:${r.userId}` : `p:${r.portalAccountId}`);

/** What the fan-out needs to know of a recipient. */
export interface Recipient extends RecipientRef {
  email: string;
  language: string;
  quietStart: number | null;
  quietEnd: number | null;
  urgentOverrides: boolean;
  emailDigest: boolean;
  /** The user's own switches for the event (no row: on). */
  email_enabled: boolean;
  in_app_enabled: boolean;
}

export interface NewNotification extends RecipientRef {
  tenantId: string;
  eventType: string;
  severity: Severity;
  title: string;
  body: string;
  payload: object;
  dedupeKey: string | null;
  createdAt: Date;
  deliveries: {
    channel: Channel;
    status: DeliveryStatus;
    reason?: string | null;
    digest?: boolean;
    notBefore?: Date | null;
    sentAt?: Date | null;
    /** An e-mail's unsubscribe grant, stored with it (the link is made from its id without another query). */
    unsubscribe?: UnsubscribeGrant;
  }[];
}

/** A stored unsubscribe grant's id and expiry, made by the caller. */
export interface UnsubscribeGrant {
  id: string;
  expiresAt: Date;
}

/** Users who hold a DASHBOARD read right (alarms are read there) at the tenant or one of its ancestors. */
const canReadAlarms = (userRef: string) => sql<boolean>`EXISTS (
  SELECT 1 FROM membership m
    JOIN tenant mt ON mt.id = m.tenant_id
    JOIN membership_permission p ON p.membership_id = m.id AND p.module = 'DASHBOARD' AND p.can_read
   WHERE m.user_id = ${sql.ref(userRef)} AND at.path <@ mt.path)`;

/** Notifications, their deliveries, settings, subscriptions and webhooks: the module's only database code. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly database: DatabaseService) {}

  // ---- fan-out (worker) ----

  tenant(id: string) {
    return this.database.db.selectFrom('tenant').select(['id', 'name', 'time_zone']).where('id', '=', id).executeTakeFirst();
  }

  /** Active users subscribed to `type` at the tenant or an ancestor who may still read the tenant's alarms. */
  async alarmSubscribers(tenantId: string, type: AlarmType): Promise<string[]> {
    const rows = await this.database.db
      .selectFrom('notification_alarm_subscription as s')
      .innerJoin('tenant as st', 'st.id', 's.tenant_id')
      .innerJoin('tenant as at', (j) => j.on('at.id', '=', tenantId))
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .select('s.user_id')
      .distinct()
      .where('s.alarm_type', '=', type)
      .where('u.is_active', '=', true)
      .where(sql<boolean>`at.path <@ st.path`)
      .where(canReadAlarms('s.user_id'))
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Of `userIds`, the active ones with a membership at the tenant or an ancestor. */
  async membersOf(tenantId: string, userIds: string[]): Promise<string[]> {
    if (!userIds.length) return [];
    const rows = await this.database.db
      .selectFrom('app_user as u')
      .innerJoin('tenant as at', (j) => j.on('at.id', '=', tenantId))
      .select('u.id')
      .where('u.id', 'in', userIds)
      .where('u.is_active', '=', true)
      .where(
        sql<boolean>`EXISTS (SELECT 1 FROM membership m JOIN tenant mt ON mt.id = m.tenant_id WHERE m.user_id = u.id AND at.path <@ mt.path)`,
      )
      .execute();
    return rows.map((r) => r.id);
  }

  /** Addresses, settings and the event's switches of each recipient. */
  async recipients(userIds: string[], eventType: string): Promise<Recipient[]> {
    if (!userIds.length) return [];
    const { rows } = await sql<Recipient>`
      SELECT u.id AS "userId", NULL::uuid AS "portalAccountId", u.email, coalesce(s.language, 'tr') AS language, s.quiet_start AS "quietStart", s.quiet_end AS "quietEnd",
             coalesce(s.urgent_overrides, true) AS "urgentOverrides", coalesce(s.email_digest, false) AS "emailDigest",
             coalesce((SELECT enabled FROM notification_preference p WHERE p.user_id = u.id AND p.event_type = ${eventType} AND p.channel = 'EMAIL'), true) AS email_enabled,
             coalesce((SELECT enabled FROM notification_preference p WHERE p.user_id = u.id AND p.event_type = ${eventType} AND p.channel = 'IN_APP'), true) AS in_app_enabled
        FROM app_user u LEFT JOIN notification_settings s ON s.user_id = u.id
       WHERE u.id = ANY (${userIds}::uuid[])`.execute(this.database.db);
    return rows;
  }

  /** Of `userIds`, those told under `dedupeKey` since `since`. */
  async toldSince(userIds: string[], dedupeKey: string, since: Date): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows = await this.database.db
      .selectFrom('notification')
      .select('user_id')
      .distinct()
      .where('user_id', 'in', userIds)
      .where('dedupe_key', '=', dedupeKey)
      .where('created_at', '>=', since)
      .$narrowType<{ user_id: string }>()
      .execute();
    return new Set(rows.map((r) => r.user_id));
  }

  // ---- customers (portal accounts) as recipients ----

  /**
   * What an alarm's notifications say and whom they reach, in one query: the meter's serial number (else the
   * device's), the customer of the alarm's subscription, else of the one the meter serves now, and that
   * customer's portal accounts as portalRecipients reads them.
   */
  async alarmFacts(
    tenantId: string,
    a: { subscriptionId: string | null; meterId: string | null; deviceId: string | null },
    eventType: string,
    dedupe: { key: string; since: Date } | null,
  ): Promise<{ customerId: string | null; subject: string | null; accounts: (Recipient & { told: boolean })[] }> {
    const { rows } = await sql<{ customerId: string | null; subject: string | null; accounts: (Recipient & { told: boolean })[] }>`
      WITH f AS (
        SELECT coalesce((SELECT serial_no FROM meter WHERE id = ${a.meterId}::uuid),
                        (SELECT serial_no FROM device WHERE id = ${a.deviceId}::uuid)) AS subject,
               coalesce((SELECT customer_id FROM subscription WHERE id = ${a.subscriptionId}::uuid AND tenant_id = ${tenantId}),
                        (SELECT s.customer_id FROM subscription_meter sm JOIN subscription s ON s.id = sm.subscription_id
                          WHERE sm.meter_id = ${a.meterId}::uuid AND sm.ended_at IS NULL AND s.tenant_id = ${tenantId} LIMIT 1)) AS customer_id)
      SELECT f.subject, f.customer_id AS "customerId",
             coalesce((SELECT json_agg(r) FROM (${this.portalRecipientsQuery(tenantId, sql`f.customer_id`, eventType, dedupe)}) r), '[]'::json) AS accounts
        FROM f`.execute(this.database.db);
    return rows[0] ?? { customerId: null, subject: null, accounts: [] };
  }

  /** An issued invoice of the tenant as its notification tells it; undefined when there is none (rolled back, cancelled, a draft). */
  async invoiceFacts(tenantId: string, invoiceId: string) {
    const { rows } = await sql<{
      customerId: string;
      number: string;
      grossKurus: string;
      issueDate: string;
      dueDate: string;
      periodStart: string;
      periodEnd: string;
    }>`SELECT customer_id AS "customerId", number, gross_kurus::text AS "grossKurus", issue_date::text AS "issueDate",
              due_date::text AS "dueDate", period_start::text AS "periodStart", period_end::text AS "periodEnd"
         FROM invoice WHERE id = ${invoiceId} AND tenant_id = ${tenantId} AND status = 'ISSUED' AND kind = 'INVOICE'`.execute(
      this.database.db,
    );
    return rows[0];
  }

  /** A payment of the tenant and the customer's balance after it (sum of the ledger: positive, still owed). */
  async paymentFacts(tenantId: string, paymentId: string) {
    const { rows } = await sql<{
      customerId: string;
      amountKurus: string;
      receivedAt: Date;
      method: 'CASH_DESK' | 'BANK_TRANSFER' | 'PROVIDER';
      balanceKurus: string;
    }>`SELECT p.customer_id AS "customerId", p.amount_kurus::text AS "amountKurus", p.received_at AS "receivedAt", p.method::text AS method,
              (SELECT coalesce(sum(l.amount_kurus), 0)::text FROM ledger_entry l WHERE l.customer_id = p.customer_id) AS "balanceKurus"
         FROM payment p WHERE p.id = ${paymentId} AND p.tenant_id = ${tenantId} AND p.kind = 'PAYMENT'`.execute(this.database.db);
    return rows[0];
  }

  /** A dunning reminder of the tenant with its invoice; undefined when there is none. */
  async dunningStepFacts(tenantId: string, stepId: string) {
    const { rows } = await sql<{
      customerId: string;
      invoiceId: string;
      number: string;
      ordinal: number;
      dueDate: string;
      daysOverdue: number;
      outstandingKurus: string;
    }>`SELECT s.customer_id AS "customerId", s.invoice_id AS "invoiceId", i.number, s.ordinal, i.due_date::text AS "dueDate",
              s.days_overdue AS "daysOverdue", s.outstanding_kurus::text AS "outstandingKurus"
         FROM dunning_step s JOIN invoice i ON i.id = s.invoice_id
        WHERE s.id = ${stepId} AND s.tenant_id = ${tenantId} AND s.kind = 'REMINDER'`.execute(this.database.db);
    return rows[0];
  }

  async markDunningStepNotified(tenantId: string, stepId: string, at: Date): Promise<void> {
    await this.database.db
      .updateTable('dunning_step')
      .set({ notification_status: 'SENT', notified_at: at })
      .where('id', '=', stepId)
      .where('tenant_id', '=', tenantId)
      .execute();
  }

  /**
   * The customer's active portal accounts (a deactivated one is told nothing) with their addresses, settings
   * and the event's switches, and whether each was told under `dedupeKey` since `since`: one query.
   */
  async portalRecipients(
    tenantId: string,
    customerId: string,
    eventType: string,
    dedupe: { key: string; since: Date } | null,
  ): Promise<(Recipient & { told: boolean })[]> {
    const { rows } = await this.portalRecipientsQuery(tenantId, sql`${customerId}::uuid`, eventType, dedupe).execute(this.database.db);
    return rows;
  }

  private portalRecipientsQuery(
    tenantId: string,
    customerId: RawBuilder<unknown>,
    eventType: string,
    dedupe: { key: string; since: Date } | null,
  ) {
    return sql<Recipient & { told: boolean }>`
      SELECT NULL::uuid AS "userId", a.id AS "portalAccountId", a.email::text AS email, a.language, a.quiet_start AS "quietStart",
             a.quiet_end AS "quietEnd", a.urgent_overrides AS "urgentOverrides", a.email_digest AS "emailDigest",
             coalesce((SELECT enabled FROM portal_notification_preference p WHERE p.account_id = a.id AND p.event_type = ${eventType} AND p.channel = 'EMAIL'), true) AS email_enabled,
             coalesce((SELECT enabled FROM portal_notification_preference p WHERE p.account_id = a.id AND p.event_type = ${eventType} AND p.channel = 'IN_APP'), true) AS in_app_enabled,
             ${
               dedupe
                 ? sql`EXISTS (SELECT 1 FROM notification n WHERE n.portal_account_id = a.id AND n.dedupe_key = ${dedupe.key} AND n.created_at >= ${dedupe.since})`
                 : sql`false`
             } AS told
        FROM portal_account a
       WHERE a.tenant_id = ${tenantId} AND a.customer_id = ${customerId} AND a.is_active`;
  }

  /**
   * Stores notifications with their deliveries and e-mails' unsubscribe grants in one statement (ids made
   * here, so the deliveries name them); returns, in order, ids, the e-mail deliveries' ids, and for an in-app
   * one the recipient's unread count before this statement (the caller adds what it stored).
   */
  async insert(items: NewNotification[]): Promise<{ id: string; emailDeliveryId: string | null; unreadBefore: number | null }[]> {
    if (!items.length) return [];
    const ids = items.map(() => randomUUID());
    const notifications = items.map((n, i) => ({
      id: ids[i],
      tenant_id: n.tenantId,
      user_id: n.userId,
      portal_account_id: n.portalAccountId,
      event_type: n.eventType,
      severity: n.severity,
      title: n.title,
      body: n.body,
      payload: JSON.stringify(n.payload),
      dedupe_key: n.dedupeKey,
      created_at: n.createdAt,
    }));
    const deliveries = items.flatMap((n, i) =>
      n.deliveries.map((d) => ({
        notification_id: ids[i],
        tenant_id: n.tenantId,
        channel: d.channel,
        status: d.status,
        reason: d.reason ?? null,
        digest: d.digest ?? false,
        not_before: d.notBefore ?? null,
        sent_at: d.sentAt ?? null,
        created_at: n.createdAt,
      })),
    );
    const grants = items.flatMap((n) =>
      n.deliveries.flatMap((d) =>
        d.unsubscribe
          ? [
              {
                id: d.unsubscribe.id,
                user_id: n.userId,
                portal_account_id: n.portalAccountId,
                event_type: n.eventType,
                channel: d.channel,
                expires_at: d.unsubscribe.expiresAt,
              },
            ]
          : [],
      ),
    );
    if (!deliveries.length) {
      await this.database.db.insertInto('notification').values(notifications).execute();
      return ids.map((id) => ({ id, emailDeliveryId: null, unreadBefore: null }));
    }
    const unread = (column: 'user_id' | 'portal_account_id') =>
      sql<string>`(SELECT count(*) FROM notification x WHERE x.${sql.ref(column)} = n.${sql.ref(column)} AND x.read_at IS NULL)`;
    const stored = await this.database.db
      .with('n', (db) => db.insertInto('notification').values(notifications).returning(['id', 'user_id', 'portal_account_id']))
      .with('u', (db) =>
        grants.length
          ? db.insertInto('notification_unsubscribe').values(grants).returning('id')
          : db
              .selectFrom('notification_unsubscribe')
              .select('id')
              .where(sql<boolean>`false`),
      )
      .with('d', (db) =>
        db.insertInto('notification_delivery').values(deliveries).returning(['id', 'notification_id', 'channel', 'status', 'digest']),
      )
      .selectFrom('d')
      .innerJoin('n', 'n.id', 'd.notification_id')
      .select([
        'd.id',
        'd.notification_id',
        'd.channel',
        'd.status',
        'd.digest',
        // The statement's own rows are not visible to its reads: counted before.
        sql<string | null>`CASE WHEN d.channel = 'IN_APP' THEN
          CASE WHEN n.user_id IS NOT NULL THEN ${unread('user_id')} ELSE ${unread('portal_account_id')} END END`.as('unread'),
      ])
      .execute();
    const emails = new Map(
      stored.filter((d) => d.channel === 'EMAIL' && d.status === 'QUEUED' && !d.digest).map((d) => [d.notification_id, d.id]),
    );
    const unreadBefore = new Map(stored.flatMap((d) => (d.unread === null ? [] : [[d.notification_id, Number(d.unread)] as const])));
    return ids.map((id) => ({ id, emailDeliveryId: emails.get(id) ?? null, unreadBefore: unreadBefore.get(id) ?? null }));
  }

  /** Active endpoints of the tenant or an ancestor listening to `eventType`. */
  webhookTargets(tenantId: string, eventType: string) {
    return this.database.db
      .selectFrom('webhook_endpoint as w')
      .innerJoin('tenant as wt', 'wt.id', 'w.tenant_id')
      .innerJoin('tenant as at', (j) => j.on('at.id', '=', tenantId))
      .select(['w.id', 'w.tenant_id'])
      .where('w.is_active', '=', true)
      .where(sql<boolean>`${eventType} = ANY (w.event_types)`)
      .where(sql<boolean>`at.path <@ wt.path`)
      .execute();
  }

  /** In `tx` (Prisma's client: the job outbox writes their jobs in the same transaction). */
  async insertWebhookDeliveries(
    tx: Transaction,
    rows: { endpointId: string; tenantId: string; eventType: string; payload: object }[],
  ): Promise<string[]> {
    if (!rows.length) return [];
    const stored = await clientOf(this.database, tx).webhookDelivery.createManyAndReturn({
      data: rows,
      select: { id: true },
    });
    return stored.map((r) => r.id);
  }

  // ---- deliveries (worker) ----

  /** E-mail deliveries with their notification and recipient (an operator or a portal account). */
  private emailDeliveryQuery() {
    return this.database.db
      .selectFrom('notification_delivery as d')
      .innerJoin('notification as n', 'n.id', 'd.notification_id')
      .leftJoin('app_user as u', 'u.id', 'n.user_id')
      .leftJoin('portal_account as a', 'a.id', 'n.portal_account_id')
      .innerJoin('tenant as t', 't.id', 'n.tenant_id')
      .leftJoin('notification_settings as s', 's.user_id', 'n.user_id')
      .select([
        'd.id',
        'd.status',
        'd.attempts',
        'n.id as notification_id',
        'n.user_id',
        'n.portal_account_id',
        'n.event_type',
        'n.severity',
        'n.title',
        'n.body',
        'n.created_at',
        sql<string>`coalesce(u.email, a.email::text)`.as('email'),
        sql<boolean>`coalesce(u.is_active, a.is_active, false)`.as('is_active'),
        't.time_zone',
        sql<string | null>`coalesce(s.language, a.language)`.as('language'),
      ]);
  }

  /** One e-mail delivery with its notification and recipient. */
  emailDelivery(id: string) {
    return this.emailDeliveryQuery().where('d.id', '=', id).where('d.channel', '=', 'EMAIL').executeTakeFirst();
  }

  /** The e-mail deliveries of `ids` still QUEUED, as emailDelivery reads them, in one query. */
  emailDeliveries(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.emailDeliveryQuery().where('d.id', 'in', ids).where('d.channel', '=', 'EMAIL').where('d.status', '=', 'QUEUED').execute();
  }

  async markDeliveries(
    ids: string[],
    change: {
      status: DeliveryStatus;
      reason?: string | null;
      providerMessageId?: string | null;
      sentAt?: Date | null;
      attempted?: boolean;
    },
  ): Promise<void> {
    if (!ids.length) return;
    await this.database.db
      .updateTable('notification_delivery')
      .set((eb) => ({
        status: change.status,
        reason: change.reason === undefined ? eb.ref('reason') : (change.reason?.slice(0, 500) ?? null),
        provider_message_id: change.providerMessageId === undefined ? eb.ref('provider_message_id') : change.providerMessageId,
        sent_at: change.sentAt === undefined ? eb.ref('sent_at') : change.sentAt,
        attempts: change.attempted ? eb('attempts', '+', 1) : eb.ref('attempts'),
        updated_at: new Date(),
      }))
      .where('id', 'in', ids)
      .execute();
  }

  /** E-mails waiting for their digest, by recipient and oldest first, with what the digest shows. */
  waitingDigests() {
    return this.database.db
      .selectFrom('notification_delivery as d')
      .innerJoin('notification as n', 'n.id', 'd.notification_id')
      .leftJoin('app_user as u', 'u.id', 'n.user_id')
      .leftJoin('portal_account as a', 'a.id', 'n.portal_account_id')
      .innerJoin('tenant as t', 't.id', 'n.tenant_id')
      .leftJoin('notification_settings as s', 's.user_id', 'n.user_id')
      .select([
        'd.id',
        'n.user_id',
        'n.portal_account_id',
        'n.title',
        'n.body',
        'n.severity',
        'n.created_at',
        sql<string>`coalesce(u.email, a.email::text)`.as('email'),
        sql<boolean>`coalesce(u.is_active, a.is_active, false)`.as('is_active'),
        't.time_zone',
        sql<string | null>`coalesce(s.language, a.language)`.as('language'),
      ])
      .where('d.channel', '=', 'EMAIL')
      .where('d.status', '=', 'QUEUED')
      .where('d.digest', '=', true)
      .orderBy('n.user_id')
      .orderBy('n.portal_account_id')
      .orderBy('n.created_at')
      .execute();
  }

  /** E-mails sent: each with its provider's message id, in one statement. */
  async markSent(sent: { id: string; providerMessageId: string | null }[], sentAt: Date): Promise<void> {
    if (!sent.length) return;
    await sql`
      UPDATE notification_delivery d
         SET status = 'SENT', reason = NULL, provider_message_id = v.message_id, sent_at = ${sentAt},
             attempts = d.attempts + 1, updated_at = ${sentAt}
        FROM unnest(${sent.map((s) => s.id)}::uuid[], ${sent.map((s) => s.providerMessageId)}::text[]) AS v(id, message_id)
       WHERE d.id = v.id`.execute(this.database.db);
  }

  /** Unsubscribe grants of one channel, ids and expiry made by the caller, in one statement. */
  async createUnsubscribes(rows: (RecipientRef & UnsubscribeGrant & { eventType: string })[], channel: Channel): Promise<void> {
    if (!rows.length) return;
    await this.database.db
      .insertInto('notification_unsubscribe')
      .values(
        rows.map((r) => ({
          id: r.id,
          user_id: r.userId,
          portal_account_id: r.portalAccountId,
          event_type: r.eventType,
          channel,
          expires_at: r.expiresAt,
        })),
      )
      .execute();
  }

  async createUnsubscribe(to: RecipientRef, eventType: string, channel: Channel, expiresAt: Date): Promise<string> {
    const row = await this.database.db
      .insertInto('notification_unsubscribe')
      .values({ user_id: to.userId, portal_account_id: to.portalAccountId, event_type: eventType, channel, expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  webhookDelivery(id: string) {
    return this.database.db
      .selectFrom('webhook_delivery as d')
      .innerJoin('webhook_endpoint as w', 'w.id', 'd.endpoint_id')
      .select(['d.id', 'd.status', 'd.event_type', 'd.payload', 'd.created_at', 'd.tenant_id', 'w.url', 'w.secret', 'w.is_active'])
      .where('d.id', '=', id)
      .executeTakeFirst();
  }

  async markWebhookDelivery(
    id: string,
    change: { status: DeliveryStatus; httpStatus: number | null; reason: string | null; sentAt?: Date },
  ): Promise<void> {
    await this.database.db
      .updateTable('webhook_delivery')
      .set((eb) => ({
        status: change.status,
        http_status: change.httpStatus,
        reason: change.reason?.slice(0, 500) ?? null,
        sent_at: change.sentAt ?? null,
        attempts: eb('attempts', '+', 1),
        updated_at: new Date(),
      }))
      .where('id', '=', id)
      .execute();
  }

  // ---- the in-app centres (the console's and the portal's: every query bounded by the recipient) ----

  /** Newest first; `before` is the cursor (created_at, id) of the last row of the previous page. */
  listFor(to: RecipientRef, o: { unreadOnly: boolean; limit: number; before: { createdAt: Date; id: string } | null }) {
    return this.database.db
      .selectFrom('notification')
      .select(['id', 'tenant_id', 'event_type', 'severity', 'title', 'body', 'payload', 'created_at', 'read_at'])
      .where(recipientColumn(to), '=', recipientId(to))
      .$if(o.unreadOnly, (q) => q.where('read_at', 'is', null))
      .$if(o.before !== null, (q) =>
        q.where((eb) =>
          eb.or([
            eb('created_at', '<', o.before!.createdAt),
            eb.and([eb('created_at', '=', o.before!.createdAt), eb('id', '<', o.before!.id)]),
          ]),
        ),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(o.limit)
      .execute();
  }

  findFor(to: RecipientRef, id: string) {
    return this.database.db
      .selectFrom('notification')
      .select(['id', 'read_at'])
      .where('id', '=', id)
      .where(recipientColumn(to), '=', recipientId(to))
      .executeTakeFirst();
  }

  /** Marks one (`id`) or all of the recipient's unread notifications read; returns how many. */
  async markReadFor(to: RecipientRef, id: string | null, at: Date): Promise<number> {
    const result = await this.database.db
      .updateTable('notification')
      .set({ read_at: at })
      .where(recipientColumn(to), '=', recipientId(to))
      .where('read_at', 'is', null)
      .$if(id !== null, (q) => q.where('id', '=', id!))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async unreadCount(to: RecipientRef): Promise<number> {
    const row = await this.database.db
      .selectFrom('notification')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(recipientColumn(to), '=', recipientId(to))
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  // ---- settings and preferences (the caller's own) ----

  settings(userId: string) {
    return this.database.db.selectFrom('notification_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  preferences(userId: string) {
    return this.database.db
      .selectFrom('notification_preference')
      .select(['event_type', 'channel', 'enabled'])
      .where('user_id', '=', userId)
      .execute();
  }

  async saveSettings(
    tx: Transaction,
    userId: string,
    s: { language: string; quietStart: number | null; quietEnd: number | null; urgentOverrides: boolean; emailDigest: boolean },
    prefs: { eventType: string; channel: Channel; enabled: boolean }[],
  ): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.notificationSettings.upsert({ where: { userId }, create: { userId, ...s }, update: s });
    for (const p of prefs) {
      await db.notificationPreference.upsert({
        where: { userId_eventType_channel: { userId, eventType: p.eventType, channel: p.channel } },
        create: { userId, ...p },
        update: { enabled: p.enabled },
      });
    }
  }

  findUnsubscribe(id: string) {
    return this.database.db.selectFrom('notification_unsubscribe').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async useUnsubscribe(id: string, userId: string, eventTypes: string[], channel: Channel, at: Date): Promise<void> {
    const prisma = this.database.prisma;
    await prisma.$transaction([
      prisma.notificationUnsubscribe.update({ where: { id }, data: { usedAt: at } }),
      ...eventTypes.map((eventType) =>
        prisma.notificationPreference.upsert({
          where: { userId_eventType_channel: { userId, eventType, channel } },
          create: { userId, eventType, channel, enabled: false },
          update: { enabled: false },
        }),
      ),
    ]);
  }

  /** The portal account's side of an unsubscribe link: the grant used and the events turned off on the channel. */
  async usePortalUnsubscribe(id: string, accountId: string, eventTypes: string[], channel: Channel, at: Date): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('notification_unsubscribe').set({ used_at: at }).where('id', '=', id).execute();
      await trx
        .insertInto('portal_notification_preference')
        .values(eventTypes.map((event_type) => ({ account_id: accountId, event_type, channel, enabled: false, updated_at: at })))
        .onConflict((oc) => oc.columns(['account_id', 'event_type', 'channel']).doUpdateSet({ enabled: false, updated_at: at }))
        .execute();
    });
  }

  // ---- the portal's settings (a customer's own) ----

  portalSettings(accountId: string) {
    return this.database.db
      .selectFrom('portal_account')
      .select(['tenant_id', 'language', 'quiet_start', 'quiet_end', 'urgent_overrides', 'email_digest'])
      .where('id', '=', accountId)
      .executeTakeFirst();
  }

  portalPreferences(accountId: string) {
    return this.database.db
      .selectFrom('portal_notification_preference')
      .select(['event_type', 'channel', 'enabled'])
      .where('account_id', '=', accountId)
      .execute();
  }

  async savePortalSettings(
    tx: Transaction,
    accountId: string,
    s: { language: string; quietStart: number | null; quietEnd: number | null; urgentOverrides: boolean; emailDigest: boolean },
    prefs: { eventType: string; channel: Channel; enabled: boolean }[],
  ): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.portalAccount.update({
      where: { id: accountId },
      data: {
        language: s.language,
        quietStart: s.quietStart,
        quietEnd: s.quietEnd,
        urgentOverrides: s.urgentOverrides,
        emailDigest: s.emailDigest,
        updatedAt: new Date(),
      },
    });
    for (const p of prefs) {
      await db.portalNotificationPreference.upsert({
        where: { accountId_eventType_channel: { accountId, eventType: p.eventType, channel: p.channel } },
        create: { accountId, ...p },
        update: { enabled: p.enabled, updatedAt: new Date() },
      });
    }
  }

  // ---- tenants' alarm subscriptions ----

  listSubscriptions(tenantIds: string[], userId?: string) {
    return this.database.db
      .selectFrom('notification_alarm_subscription as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .select(['s.id', 's.tenant_id', 's.user_id', 's.alarm_type', 's.created_at', 'u.name', 'u.surname', 'u.email'])
      .where('s.tenant_id', 'in', tenantIds.length ? tenantIds : ['00000000-0000-0000-0000-000000000000'])
      .$if(Boolean(userId), (q) => q.where('s.user_id', '=', userId!))
      .orderBy('u.surname')
      .orderBy('u.name')
      .orderBy('s.alarm_type')
      .execute();
  }

  findSubscription(id: string) {
    return this.database.db.selectFrom('notification_alarm_subscription').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The user's memberships: tenant and whether it grants DASHBOARD read (reading alarms). */
  membershipsOf(userId: string) {
    return this.database.db
      .selectFrom('membership as m')
      .leftJoin('membership_permission as p', (j) => j.onRef('p.membership_id', '=', 'm.id').on('p.module', '=', 'DASHBOARD'))
      .select(['m.tenant_id', sql<boolean>`coalesce(p.can_read, false)`.as('reads_alarms')])
      .where('m.user_id', '=', userId)
      .execute();
  }

  /** Whether the user may read the tenant's alarms (DASHBOARD read at it or an ancestor). */
  async canReadAlarmsOf(userId: string, tenantId: string): Promise<boolean> {
    const row = await this.database.db
      .selectFrom('tenant as at')
      .select(canReadAlarms('u.id').as('ok'))
      .innerJoin('app_user as u', (j) => j.on('u.id', '=', userId))
      .where('at.id', '=', tenantId)
      .executeTakeFirst();
    return Boolean(row?.ok);
  }

  async createSubscriptions(
    tx: Transaction,
    rows: { tenantId: string; userId: string; alarmType: AlarmType; createdById: string }[],
  ): Promise<number> {
    const result = await clientOf(this.database, tx).notificationAlarmSubscription.createMany({ data: rows, skipDuplicates: true });
    return result.count;
  }

  async deleteSubscription(tx: Transaction, id: string): Promise<void> {
    await clientOf(this.database, tx).notificationAlarmSubscription.delete({ where: { id } });
  }

  // ---- webhook endpoints ----

  listWebhooks(tenantIds: string[]) {
    return this.database.prisma.webhookEndpoint.findMany({ where: { tenantId: { in: tenantIds } }, orderBy: [{ createdAt: 'asc' }] });
  }

  findWebhook(id: string) {
    return this.database.prisma.webhookEndpoint.findUnique({ where: { id } });
  }

  createWebhook(
    tx: Transaction,
    data: { tenantId: string; name: string; url: string; secret: string; eventTypes: string[]; isActive: boolean },
  ) {
    return clientOf(this.database, tx).webhookEndpoint.create({ data });
  }

  updateWebhook(
    tx: Transaction,
    id: string,
    data: { name?: string; url?: string; secret?: string; eventTypes?: string[]; isActive?: boolean },
  ) {
    return clientOf(this.database, tx).webhookEndpoint.update({ where: { id }, data });
  }

  async deleteWebhook(tx: Transaction, id: string): Promise<void> {
    await clientOf(this.database, tx).webhookEndpoint.delete({ where: { id } });
  }

  webhookDeliveries(endpointId: string, limit: number) {
    return this.database.db
      .selectFrom('webhook_delivery')
      .select(['id', 'event_type', 'status', 'attempts', 'http_status', 'reason', 'created_at', 'updated_at', 'sent_at'])
      .where('endpoint_id', '=', endpointId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }
}
