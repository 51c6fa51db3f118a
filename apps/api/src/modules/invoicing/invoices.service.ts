import { Injectable, Logger } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { ConflictException, EntityNotFoundException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import { localToday } from '../billing/tariff-rules';
import { NotificationsService } from '../notifications/notifications.service';
import { PaymentsService } from '../payments/payments.service';
import { BillingSettingsService } from './billing-settings.service';
import { addDays, monthPeriod } from './drafts';
import { InvoiceDraftsService } from './invoice-drafts.service';
import { InvoicePdfService } from './pdf/invoice-pdf.service';
import {
  mapInvoice,
  mapInvoiceDetail,
  type CancelInvoice,
  type CancelResultView,
  type InvoiceDetailView,
  type InvoiceView,
  type ListInvoicesQuery,
} from './invoicing.dto';
import { InvoicingRepository, type InvoiceRow } from './invoicing.repository';

/** Who issues: a user (with their request) or a job acting for one. */
export type Actor = Pick<AccessContext, 'userId' | 'requestId'>;

const LEDGER_TEXT = {
  tr: { INVOICE: 'Fatura', CREDIT_NOTE: 'İade faturası' },
  en: { INVOICE: 'Invoice', CREDIT_NOTE: 'Credit note' },
} as const;

/**
 * Invoices (issue 18): drafts from billing runs (or a re-issue), issued one by one in short
 * transactions (number from the database trigger, snapshot, INVOICE ledger entry, audit), corrected by
 * cancellation with an issued credit note and, when asked, a new draft for the period. After each
 * booking the customer's open items are settled (PaymentsService.settleOpenItems: payments and credit
 * go to the oldest due invoices; allocations left on a cancelled invoice are reversed).
 */
@Injectable()
export class InvoicesService {
  private readonly logger = new Logger('invoices');

  constructor(
    private readonly repository: InvoicingRepository,
    private readonly drafts: InvoiceDraftsService,
    private readonly settings: BillingSettingsService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly payments: PaymentsService,
    private readonly pdf: InvoicePdfService,
    private readonly notifications: NotificationsService,
  ) {}

  async list(access: AccessContext, q: ListInvoicesQuery): Promise<Page<InvoiceView>> {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const { rows, total } = await this.repository.listInvoices({
      tenantIds,
      runId: q.runId,
      status: q.status,
      kind: q.kind,
      subscriptionId: q.subscriptionId,
      customerId: q.customerId,
      number: q.number,
      periodStart: q.period ? monthPeriod(q.period).periodStart : undefined,
      offset: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    });
    return { items: rows.map(mapInvoice), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<InvoiceDetailView> {
    const invoice = await this.readable(access, id);
    return mapInvoiceDetail(invoice, await this.repository.invoiceLines(id));
  }

  /** POST /api/invoices/:id/issue: one draft (of a run or a re-issue). */
  async issue(access: AccessContext, id: string): Promise<InvoiceDetailView> {
    const invoice = await this.readable(access, id);
    access.require('BILLING', 'update', invoice.tenant_id, 'invoice', id);
    if (invoice.status !== 'DRAFT')
      throw new ConflictException(`invoice ${invoice.number} is already ${invoice.status.toLowerCase()}`, [], { code: 'alreadyDone' });
    if (invoice.billing_run_id) {
      const run = await this.repository.findRun(invoice.billing_run_id);
      if (run && (run.status === 'QUEUED' || run.status === 'RUNNING'))
        throw new ConflictException('the run of this draft is being computed again; issue it when the run is a draft', [], {
          code: 'notReady',
        });
    }
    const tenant = (await this.repository.tenant(invoice.tenant_id))!;
    const terms = await this.terms(invoice.tenant_id, tenant.time_zone);
    const issued = await this.issueDraft(access, id, terms);
    if (!issued) throw new ConflictException('the invoice was issued or removed meanwhile', [], { code: 'changedMeanwhile' });
    return this.detail(access, id);
  }

  /** Issue date today in the tenant's zone, due date after the payment term. */
  async terms(tenantId: string, timeZone: string): Promise<{ issueDate: string; dueDate: string }> {
    const issueDate = localToday(timeZone);
    const settings = await this.settings.effective(tenantId);
    return { issueDate, dueDate: addDays(issueDate, settings.values.paymentTermDays) };
  }

  /**
   * DRAFT → ISSUED in one short transaction: the number (trigger), dates, snapshot, the INVOICE ledger
   * entry and the audit entry commit together. Null when it was no longer a draft (issued by a
   * concurrent call: nothing happens twice).
   */
  async issueDraft(actor: Actor | null, id: string, terms: { issueDate: string; dueDate: string }): Promise<string | null> {
    const result = await this.unitOfWork.run(async (tx) => {
      const invoice = await this.repository.findInvoice(id, tx, true);
      if (!invoice || invoice.status !== 'DRAFT') return null;
      const snapshot = await this.repository.snapshotOf(tx, id);
      const issued = await this.repository.issue(tx, id, { ...terms, userId: actor?.userId ?? null, snapshot });
      if (!issued) return null;
      if (BigInt(issued.gross_kurus) !== 0n) {
        await this.repository.bookLedger(tx, {
          tenantId: invoice.tenant_id,
          customerId: invoice.customer_id,
          subscriptionId: invoice.subscription_id,
          kind: 'INVOICE',
          amountKurus: issued.gross_kurus,
          invoiceId: id,
          description: `${LEDGER_TEXT[invoice.language === 'en' ? 'en' : 'tr'].INVOICE} ${issued.number}`,
          userId: actor?.userId ?? null,
        });
      }
      await this.audit.record(
        actor,
        {
          action: 'update',
          entityType: 'invoice',
          entityId: id,
          tenantId: invoice.tenant_id,
          before: { status: 'DRAFT' },
          after: { status: 'ISSUED', number: issued.number, ...terms, grossKurus: issued.gross_kurus },
        },
        tx,
      );
      // Told and rendered once the issue commits, even if this process dies right after (the job outbox).
      await this.notifications.notifyWith(tx, 'invoice.issued', { tenantId: invoice.tenant_id, invoiceId: id }, id);
      await this.pdf.renderLater(tx, id, actor?.requestId);
      return { number: issued.number, customerId: invoice.customer_id, tenantId: invoice.tenant_id };
    });
    if (!result) return null;
    await this.payments.settleOpenItems(result.customerId, undefined, actor);
    return result.number;
  }

  /** ISSUED → CANCELLED with an issued credit note (negative copy, CREDIT_NOTE ledger entry); with `reissue`, a new draft. */
  async cancel(access: AccessContext, id: string, input: CancelInvoice): Promise<CancelResultView> {
    const invoice = await this.readable(access, id);
    access.require('BILLING', 'update', invoice.tenant_id, 'invoice', id);
    refuseUncancellable(invoice);
    const tenant = (await this.repository.tenant(invoice.tenant_id))!;
    const issueDate = localToday(tenant.time_zone);
    const ids = await this.unitOfWork.run(async (tx) => {
      const locked = (await this.repository.findInvoice(id, tx, true))!;
      refuseUncancellable(locked);
      await this.repository.cancel(tx, id, input.reason, access.userId);
      const note = await this.repository.creditNote(tx, id, { issueDate, userId: access.userId });
      if (BigInt(note.gross_kurus) !== 0n) {
        await this.repository.bookLedger(tx, {
          tenantId: locked.tenant_id,
          customerId: locked.customer_id,
          subscriptionId: locked.subscription_id,
          kind: 'CREDIT_NOTE',
          amountKurus: note.gross_kurus,
          invoiceId: note.id,
          description: `${LEDGER_TEXT[locked.language === 'en' ? 'en' : 'tr'].CREDIT_NOTE} ${note.number} (${locked.number})`,
          userId: access.userId,
        });
      }
      let reissueId: string | null = null;
      if (input.reissue) {
        const ctx = await this.drafts.context(locked.tenant_id, tenant.time_zone, locked.period_start, locked.period_end);
        const subscription = await this.repository.subscriptionForPeriod(
          tx,
          locked.subscription_id,
          locked.period_start,
          locked.period_end,
          tenant.time_zone,
        );
        if (!subscription)
          throw new ConflictException('the subscription was not served in the period any more: nothing to re-issue', [], {
            code: 'nothingToReissue',
          });
        const { drafts, problems } = await this.drafts.compute(ctx, [subscription]);
        if (problems.length) throw new ConflictException(`cannot re-issue: ${problems[0].reason}`);
        [reissueId] = await this.repository.insertDrafts(locked.tenant_id, null, [{ ...drafts[0], correctsInvoiceId: id }], tx);
      }
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'invoice',
          entityId: id,
          tenantId: locked.tenant_id,
          before: { status: 'ISSUED' },
          after: { status: 'CANCELLED', reason: input.reason, creditNote: note.number, reissueId },
        },
        tx,
      );
      await this.pdf.renderLater(tx, note.id, access.requestId);
      return { creditNoteId: note.id, reissueId };
    });
    await this.payments.settleOpenItems(invoice.customer_id, undefined, access);
    const row = async (x: string) => mapInvoice((await this.repository.findInvoice(x))!);
    return {
      invoice: await row(id),
      creditNote: await row(ids.creditNoteId),
      reissue: ids.reissueId ? await row(ids.reissueId) : null,
    };
  }

  private async readable(access: AccessContext, id: string): Promise<InvoiceRow> {
    const invoice = await this.repository.findInvoice(id);
    if (!invoice || !access.can('BILLING', 'read', invoice.tenant_id)) throw new EntityNotFoundException('invoice', id);
    return invoice;
  }
}

function refuseUncancellable(invoice: InvoiceRow): void {
  if (invoice.kind !== 'INVOICE')
    throw new ConflictException('a credit note is not cancelled; it stays with the invoice it cancels', [], { code: 'creditNoteFixed' });
  if (invoice.status !== 'ISSUED')
    throw new ConflictException(
      invoice.status === 'DRAFT' ? 'a draft is not cancelled: re-run its period instead' : `invoice ${invoice.number} is already cancelled`,
      [],
      invoice.status === 'DRAFT' ? { code: 'draftNotCancelled' } : { code: 'alreadyDone' },
    );
}
