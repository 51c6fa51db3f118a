import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { csvLine } from '../../core/http/csv';
import type { Page } from '../../core/http/paging';
import type { AuditEntryView, AuditFilters, ListAuditQueryDto } from './audit-log.dto';
import { AuditLogRepository, type AuditRow } from './audit-log.repository';

/** Rows one export may hold; narrower filters (time range, tenant) export the rest. */
export const AUDIT_EXPORT_MAX = 50_000;

const SECRET = /secret|password|token|hash|api[-_]?key/i;

/** Snapshots are written without secrets (core/audit); masked again here, so an older row never shows one. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET.test(k) ? '[secret]' : maskSecrets(v)]));
  }
  return value;
}

function view(r: AuditRow): AuditEntryView {
  return {
    id: r.id,
    createdAt: new Date(r.created_at).toISOString(),
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorEmail: r.actor_email,
    requestId: r.request_id,
    before: maskSecrets(r.before ?? null),
    after: maskSecrets(r.after ?? null),
  };
}

const CSV_HEADER = ['time', 'action', 'entity type', 'entity id', 'tenant', 'user', 'user email', 'request id', 'before', 'after'];

/**
 * Who changed what and when. Visible like users are: entries of the tenants where the caller reads
 * USERS; tenant-less entries (catalogue and global profile changes) only to the root's readers.
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly repository: AuditLogRepository) {}

  private scope(access: AccessContext, tenantId?: string) {
    const tenantIds = access.tenantIds('USERS', 'read', tenantId);
    const atRoot = !tenantId && access.tenantIds('USERS', 'read').some((id) => access.tenants.get(id)?.parentId === null);
    return { tenantIds, withGlobal: atRoot };
  }

  async list(access: AccessContext, q: ListAuditQueryDto): Promise<Page<AuditEntryView>> {
    const { tenantIds, withGlobal } = this.scope(access, q.tenantId);
    const { rows, total } = await this.repository.page(tenantIds, withGlobal, q, q.page, q.pageSize);
    return { items: rows.map(view), total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * The filtered log as CSV lines, newest first, header first; at most AUDIT_EXPORT_MAX rows. The scope
   * is checked before the first line, so a refused filter answers 404 rather than breaking a stream.
   */
  csv(access: AccessContext, f: AuditFilters): AsyncGenerator<string> {
    const { tenantIds, withGlobal } = this.scope(access, f.tenantId);
    const repository = this.repository;
    return (async function* () {
      yield csvLine(CSV_HEADER);
      for await (const rows of repository.each(tenantIds, withGlobal, f, AUDIT_EXPORT_MAX)) {
        yield rows
          .map(view)
          .map((e) =>
            csvLine([
              e.createdAt,
              e.action,
              e.entityType,
              e.entityId,
              e.tenantName,
              e.actorName,
              e.actorEmail,
              e.requestId,
              e.before,
              e.after,
            ]),
          )
          .join('');
      }
    })();
  }
}
