import { Injectable } from '@nestjs/common';
import { sql, type Expression, type SqlBool } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';

/** One page's filters of one delivery source, as the service worked them out. */
export interface LogSlice {
  tenantIds: string[];
  status?: 'QUEUED' | 'SENT' | 'FAILED' | 'SUPPRESSED';
  /** Notification deliveries only: one channel. */
  channel?: 'EMAIL' | 'IN_APP';
  from?: Date;
  to?: Date;
  /** Rows strictly older than this (created_at, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** `(created_at, id) < cursor`: keyset paging newest first. */
const olderThan = (createdAt: string, id: string, c: { createdAt: Date; id: string }): Expression<SqlBool> =>
  sql<SqlBool>`(${sql.ref(createdAt)}, ${sql.ref(id)}) < (${c.createdAt}::timestamptz, ${c.id}::uuid)`;

/** The slice's filters on one source's columns (its tenant, status, creation time, id, and channel when it has one). */
function inSlice(
  s: LogSlice,
  c: { tenantId: string; status: string; createdAt: string; id: string; channel?: string },
): Expression<SqlBool> {
  const where: Expression<SqlBool>[] = [sql<SqlBool>`${sql.ref(c.tenantId)} = ANY (${s.tenantIds}::uuid[])`];
  if (s.channel && c.channel) where.push(sql<SqlBool>`${sql.ref(c.channel)} = ${s.channel}`);
  if (s.status) where.push(sql<SqlBool>`${sql.ref(c.status)} = ${s.status}`);
  if (s.from) where.push(sql<SqlBool>`${sql.ref(c.createdAt)} >= ${s.from}`);
  if (s.to) where.push(sql<SqlBool>`${sql.ref(c.createdAt)} < ${s.to}`);
  if (s.before) where.push(olderThan(c.createdAt, c.id, s.before));
  return sql<SqlBool>`${sql.join(where, sql` AND `)}`;
}

/** The delivery log's reads: notification deliveries, webhook deliveries and the portal's code e-mails. */
@Injectable()
export class NotificationLogRepository {
  constructor(private readonly database: DatabaseService) {}

  notificationDeliveries(s: LogSlice) {
    return this.database.db
      .selectFrom('notification_delivery as d')
      .innerJoin('notification as n', 'n.id', 'd.notification_id')
      .innerJoin('tenant as t', 't.id', 'd.tenant_id')
      .leftJoin('app_user as u', 'u.id', 'n.user_id')
      .leftJoin('portal_account as pa', 'pa.id', 'n.portal_account_id')
      .select([
        'd.id',
        'd.tenant_id',
        't.name as tenant_name',
        'd.channel',
        'n.event_type',
        'd.status',
        'd.reason',
        'd.attempts',
        'n.title',
        'n.user_id',
        'u.name as user_name',
        'u.surname as user_surname',
        'u.email as user_email',
        'pa.email as portal_email',
        'd.created_at',
        'd.sent_at',
      ])
      .where(inSlice(s, { tenantId: 'd.tenant_id', status: 'd.status', createdAt: 'd.created_at', id: 'd.id', channel: 'd.channel' }))
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(s.limit)
      .execute();
  }

  webhookDeliveries(s: LogSlice) {
    return this.database.db
      .selectFrom('webhook_delivery as d')
      .innerJoin('webhook_endpoint as w', 'w.id', 'd.endpoint_id')
      .innerJoin('tenant as t', 't.id', 'd.tenant_id')
      .select([
        'd.id',
        'd.tenant_id',
        't.name as tenant_name',
        'd.event_type',
        'd.status',
        'd.reason',
        'd.attempts',
        'd.http_status',
        'w.name as endpoint_name',
        'w.url',
        'd.created_at',
        'd.sent_at',
      ])
      .where(inSlice(s, { tenantId: 'd.tenant_id', status: 'd.status', createdAt: 'd.created_at', id: 'd.id' }))
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(s.limit)
      .execute();
  }

  /** The customer portal's e-mailed codes (sign-up, invitation, password reset): the code itself is never read. */
  portalCodeEmails(s: LogSlice) {
    return this.database.db
      .selectFrom('portal_challenge as c')
      .innerJoin('tenant as t', 't.id', 'c.tenant_id')
      .select([
        'c.id',
        'c.tenant_id',
        't.name as tenant_name',
        'c.purpose',
        'c.email',
        'c.email_status',
        'c.email_reason',
        'c.email_attempts',
        'c.created_at',
        'c.sent_at',
      ])
      .where(inSlice(s, { tenantId: 'c.tenant_id', status: 'c.email_status', createdAt: 'c.created_at', id: 'c.id' }))
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(s.limit)
      .execute();
  }
}
