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
      .where('d.tenant_id', 'in', s.tenantIds)
      .$if(Boolean(s.channel), (q) => q.where('d.channel', '=', s.channel!))
      .$if(Boolean(s.status), (q) => q.where('d.status', '=', s.status!))
      .$if(Boolean(s.from), (q) => q.where('d.created_at', '>=', s.from!))
      .$if(Boolean(s.to), (q) => q.where('d.created_at', '<', s.to!))
      .$if(Boolean(s.before), (q) => q.where(olderThan('d.created_at', 'd.id', s.before!)))
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
      .where('d.tenant_id', 'in', s.tenantIds)
      .$if(Boolean(s.status), (q) => q.where('d.status', '=', s.status!))
      .$if(Boolean(s.from), (q) => q.where('d.created_at', '>=', s.from!))
      .$if(Boolean(s.to), (q) => q.where('d.created_at', '<', s.to!))
      .$if(Boolean(s.before), (q) => q.where(olderThan('d.created_at', 'd.id', s.before!)))
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
      .where('c.tenant_id', 'in', s.tenantIds)
      .$if(Boolean(s.status), (q) => q.where('c.email_status', '=', s.status!))
      .$if(Boolean(s.from), (q) => q.where('c.created_at', '>=', s.from!))
      .$if(Boolean(s.to), (q) => q.where('c.created_at', '<', s.to!))
      .$if(Boolean(s.before), (q) => q.where(olderThan('c.created_at', 'c.id', s.before!)))
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(s.limit)
      .execute();
  }
}
