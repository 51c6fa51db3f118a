import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

export type LineStatus = 'MATCHED' | 'AMBIGUOUS' | 'UNMATCHED' | 'ASSIGNED' | 'IGNORED' | 'DEBIT' | 'DUPLICATE';

export interface Candidate {
  kind: 'invoice' | 'subscription';
  id: string;
  number: string;
  customerId: string;
}

export interface StatementRow {
  id: string;
  tenantId: string;
  format: 'CAMT053' | 'CSV';
  fileName: string;
  sha256: string;
  statementRef: string;
  account: string | null;
  fromDate: Date | null;
  toDate: Date | null;
  lineCount: number;
  createdAt: Date;
  createdById: string | null;
  waiting: number;
  creditKurus: bigint;
}

export interface LineRow {
  id: string;
  tenantId: string;
  statementId: string;
  lineNo: number;
  entryRef: string;
  bookingDate: Date;
  amountKurus: bigint;
  currency: string;
  isCredit: boolean;
  reference: string;
  payerName: string | null;
  status: LineStatus;
  candidates: Candidate[];
  paymentId: string | null;
  resolvedAt: Date | null;
  resolvedById: string | null;
}

export interface LineInsert {
  lineNo: number;
  entryRef: string;
  bookingDate: string;
  amountKurus: bigint;
  currency: string;
  isCredit: boolean;
  reference: string;
  payerName: string | null;
  status: LineStatus;
  candidates: Candidate[];
  paymentId: string | null;
}

const statementColumns = sql`s.id, s.tenant_id AS "tenantId", s.format::text AS format, s.file_name AS "fileName", s.sha256,
  s.statement_ref AS "statementRef", s.account, s.from_date AS "fromDate", s.to_date AS "toDate", s.line_count AS "lineCount",
  s.created_at AS "createdAt", s.created_by_id AS "createdById",
  (SELECT count(*)::int FROM bank_statement_line l WHERE l.statement_id = s.id AND l.status IN ('AMBIGUOUS', 'UNMATCHED')) AS waiting,
  (SELECT coalesce(sum(l.amount_kurus), 0)::bigint FROM bank_statement_line l WHERE l.statement_id = s.id AND l.is_credit) AS "creditKurus"`;

const lineColumns = sql`l.id, l.tenant_id AS "tenantId", l.statement_id AS "statementId", l.line_no AS "lineNo", l.entry_ref AS "entryRef",
  l.booking_date AS "bookingDate", l.amount_kurus AS "amountKurus", l.currency, l.is_credit AS "isCredit", l.reference,
  l.payer_name AS "payerName", l.status::text AS status, l.candidates, l.payment_id AS "paymentId", l.resolved_at AS "resolvedAt",
  l.resolved_by_id AS "resolvedById"`;

/** Bank statements and their lines (issue 18, migration 0022). */
@Injectable()
export class BankStatementsRepository {
  constructor(private readonly database: DatabaseService) {}

  private run<R>(tx: Transaction | undefined, query: RawBuilder<R>): Promise<R[]> {
    const c = query.compile(this.database.db);
    return clientOf(this.database, tx).$queryRawUnsafe<R[]>(c.sql, ...c.parameters);
  }

  async bySha256(tenantId: string, sha256: string): Promise<{ id: string } | null> {
    const [row] = await this.run<{ id: string }>(
      undefined,
      sql`SELECT id FROM bank_statement WHERE tenant_id = ${tenantId}::uuid AND sha256 = ${sha256}`,
    );
    return row ?? null;
  }

  async insertStatement(
    tx: Transaction,
    s: {
      tenantId: string;
      format: string;
      fileName: string;
      sha256: string;
      statementRef: string;
      account: string | null;
      fromDate: string | null;
      toDate: string | null;
      lineCount: number;
      createdById: string;
    },
  ): Promise<string> {
    const [row] = await this.run<{ id: string }>(
      tx,
      sql`INSERT INTO bank_statement (tenant_id, format, file_name, sha256, statement_ref, account, from_date, to_date, line_count, created_by_id)
          VALUES (${s.tenantId}::uuid, ${s.format}::bank_statement_format, ${s.fileName}, ${s.sha256}, ${s.statementRef}, ${s.account},
                  ${s.fromDate}::date, ${s.toDate}::date, ${s.lineCount}, ${s.createdById}::uuid)
          RETURNING id`,
    );
    return row.id;
  }

