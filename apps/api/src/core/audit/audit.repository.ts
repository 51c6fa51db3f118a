import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../database/database.service';
import { clientOf, type Transaction } from '../database/unit-of-work';

export type AuditRowInput = Prisma.AuditLogUncheckedCreateInput;

/** Appends audit rows, inside the caller's transaction when given one. */
@Injectable()
export class AuditRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(data: AuditRowInput, tx?: Transaction): Promise<void> {
    await clientOf(this.database, tx).auditLog.create({ data });
  }
}
