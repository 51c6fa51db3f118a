import { Injectable, Logger } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import type { UploadedFile } from '../../core/http/upload';
import { parseStatementFile, referenceKeys, sha256, StatementFileError, type StatementEntryLine } from './bank-statement-file';
import {
  mapStatement,
  mapStatementLine,
  type AssignLine,
  type BankStatementDetail,
  type BankStatementView,
  type IgnoreLine,
  type ListStatementsQuery,
} from './bank-statements.dto';
import { BankStatementsRepository, type Candidate, type LineInsert, type LineRow } from './bank-statements.repository';
import { PaymentsRepository, type InvoiceRef } from './payments.repository';
import { PaymentsService, requirePayable } from './payments.service';

const MAX_BYTES = 10 * 1024 * 1024;

/**
 * Bank-statement import (issue 18): CAMT.053 or a bank's CSV; each credit line whose reference names
 * one invoice (2026-000042) or one subscription number is booked as a BANK_TRANSFER payment (to that
 * invoice first, then the oldest open items), keyed `bank:<statement id>:<entry ref>` so the same
 * entry is never booked twice; lines naming two or more wait as AMBIGUOUS, lines naming nothing as
 * UNMATCHED, for an operator to assign or ignore. The same file (SHA-256) is refused with 409.
 */
@Injectable()
export class BankStatementsService {
  private readonly logger = new Logger('bank-statements');