  async insertLines(tx: Transaction, tenantId: string, statementId: string, lines: LineInsert[]): Promise<void> {
    for (let i = 0; i < lines.length; i += 500) {
      const values = lines.slice(i, i + 500).map(
        (l) =>
          sql`(${tenantId}::uuid, ${statementId}::uuid, ${l.lineNo}, ${l.entryRef}, ${l.bookingDate}::date, ${l.amountKurus.toString()}::bigint,
               ${l.currency}, ${l.isCredit}, ${l.reference}, ${l.payerName}, ${l.status}::bank_statement_line_status,
               ${JSON.stringify(l.candidates)}::jsonb, ${l.paymentId}::uuid)`,
      );
      await this.run(
        tx,
        sql`INSERT INTO bank_statement_line (tenant_id, statement_id, line_no, entry_ref, booking_date, amount_kurus, currency, is_credit,
                                             reference, payer_name, status, candidates, payment_id)
            VALUES ${sql.join(values)} RETURNING id`,
      );
    }
  }

  /** Lines of a statement waiting as UNMATCHED with exactly one candidate payer: the import books them one by one. */
  toBook(statementId: string): Promise<LineRow[]> {
    return this.run<LineRow>(
      undefined,
      sql`SELECT ${lineColumns} FROM bank_statement_line l
           WHERE l.statement_id = ${statementId}::uuid AND l.status = 'UNMATCHED' AND jsonb_array_length(l.candidates) = 1
           ORDER BY l.line_no`,
    );
  }

  /** An automatic match booked: no operator resolved it. */
  async markMatched(tx: Transaction, lineId: string, paymentId: string): Promise<void> {
    await this.run(
      tx,
      sql`UPDATE bank_statement_line SET status = 'MATCHED', payment_id = ${paymentId}::uuid WHERE id = ${lineId}::uuid RETURNING id`,
    );
  }

  async statement(id: string): Promise<StatementRow | null> {
    const [row] = await this.run<StatementRow>(undefined, sql`SELECT ${statementColumns} FROM bank_statement s WHERE s.id = ${id}::uuid`);
    return row ?? null;
  }

  async list(tenantIds: string[], offset: number, limit: number): Promise<{ rows: StatementRow[]; total: number }> {
    if (!tenantIds.length) return { rows: [], total: 0 };
    const rows = await this.run<StatementRow>(
      undefined,
      sql`SELECT ${statementColumns} FROM bank_statement s WHERE s.tenant_id = ANY(${tenantIds}::uuid[])
           ORDER BY s.created_at DESC, s.id DESC OFFSET ${offset} LIMIT ${limit}`,
    );
    const [count] = await this.run<{ n: number }>(
      undefined,
      sql`SELECT count(*)::int AS n FROM bank_statement WHERE tenant_id = ANY(${tenantIds}::uuid[])`,
    );
    return { rows, total: count.n };
  }

  lines(statementId: string): Promise<LineRow[]> {
    return this.run<LineRow>(
      undefined,
      sql`SELECT ${lineColumns} FROM bank_statement_line l WHERE l.statement_id = ${statementId}::uuid ORDER BY l.line_no`,
    );
  }

  async line(statementId: string, lineId: string, tx?: Transaction): Promise<LineRow | null> {
    const [row] = await this.run<LineRow>(
      tx,
      sql`SELECT ${lineColumns} FROM bank_statement_line l WHERE l.id = ${lineId}::uuid AND l.statement_id = ${statementId}::uuid
          ${tx ? sql`FOR UPDATE` : sql``}`,
    );
    return row ?? null;
  }

  async resolveLine(tx: Transaction, lineId: string, status: LineStatus, paymentId: string | null, userId: string): Promise<void> {
    await this.run(
      tx,
      sql`UPDATE bank_statement_line SET status = ${status}::bank_statement_line_status, payment_id = ${paymentId}::uuid,
                 resolved_at = now(), resolved_by_id = ${userId}::uuid
           WHERE id = ${lineId}::uuid RETURNING id`,
    );
  }
}
