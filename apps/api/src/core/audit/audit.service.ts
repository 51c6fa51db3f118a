import { Injectable } from '@nestjs/common';
import type { Transaction } from '../database/unit-of-work';
import type { AccessContext } from '../access/access-context';
import { AuditRepository, type AuditRowInput } from './audit.repository';

export type AuditAction = 'create' | 'update' | 'delete' | 'login' | 'logout';

export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId?: string | null;
  tenantId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Writes the audit log; call it inside the transaction of the change it records. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  async record(actor: Pick<AccessContext, 'userId' | 'requestId'> | null, entry: AuditEntry, tx?: Transaction): Promise<void> {
    await this.repository.insert(
      {
        actorId: actor?.userId ?? null,
        tenantId: entry.tenantId ?? null,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId ?? null,
        before: toJson(entry.before),
        after: toJson(entry.after),
        requestId: actor?.requestId ?? null,
      },
      tx,
    );
  }
}

/** Audit snapshots never hold secrets. */
const SECRET_KEYS = new Set(['passwordHash', 'password_hash', 'password', 'secretHash', 'tokenHash']);

function toJson(value: unknown): AuditRowInput['before'] {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(
    JSON.stringify(value, (k: string, v: unknown) => {
      if (SECRET_KEYS.has(k)) return undefined;
      // The folded copy PostgreSQL keeps for searching (migration 0014) says nothing the fields do not.
      if (k === 'searchText' || k === 'search_text') return undefined;
      if (typeof v === 'bigint') return v.toString();
      return v;
    }),
  ) as AuditRowInput['before'];
}
