import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { clientOf, type Transaction } from '../database/unit-of-work';

/** A job to enqueue: its name, BullMQ id, payload and options (plain JSON). */
export interface OutboxJob {
  jobName: string;
  jobId: string;
  payload: object;
  options: object;
}

export interface OutboxEntry extends OutboxJob {
  id: string;
}

/** The job_outbox table (migration 0031). */
@Injectable()
export class JobOutboxRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Writes the jobs in `tx`; a job whose id is already waiting in the outbox is not written twice. The entries written. */
  async insert(tx: Transaction, jobs: OutboxJob[]): Promise<OutboxEntry[]> {
    const rows = await clientOf(this.database, tx).jobOutbox.createManyAndReturn({
      data: jobs,
      skipDuplicates: true,
      select: { id: true, jobName: true, jobId: true, payload: true, options: true },
    });
    return rows.map((r) => ({ ...r, payload: r.payload as object, options: r.options as object }));
  }

  /** Entries written before `before`, oldest first: those no process enqueued (it died, or Redis was away). */
  async olderThan(before: Date, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.database.db
      .selectFrom('job_outbox')
      .select(['id', 'job_name as jobName', 'job_id as jobId', 'payload', 'options'])
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, payload: r.payload as object, options: r.options as object }));
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length) await this.database.db.deleteFrom('job_outbox').where('id', 'in', ids).execute();
  }

  async count(): Promise<number> {
    const { n } = await this.database.db
      .selectFrom('job_outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
