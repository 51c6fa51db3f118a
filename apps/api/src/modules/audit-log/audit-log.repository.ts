import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import type { AuditFilters } from './audit-log.dto';

export interface AuditRow {
  id: string;
  created_at: Date;
  action: string;
  entity_type: string;
  entity_id: string | null;
  tenant_id: string | null;
  tenant_name: string | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  request_id: string | null;
  before: unknown;
  after: unknown;
}

/** Reads the audit log (written by core/audit in the transaction of each change). */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Entries of the given tenants, and tenant-less entries (catalogue, global profiles) when `withGlobal`. */
  private scoped(tenantIds: string[], withGlobal: boolean, f: AuditFilters) {
    const none = ['00000000-0000-0000-0000-000000000000'];
    return this.database.db
      .selectFrom('audit_log as a')
      .leftJoin('tenant as t', 't.id', 'a.tenant_id')
      .leftJoin('app_user as u', 'u.id', 'a.actor_id')
      .where((eb) =>
        withGlobal
          ? eb.or([eb('a.tenant_id', 'in', tenantIds.length ? tenantIds : none), eb('a.tenant_id', 'is', null)])
          : eb('a.tenant_id', 'in', tenantIds.length ? tenantIds : none),
      )
      .$if(Boolean(f.tenantId), (q) => q.where('a.tenant_id', '=', f.tenantId!))
      .$if(Boolean(f.userId), (q) => q.where('a.actor_id', '=', f.userId!))
      .$if(Boolean(f.entityType), (q) => q.where('a.entity_type', '=', f.entityType!))
      .$if(Boolean(f.entityId), (q) => q.where('a.entity_id', '=', f.entityId!))
      .$if(Boolean(f.action), (q) => q.where('a.action', '=', f.action!))
      .$if(Boolean(f.from), (q) => q.where('a.created_at', '>=', new Date(f.from!)))
      .$if(Boolean(f.to), (q) => q.where('a.created_at', '<', new Date(f.to!)));
  }

  private rows(tenantIds: string[], withGlobal: boolean, f: AuditFilters) {
    return this.scoped(tenantIds, withGlobal, f).select([
      sql<string>`a.id::text`.as('id'),
      'a.created_at',
      'a.action',
      'a.entity_type',
      'a.entity_id',
      'a.tenant_id',
      't.name as tenant_name',
      'a.actor_id',
      sql<string | null>`nullif(trim(coalesce(u.name, '') || ' ' || coalesce(u.surname, '')), '')`.as('actor_name'),
      sql<string | null>`u.email::text`.as('actor_email'),
      'a.request_id',
      'a.before',
      'a.after',
    ]);
  }

  async page(
    tenantIds: string[],
    withGlobal: boolean,
    f: AuditFilters,
    page: number,
    pageSize: number,
  ): Promise<{ rows: AuditRow[]; total: number }> {
    const base = this.scoped(tenantIds, withGlobal, f);
    const [rows, count] = await Promise.all([
      this.rows(tenantIds, withGlobal, f)
        .orderBy('a.created_at', 'desc')
        .orderBy('a.id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute() as Promise<AuditRow[]>,
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /** Newest first, in chunks of `chunk`, at most `limit` rows: exports stream without holding them all. */
  async *each(tenantIds: string[], withGlobal: boolean, f: AuditFilters, limit: number, chunk = 1000): AsyncGenerator<AuditRow[]> {
    let after: { createdAt: Date; id: string } | null = null;
    let sent = 0;
    while (sent < limit) {
      const cursor: { createdAt: Date; id: string } | null = after;
      const rows = (await this.rows(tenantIds, withGlobal, f)
        .$if(cursor !== null, (q) =>
          q.where(sql<boolean>`(a.created_at, a.id) < (${cursor!.createdAt}::timestamptz, ${cursor!.id}::bigint)`),
        )
        .orderBy('a.created_at', 'desc')
        .orderBy('a.id', 'desc')
        .limit(Math.min(chunk, limit - sent))
        .execute()) as AuditRow[];
      if (!rows.length) return;
      sent += rows.length;
      yield rows;
      const last = rows[rows.length - 1];
      after = { createdAt: last.created_at, id: last.id };
    }
  }
}
