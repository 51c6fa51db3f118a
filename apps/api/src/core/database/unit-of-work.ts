import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from './database.service';

declare const opened: unique symbol;

/**
 * An open transaction as services see it: a handle to pass on to repositories (and to
 * `AuditService.record`), with nothing to query through. Only repositories unwrap it (`clientOf`).
 */
export interface Transaction {
  readonly [opened]: true;
}

/**
 * Runs work in one database transaction (Prisma `$transaction`, on the same pool and tenant scope as
 * every other query): the change and its audit entry commit or roll back together.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly database: DatabaseService) {}

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.prisma.$transaction((tx) => work(tx as unknown as Transaction));
  }
}

/** For repositories: the Prisma client of `tx`, or the process's client outside a transaction. */
export function clientOf(database: DatabaseService, tx?: Transaction): Prisma.TransactionClient {
  return (tx as unknown as Prisma.TransactionClient | undefined) ?? database.prisma;
}
