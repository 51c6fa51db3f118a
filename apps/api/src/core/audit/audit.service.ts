import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../database/database.service';
import type { AccessContext } from '../access/access-context';

export type AuditAction = 'create' | 'update' | 'delete' | 'login' | 'logout';

export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId?: string | null;
  tenantId?: string | null;
  before?: unknown;
  after?: unknown;
}

type Tx = Pick<DatabaseService['prisma'], 'auditLog'>;

/** Writes the audit log; call it inside the transaction of the change it records. */
@Injectable()
export class AuditService {
  constructor(private readonly database: DatabaseService) {}

  async record(actor: Pick<AccessContext, 'userId' | 'requestId'> | null, entry: AuditEntry, tx: Tx = this.database.prisma): Promise<void> {
    await tx.auditLog.create({
      data: {
        actorId: actor?.userId ?? null,
        tenantId: entry.tenantId ?? null,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId ?? null,
        before: toJson(entry.before),
        after: toJson(entry.after),
        requestId: actor?.requestId ?? null,
      },
    });
  }
}

/** Audit snapshots never hold secrets. */
const SECRET_KEYS = new Set(['passwordHash', 'password_hash', 'password', 'secretHash', 'tokenHash']);

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(
    JSON.stringify(value, (k, v) => {
      if (SECRET_KEYS.has(k)) return undefined;
      if (typeof v === 'bigint') return v.toString();
      return v;
    }),
  ) as Prisma.InputJsonValue;
}
