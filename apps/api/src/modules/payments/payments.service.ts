import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import { NotificationsService } from '../notifications/notifications.service';
import { allocateFifo, reversalsFor } from './allocation';
import { mapPayment, type CreatePayment, type ListPaymentsQuery, type PaymentView, type RefundInput } from './payments.dto';
import { PaymentsRepository, type CustomerRef, type InvoiceRef, type PaymentRow } from './payments.repository';

type Actor = Pick<AccessContext, 'userId' | 'requestId'> | null;

export interface SettleResult {
  /** Allocations reversed because their invoice was cancelled, in kuruş (a positive sum). */
  reversedKurus: bigint;
  /** Newly allocated to open invoices, in kuruş. */
  allocatedKurus: bigint;
}

/** A payment to book: the customer is known and visible; `targetInvoiceId` is settled first. */
export interface BookPayment {
  customer: Pick<CustomerRef, 'id' | 'tenantId'>;
  subscriptionId: string | null;
  method: 'CASH_DESK' | 'BANK_TRANSFER' | 'PROVIDER';
  amountKurus: bigint;
  receivedAt: Date;
  receiptNo: string | null;
  reference: string | null;
  externalId: string | null;
  note: string | null;
  targetInvoiceId: string | null;
  /** The ledger line's text, e.g. "Vezne tahsilatı, makbuz 42". */
  description: string;
}

const RECEIPT_PREFIX = 'receipt:';
/** A receipt dated this far in the future is a typing mistake. */
const FUTURE_SLACK_MS = 5 * 60_000;