  constructor(
    private readonly statements: BankStatementsRepository,
    private readonly payments: PaymentsRepository,
    private readonly paymentsService: PaymentsService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async import(access: AccessContext, tenantId: string, file: UploadedFile): Promise<BankStatementDetail> {
    access.require('BILLING', 'create', tenantId);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of file.bytes) {
      size += chunk.length;
      if (size > MAX_BYTES) throw new BadInputException(`a statement is at most ${MAX_BYTES} bytes`);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    if (!bytes.length) throw new BadInputException('the file is empty', [{ path: ['body', 'file'], message: 'empty' }]);
    const hash = sha256(bytes);
    const seen = await this.statements.bySha256(tenantId, hash);
    if (seen)
      throw new ConflictException(`this file was imported before (statement ${seen.id})`, [{ path: ['file'], message: seen.id }], {
        code: 'alreadyImported',
      });
    let parsed;
    try {
      parsed = parseStatementFile(bytes);
    } catch (err) {
      if (err instanceof StatementFileError) throw new BadInputException(err.message, err.details);
      throw err;
    }
    const lines = await this.classify(tenantId, parsed.lines);
    const id = await this.unitOfWork.run(async (tx) => {
      const statementId = await this.statements.insertStatement(tx, {
        tenantId,
        format: parsed.format,
        fileName: file.name,
        sha256: hash,
        statementRef: parsed.statementRef,
        account: parsed.account,
        fromDate: parsed.fromDate,
        toDate: parsed.toDate,
        lineCount: parsed.lines.length,
        createdById: access.userId,
      });
      await this.statements.insertLines(tx, tenantId, statementId, lines);
      await this.audit.record(
        access,
        {
          action: 'create',
          entityType: 'bank_statement',
          entityId: statementId,
          tenantId,
          after: {
            fileName: file.name,
            sha256: hash,
            format: parsed.format,
            statementRef: parsed.statementRef,
            lines: parsed.lines.length,
          },
        },
        tx,
      );
      return statementId;
    });
    await this.bookMatches(access, tenantId, id);
    return this.detail(access, id);
  }

  /**
   * What each line of a new statement is, from three queries for the whole file: debits, entries
   * booked before (DUPLICATE), ambiguous and unmatched lines; a line naming one payer is stored as
   * UNMATCHED with that one candidate and booked right after, line by line (bookMatches).
   */
  private async classify(tenantId: string, lines: StatementEntryLine[]): Promise<LineInsert[]> {
    const credits = lines.filter((l) => l.isCredit);
    const keys = new Map(credits.map((l) => [l.lineNo, referenceKeys(l.reference)]));
    const all = [...keys.values()];
    const [booked, invoices, subscriptions] = await Promise.all([
      this.payments.paymentIdsByExternalId(
        tenantId,
        credits.map((l) => `bank:${l.entryRef}`),
      ),
      this.payments.invoicesByNumber(tenantId, [...new Set(all.flatMap((k) => k.invoiceNumbers))]),
      this.payments.subscriptionsByNo(tenantId, [...new Set(all.flatMap((k) => k.tokens))]),
    ]);
    return lines.map((line) => {
      const base = { ...line, candidates: [] as Candidate[], paymentId: null as string | null };
      if (!line.isCredit) return { ...base, status: 'DEBIT' };
      const existing = booked.get(`bank:${line.entryRef}`);
      if (existing) return { ...base, status: 'DUPLICATE', paymentId: existing };
      const k = keys.get(line.lineNo)!;
      const byInvoice = invoices
        .filter((i) => k.invoiceNumbers.includes(i.number ?? ''))
        .map((i) => ({ kind: 'invoice' as const, id: i.id, number: i.number ?? '', customerId: i.customerId }));
      const bySubscription = subscriptions
        .filter((s) => k.tokens.includes(s.subscriptionNo))
        .map((s) => ({ kind: 'subscription' as const, id: s.id, number: s.subscriptionNo, customerId: s.customerId }));
      // Invoice numbers first; subscription numbers only when no invoice is named.
      const candidates = byInvoice.length ? byInvoice : bySubscription;
      return { ...base, status: candidates.length > 1 ? 'AMBIGUOUS' : 'UNMATCHED', candidates };
    });
  }

  /**
   * Books the statement's lines that name one payer, each in its own transaction (a long statement
   * never holds one transaction open for all of them): the payment to that invoice first (while it is
   * issued; a cancelled one's money becomes the customer's credit) or to the subscription's customer,
   * and the line MATCHED. A line that cannot be booked (an overlapping import took the entry first)
   * stays UNMATCHED with its candidate, for an operator.
   */
  private async bookMatches(access: AccessContext, tenantId: string, statementId: string): Promise<void> {
    for (const pending of await this.statements.toBook(statementId)) {
      const candidate = pending.candidates[0];
      try {
        const paymentId = await this.unitOfWork.run(async (tx) => {
          const line = await this.statements.line(statementId, pending.id, tx);
          if (!line || line.status !== 'UNMATCHED' || line.paymentId) return null;
          let to: { customerId: string; subscriptionId: string | null; invoice: InvoiceRef | null };
          if (candidate.kind === 'invoice') {
            const invoice = (await this.payments.invoice(candidate.id, tx))!;
            to = {
              customerId: invoice.customerId,
              subscriptionId: invoice.subscriptionId,
              invoice: invoice.status === 'ISSUED' ? invoice : null,
            };
          } else to = { customerId: candidate.customerId, subscriptionId: candidate.id, invoice: null };
          const paymentId = await this.bookLine(
            tx,
            access,
            tenantId,
            { ...line, bookingDate: line.bookingDate.toISOString().slice(0, 10) },
            to,
          );
          await this.statements.markMatched(tx, line.id, paymentId);
          return paymentId;
        });
        if (paymentId) await this.paymentsService.paid(tenantId, paymentId);
      } catch (err) {
        this.logger.warn({ statementId, lineId: pending.id, err: (err as Error).message }, 'bank line left for an operator');
      }
    }
  }

  private bookLine(
    tx: Transaction,
    access: AccessContext,
    tenantId: string,
    line: Pick<StatementEntryLine, 'entryRef' | 'amountKurus' | 'bookingDate' | 'reference' | 'payerName'>,
    to: { customerId: string; subscriptionId: string | null; invoice: InvoiceRef | null },
  ): Promise<string> {
    return this.paymentsService.book(tx, access, {
      customer: { id: to.customerId, tenantId },
      subscriptionId: to.subscriptionId,
      method: 'BANK_TRANSFER',
      amountKurus: line.amountKurus,
      // Booked at noon of the booking day (UTC), so the day is the bank's in every Turkish and European zone.
      receivedAt: new Date(`${line.bookingDate}T12:00:00Z`),
      receiptNo: null,
      reference: [line.payerName, line.reference].filter(Boolean).join(' — ').slice(0, 300) || null,
      externalId: `bank:${line.entryRef}`,
      note: null,
      targetInvoiceId: to.invoice?.id ?? null,
      description: `Banka havalesi ${line.entryRef.split(':').pop()}${to.invoice ? ` (${to.invoice.number})` : ''}`,
    });
  }

  /** An operator books a waiting line to a customer or an invoice of the statement's tenant. */
  async assign(access: AccessContext, statementId: string, lineId: string, input: AssignLine): Promise<BankStatementDetail> {
    const statement = await this.visible(access, statementId, 'create');
    let customerId: string;
    let subscriptionId: string | null = null;
    let invoice: InvoiceRef | null = null;
    if (input.invoiceId) {
      invoice = await this.payments.invoice(input.invoiceId);
      if (!invoice || !access.canSee(invoice.tenantId)) throw new EntityNotFoundException('invoice', input.invoiceId);
      requirePayable(invoice);
      customerId = invoice.customerId;
      subscriptionId = invoice.subscriptionId;
    } else {
      customerId = (await this.paymentsService.visibleCustomer(access, input.customerId!, 'create')).id;
    }
    const customer = (await this.payments.customer(customerId))!;
    if (customer.tenantId !== statement.tenantId)
      throw new BadInputException('the payer must be a customer of the statement’s tenant', [
        { path: [input.invoiceId ? 'invoiceId' : 'customerId'], message: 'another tenant' },
      ]);
    const paymentId = await this.unitOfWork.run(async (tx) => {
      const line = await this.waitingLine(tx, statementId, lineId);
      const paymentId = await this.bookLine(
        tx,
        access,
        statement.tenantId,
        { ...line, bookingDate: line.bookingDate.toISOString().slice(0, 10) },
        { customerId, subscriptionId, invoice },
      );
      await this.statements.resolveLine(tx, line.id, 'ASSIGNED', paymentId, access.userId);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'bank_statement_line',
          entityId: line.id,
          tenantId: statement.tenantId,
          before: { status: line.status },
          after: { status: 'ASSIGNED', paymentId, ...input },
        },
        tx,
      );
      return paymentId;
    });
    await this.paymentsService.paid(statement.tenantId, paymentId);
    return this.detail(access, statementId);
  }

  async ignore(access: AccessContext, statementId: string, lineId: string, input: IgnoreLine): Promise<BankStatementDetail> {
    const statement = await this.visible(access, statementId, 'update');
    await this.unitOfWork.run(async (tx) => {
      const line = await this.waitingLine(tx, statementId, lineId);
      await this.statements.resolveLine(tx, line.id, 'IGNORED', null, access.userId);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'bank_statement_line',
          entityId: line.id,
          tenantId: statement.tenantId,
          before: { status: line.status },
          after: { status: 'IGNORED', reason: input.reason ?? null },
        },
        tx,
      );
    });
    return this.detail(access, statementId);
  }

  private async waitingLine(tx: Transaction, statementId: string, lineId: string): Promise<LineRow> {
    const line = await this.statements.line(statementId, lineId, tx);
    if (!line) throw new EntityNotFoundException('statement line', lineId);
    if (line.status !== 'AMBIGUOUS' && line.status !== 'UNMATCHED')
      throw new ConflictException(
        `the line is ${line.status.toLowerCase()} already; only ambiguous or unmatched lines wait for an operator`,
        [],
        { code: 'alreadyDone' },
      );
    return line;
  }

  async list(access: AccessContext, q: ListStatementsQuery): Promise<Page<BankStatementView>> {
    const { rows, total } = await this.statements.list(
      access.tenantIds('BILLING', 'read', q.tenantId),
      (q.page - 1) * q.pageSize,
      q.pageSize,
    );
    return { items: rows.map(mapStatement), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<BankStatementDetail> {
    const statement = await this.visible(access, id, 'read');
    return { ...mapStatement(statement), lines: (await this.statements.lines(id)).map(mapStatementLine) };
  }

  private async visible(access: AccessContext, id: string, action: 'read' | 'create' | 'update') {
    const statement = await this.statements.statement(id);
    if (!statement || !access.canSee(statement.tenantId)) throw new EntityNotFoundException('bank statement', id);
    access.require('BILLING', action, statement.tenantId, 'bank statement', id);
    return statement;
  }
}
