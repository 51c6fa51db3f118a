import { Injectable } from '@nestjs/common';
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

/** What a credit line's reference points at. */
type Match =
  | { kind: 'none' }
  | { kind: 'ambiguous'; candidates: Candidate[] }
  | { kind: 'one'; customerId: string; subscriptionId: string | null; invoice: InvoiceRef | null; candidates: Candidate[] };

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
    if (seen) throw new ConflictException(`this file was imported before (statement ${seen.id})`, [{ path: ['file'], message: seen.id }]);
    let parsed;
    try {
      parsed = parseStatementFile(bytes);
    } catch (err) {
      if (err instanceof StatementFileError) throw new BadInputException(err.message, err.details);
      throw err;
    }
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
      for (const line of parsed.lines)
        await this.statements.insertLine(tx, tenantId, statementId, await this.take(tx, access, tenantId, line));
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
    return this.detail(access, id);
  }

  /** One line of a new statement: recorded, and booked when its reference names one payer. */
  private async take(tx: Transaction, access: AccessContext, tenantId: string, line: StatementEntryLine): Promise<LineInsert> {
    const base = { ...line, candidates: [] as Candidate[], paymentId: null as string | null };
    if (!line.isCredit) return { ...base, status: 'DEBIT' };
    const externalId = `bank:${line.entryRef}`;
    const existing = await this.payments.paymentByExternalId(tenantId, externalId, tx);
    if (existing) return { ...base, status: 'DUPLICATE', paymentId: existing.id };
    const match = await this.match(tx, tenantId, line.reference);
    if (match.kind === 'none') return { ...base, status: 'UNMATCHED' };
    if (match.kind === 'ambiguous') return { ...base, status: 'AMBIGUOUS', candidates: match.candidates };
    const paymentId = await this.bookLine(tx, access, tenantId, line, {
      customerId: match.customerId,
      subscriptionId: match.subscriptionId,
      invoice: match.invoice?.status === 'ISSUED' ? match.invoice : null,
    });
    return { ...base, status: 'MATCHED', candidates: match.candidates, paymentId };
  }

  /**
   * Invoice numbers first: one invoice of the tenant → its customer (and the invoice first, when still
   * issued: a cancelled one's money becomes the customer's credit); two or more → ambiguous. Without
   * an invoice number, subscription numbers the same way.
   */
  private async match(tx: Transaction, tenantId: string, reference: string): Promise<Match> {
    const keys = referenceKeys(reference);
    const invoices = await this.payments.invoicesByNumber(tenantId, keys.invoiceNumbers, tx);
    const invoiceCandidates = invoices.map((i) => ({
      kind: 'invoice' as const,
      id: i.id,
      number: i.number ?? '',
      customerId: i.customerId,
    }));
    if (invoices.length > 1) return { kind: 'ambiguous', candidates: invoiceCandidates };
    if (invoices.length === 1)
      return {
        kind: 'one',
        customerId: invoices[0].customerId,
        subscriptionId: invoices[0].subscriptionId,
        invoice: invoices[0],
        candidates: invoiceCandidates,
      };
    const subscriptions = await this.payments.subscriptionsByNo(tenantId, keys.tokens, tx);
    const candidates = subscriptions.map((s) => ({
      kind: 'subscription' as const,
      id: s.id,
      number: s.subscriptionNo,
      customerId: s.customerId,
    }));
    if (subscriptions.length > 1) return { kind: 'ambiguous', candidates };
    if (subscriptions.length === 1)
      return { kind: 'one', customerId: subscriptions[0].customerId, subscriptionId: subscriptions[0].id, invoice: null, candidates };
    return { kind: 'none' };
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
    await this.unitOfWork.run(async (tx) => {
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
    });
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
