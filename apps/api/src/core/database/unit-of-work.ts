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

  /** Runs `work` in one transaction, then (once it committed) what `afterCommit` registered on it. */
  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let opened: Transaction | undefined;
    const result = await this.database.prisma.$transaction((tx) => work((opened = tx as unknown as Transaction)));
    const hooks = opened && afterCommitHooks.get(opened);
    if (hooks) for (const hook of hooks) await hook();
    return result;
  }
}

const afterCommitHooks = new WeakMap<Transaction, (() => Promise<void>)[]>();

/**
 * Work to do once `tx` has committed (nothing if it rolls back), before `UnitOfWork.run` returns. The hook must
 * not throw: what it does after the commit cannot undo the commit (the job outbox catches and logs its own failures).
 */
export function afterCommit(tx: Transaction, hook: () => Promise<void>): void {
  const hooks = afterCommitHooks.get(tx);
  if (hooks) hooks.push(hook);
  else afterCommitHooks.set(tx, [hook]);
}

/** For repositories: the Prisma client of `tx`, or the process's client outside a transaction. */
export function clientOf(database: DatabaseService, tx?: Transaction): Prisma.TransactionClient {
  return (tx as unknown as Prisma.TransactionClient | undefined) ?? database.prisma;
}