/**
 * Payments and open items (issue 18): money received is booked once (payment row, PAYMENT ledger entry)
 * and allocated to the customer's issued invoices, oldest due first; what is left is the customer's
 * credit, which later invoices take (settleOpenItems). Refunds give money back and take back
 * allocations as needed. Rules: docs/decisions.md, "Billing: payments and ledger".
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * A customer's balance as the ledger says it, for the customer themself (the portal): tenant and customer
   * come from their session, so no operator right is asked. Kuruş as decimal strings.
   */
  async customerBalance(
    tenantId: string,
    customerId: string,
    today: string,
  ): Promise<{ balanceKurus: string; overdueKurus: string; nextDueDate: string | null }> {
    const b = await this.payments.balance(customerId, today, tenantId);
    return { balanceKurus: b.balance.toString(), overdueKurus: b.overdue.toString(), nextDueDate: b.next_due };
  }

  /**
   * Brings a customer's open items up to date: reverses what is still allocated to cancelled invoices,
   * then allocates unallocated credit to open ISSUED invoices (due date, then number). Serialised per
   * customer (transaction-scoped advisory lock) and idempotent: a second call finds nothing to do.
   * The invoicing code calls it in its own transaction after issuing or cancelling.
   */
  async settleOpenItems(customerId: string, tx?: Transaction, actor: Actor = null): Promise<SettleResult> {
    if (!tx) return this.unitOfWork.run((t) => this.settleOpenItems(customerId, t, actor));
    await this.payments.lockCustomer(tx, customerId);
    const reversed = await this.payments.reverseCancelled(tx, customerId);
    const credits = await this.payments.credits(customerId, tx);
    const items = credits.length ? await this.payments.openInvoices(customerId, tx) : [];
    const allocations = allocateFifo(
      credits.map((c) => ({ paymentId: c.id, tenantId: c.tenantId, remainingKurus: c.remainingKurus })),
      items.map((i) => ({ invoiceId: i.id, outstandingKurus: i.outstandingKurus })),
    );
    await this.payments.insertAllocations(tx, allocations);
    const result = {
      reversedKurus: reversed.reduce((s, r) => s - r.amountKurus, 0n),
      allocatedKurus: allocations.reduce((s, a) => s + a.amountKurus, 0n),
    };
    if (reversed.length || allocations.length) {
      const tenantId = allocations[0]?.tenantId ?? (await this.payments.customer(customerId, tx))?.tenantId ?? null;
      await this.audit.record(
        actor,
        {
          action: 'create',
          entityType: 'payment_allocation',
          entityId: customerId,
          tenantId,
          after: {
            reversed: reversed.map((r) => ({ paymentId: r.paymentId, invoiceId: r.invoiceId, amountKurus: r.amountKurus })),
            allocated: allocations.map((a) => ({ paymentId: a.paymentId, invoiceId: a.invoiceId, amountKurus: a.amountKurus })),
          },
        },
        tx,
      );
    }
    return result;
  }

  /**
   * Books money received inside the caller's transaction: the payment, its PAYMENT ledger entry, the
   * target invoice first, then the oldest open items; the rest stays as credit. For the cash desk,
   * the bank-statement import and the provider webhook alike.
   */
  async book(tx: Transaction, actor: Actor, p: BookPayment): Promise<string> {
    await this.payments.lockCustomer(tx, p.customer.id);
    const paymentId = await this.payments.insertPayment(tx, {
      tenantId: p.customer.tenantId,
      customerId: p.customer.id,
      subscriptionId: p.subscriptionId,
      kind: 'PAYMENT',
      method: p.method,
      amountKurus: p.amountKurus,
      receivedAt: p.receivedAt,
      receiptNo: p.receiptNo,
      reference: p.reference,
      externalId: p.externalId,
      refundOfId: null,
      note: p.note,
      createdById: actor?.userId ?? null,
    });
    await this.payments.insertLedgerEntry(tx, {
      tenantId: p.customer.tenantId,
      customerId: p.customer.id,
      subscriptionId: p.subscriptionId,
      kind: 'PAYMENT',
      amountKurus: -p.amountKurus,
      paymentId,
      description: p.description.slice(0, 300),
      bookedAt: p.receivedAt,
      createdById: actor?.userId ?? null,
    });
    if (p.targetInvoiceId) {
      const target = (await this.payments.openInvoices(p.customer.id, tx)).find((i) => i.id === p.targetInvoiceId);
      if (target) {
        const take = target.outstandingKurus < p.amountKurus ? target.outstandingKurus : p.amountKurus;
        await this.payments.insertAllocations(tx, [{ tenantId: p.customer.tenantId, paymentId, invoiceId: target.id, amountKurus: take }]);
      }
    }
    await this.audit.record(
      actor,
      {
        action: 'create',
        entityType: 'payment',
        entityId: paymentId,
        tenantId: p.customer.tenantId,
        after: { ...p, customer: p.customer.id, amountKurus: p.amountKurus },
      },
      tx,
    );
    await this.settleOpenItems(p.customer.id, tx, actor);
    return paymentId;
  }

  /**
   * A cash-desk payment. The receipt number is the idempotency key (unique per tenant): the same
   * receipt again with the same customer and amount answers the payment already booked (`replayed`),
   * with anything else 409.
   */
  async recordCashPayment(access: AccessContext, input: CreatePayment): Promise<{ payment: PaymentView; replayed: boolean }> {
    let customerId = input.customerId;
    let subscriptionId: string | null = null;
    if (input.subscriptionId) {
      const sub = await this.payments.subscription(input.subscriptionId);
      if (!sub) throw new EntityNotFoundException('subscription', input.subscriptionId);
      access.require('BILLING', 'create', sub.tenantId, 'subscription', sub.id);
      customerId = sub.customerId;
      subscriptionId = sub.id;
    }
    const customer = await this.visibleCustomer(access, customerId!, 'create');
    const receivedAt = new Date(input.receivedAt);
    if (receivedAt.getTime() > Date.now() + FUTURE_SLACK_MS)
      throw new BadInputException('a payment cannot be received in the future', [{ path: ['receivedAt'], message: 'in the future' }]);
    let target: InvoiceRef | null = null;
    if (input.invoiceId) {
      target = await this.payments.invoice(input.invoiceId);
      if (!target || !access.canSee(target.tenantId)) throw new EntityNotFoundException('invoice', input.invoiceId);
      access.require('BILLING', 'read', target.tenantId, 'invoice', target.id);
      if (target.customerId !== customer.id)
        throw new BadInputException('the invoice is another customer’s', [{ path: ['invoiceId'], message: 'not this customer’s invoice' }]);
      requirePayable(target);
      subscriptionId ??= target.subscriptionId;
    }
    const externalId = `${RECEIPT_PREFIX}${input.receiptNo}`;
    const replay = await this.replayOf(customer.tenantId, externalId, customer.id, BigInt(input.amountKurus));
    if (replay) return { payment: replay, replayed: true };
    const id = await this.unitOfWork.run((tx) =>
      this.book(tx, access, {
        customer,
        subscriptionId,
        method: 'CASH_DESK',
        amountKurus: BigInt(input.amountKurus),
        receivedAt,
        receiptNo: input.receiptNo,
        reference: null,
        externalId,
        note: input.note ?? null,
        targetInvoiceId: target?.id ?? null,
        description: `Vezne tahsilatı, makbuz ${input.receiptNo}`,
      }),
    );
    await this.paid(customer.tenantId, id);
    return { payment: await this.view(id), replayed: false };
  }

  /** Tells the customer of a payment booked by a transaction that committed (cash desk, bank line, provider event). */
  paid(tenantId: string, paymentId: string): Promise<void> {
    return this.notifications.notify('payment.received', { tenantId, paymentId });
  }

  private async replayOf(tenantId: string, externalId: string, customerId: string, amount: bigint): Promise<PaymentView | null> {
    const existing = await this.payments.paymentByExternalId(tenantId, externalId);
    if (!existing) return null;
    if (existing.customerId !== customerId || existing.amountKurus !== amount)
      throw ConflictException.alreadyExists(
        'this receipt number is already booked for another payment',
        ['receiptNo'],
        `already used by payment ${existing.id}`,
      );
    return this.view(existing.id);
  }

  /** Gives back part or all of a payment (≤ what is not yet refunded). Allocations are taken back as needed. */
  async refund(access: AccessContext, id: string, input: RefundInput): Promise<PaymentView> {
    const payment = await this.visiblePayment(access, id, 'create');
    const refundId = await this.unitOfWork.run((tx) =>
      this.refundInTx(tx, access, payment.id, BigInt(input.amountKurus), input.reason, null),
    );
    return this.view(refundId);
  }

  /** The refund itself, in the caller's transaction (also the provider webhook's charge.refunded). */
  async refundInTx(
    tx: Transaction,
    actor: Actor,
    paymentId: string,
    amountKurus: bigint,
    reason: string,
    externalId: string | null,
  ): Promise<string> {
    const first = await this.payments.payment(paymentId, tx);
    if (!first) throw new EntityNotFoundException('payment', paymentId);
    await this.payments.lockCustomer(tx, first.customerId);
    const payment = (await this.payments.payment(paymentId, tx))!;
    if (payment.kind !== 'PAYMENT') throw new ConflictException('a refund cannot be refunded', [], { code: 'refundOfRefund' });
    const refundable = payment.amountKurus - payment.refundedKurus;
    if (amountKurus > refundable)
      throw new BadInputException(`at most ${refundable} kuruş of this payment can be refunded`, [
        { path: ['amountKurus'], message: `at most ${refundable}` },
      ]);
    const free = refundable - payment.allocatedKurus;
    if (amountKurus > free) {
      const back = reversalsFor(await this.payments.allocationsOfPayment(payment.id, tx), amountKurus - free);
      await this.payments.insertAllocations(
        tx,
        back.map((b) => ({ tenantId: payment.tenantId, paymentId: payment.id, invoiceId: b.invoiceId, amountKurus: b.amountKurus })),
      );
    }
    const now = new Date();
    const refundId = await this.payments.insertPayment(tx, {
      tenantId: payment.tenantId,
      customerId: payment.customerId,
      subscriptionId: payment.subscriptionId,
      kind: 'REFUND',
      method: payment.method,
      amountKurus,
      receivedAt: now,
      receiptNo: null,
      reference: payment.receiptNo ?? payment.reference,
      externalId,
      refundOfId: payment.id,
      note: reason,
      createdById: actor?.userId ?? null,
    });
    await this.payments.insertLedgerEntry(tx, {
      tenantId: payment.tenantId,
      customerId: payment.customerId,
      subscriptionId: payment.subscriptionId,
      kind: 'REFUND',
      amountKurus,
      paymentId: refundId,
      description: `İade: ${reason}`.slice(0, 300),
      bookedAt: now,
      createdById: actor?.userId ?? null,
    });
    await this.audit.record(
      actor,
      {
        action: 'create',
        entityType: 'payment',
        entityId: refundId,
        tenantId: payment.tenantId,
        after: { kind: 'REFUND', refundOfId: payment.id, amountKurus, reason },
      },
      tx,
    );
    // A reopened invoice may be settled by other credit of the customer.
    await this.settleOpenItems(payment.customerId, tx, actor);
    return refundId;
  }

  async list(access: AccessContext, q: ListPaymentsQuery): Promise<Page<PaymentView>> {
    let tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    if (q.customerId) {
      const customer = await this.visibleCustomer(access, q.customerId, 'read');
      tenantIds = tenantIds.filter((t) => t === customer.tenantId);
    }
    const { rows, total } = await this.payments.listPayments({
      tenantIds,
      customerId: q.customerId,
      subscriptionId: q.subscriptionId,
      method: q.method,
      kind: q.kind,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      search: q.search,
      order: q.order,
      offset: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    });
    const allocations = await this.payments.allocationsOf(rows.map((r) => r.id));
    return {
      items: rows.map((r) =>
        mapPayment(
          r,
          allocations.filter((a) => a.paymentId === r.id),
        ),
      ),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async detail(access: AccessContext, id: string): Promise<PaymentView> {
    await this.visiblePayment(access, id, 'read');
    return this.view(id);
  }

  /** The customer if the caller may `action` BILLING in its tenant (404 when invisible). */
  async visibleCustomer(access: AccessContext, customerId: string, action: 'read' | 'create' | 'update'): Promise<CustomerRef> {
    const customer = await this.payments.customer(customerId);
    if (!customer || !access.canSee(customer.tenantId)) throw new EntityNotFoundException('customer', customerId);
    access.require('BILLING', action, customer.tenantId, 'customer', customerId);
    return customer;
  }

  private async visiblePayment(access: AccessContext, id: string, action: 'read' | 'create'): Promise<PaymentRow> {
    const payment = await this.payments.payment(id);
    if (!payment || !access.canSee(payment.tenantId)) throw new EntityNotFoundException('payment', id);
    access.require('BILLING', action, payment.tenantId, 'payment', id);
    return payment;
  }

  async view(id: string): Promise<PaymentView> {
    const row = await this.payments.payment(id);
    if (!row) throw new EntityNotFoundException('payment', id);
    return mapPayment(row, await this.payments.allocationsOf([id]));
  }
}

/** Money may be pointed at an issued invoice only; a cancelled one is closed (its credit note settled it). */
export function requirePayable(invoice: InvoiceRef): void {
  if (invoice.kind !== 'INVOICE')
    throw new ConflictException(`${invoice.number ?? 'this document'} is a credit note, not payable`, [], { code: 'notPayable' });
  if (invoice.status === 'CANCELLED')
    throw new ConflictException(
      `invoice ${invoice.number} is cancelled and cannot be paid`,
      [{ path: ['invoiceId'], message: 'cancelled' }],
      { code: 'invoiceCancelled' },
    );
  if (invoice.status === 'DRAFT')
    throw new ConflictException('a draft invoice cannot be paid before it is issued', [{ path: ['invoiceId'], message: 'draft' }], {
      code: 'invoiceDraft',
    });
}
