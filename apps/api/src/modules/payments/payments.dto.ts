import { z } from 'zod';
import { exportOptionsShape } from '../../core/http/export';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { createZodDto } from '../../core/http/zod-dto';
import type { AllocationRow, PaymentRow } from './payments.repository';

/** Payments on the wire: money as integer kuruş (`…Kurus`, safe as JSON numbers below 2^53). */

const uuid = z.string().uuid({ message: 'must be a UUID' });
const amount = z.number().int('whole kuruş').min(1, 'must be positive').max(100_000_000_000);
export const PAYMENT_METHODS = ['CASH_DESK', 'BANK_TRANSFER', 'PROVIDER'] as const;
export const PAYMENT_KINDS = ['PAYMENT', 'REFUND'] as const;

export const CreatePaymentSchema = z
  .object({
    customerId: uuid.optional(),
    subscriptionId: uuid.optional(),
    amountKurus: amount,
    receivedAt: z.string().datetime({ offset: true, message: 'an ISO 8601 instant' }),
    /** The cash desk's receipt number: unique per tenant, and the idempotency key of the entry. */
    receiptNo: z.string().trim().min(1).max(60),
    method: z.literal('CASH_DESK'),
    /** Settle this invoice first; the rest goes to the oldest open items, then stays as credit. */
    invoiceId: uuid.optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((v) => Boolean(v.customerId) !== Boolean(v.subscriptionId), {
    message: 'give exactly one of customerId or subscriptionId',
    path: ['customerId'],
  });
export class CreatePaymentDto extends createZodDto(CreatePaymentSchema) {}
export type CreatePayment = z.infer<typeof CreatePaymentSchema>;

export const RefundSchema = z.object({ amountKurus: amount, reason: z.string().trim().min(1).max(500) }).strict();
export class RefundDto extends createZodDto(RefundSchema) {}
export type RefundInput = z.infer<typeof RefundSchema>;

export const ListPaymentsQuerySchema = z
  .object({
    ...pageQueryShape,
    order: z.enum(['asc', 'desc']).default('desc'),
    tenantId: uuid.optional(),
    customerId: uuid.optional(),
    subscriptionId: uuid.optional(),
    method: z.enum(PAYMENT_METHODS).optional(),
    kind: z.enum(PAYMENT_KINDS).optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
  })
  .strict();
export class ListPaymentsQueryDto extends createZodDto(ListPaymentsQuerySchema) {}
export type ListPaymentsQuery = z.infer<typeof ListPaymentsQuerySchema>;

export const AllocationSchema = z.object({ invoiceId: z.string(), invoiceNumber: z.string().nullable(), amountKurus: z.number().int() });

export const PaymentSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  subscriptionId: z.string().nullable(),
  kind: z.enum(PAYMENT_KINDS),
  method: z.enum(PAYMENT_METHODS),
  amountKurus: z.number().int(),
  currency: z.string(),
  receivedAt: z.string(),
  receiptNo: z.string().nullable(),
  reference: z.string().nullable(),
  externalId: z.string().nullable(),
  refundOfId: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  /** Refunded of this payment so far (payments only). */
  refundedKurus: z.number().int(),
  /** Allocated to invoices, net of reversals (payments only). */
  allocatedKurus: z.number().int(),
  /** amount − refunded − allocated: the customer's credit from this payment. */
  unallocatedKurus: z.number().int(),
  allocations: z.array(AllocationSchema),
});
export class PaymentDto extends createZodDto(PaymentSchema) {}
export type PaymentView = z.infer<typeof PaymentSchema>;
export class PaymentPageDto extends createZodDto(pageSchema(PaymentSchema)) {}

export function mapPayment(p: PaymentRow, allocations: (AllocationRow & { invoiceNumber: string | null })[]): PaymentView {
  const isPayment = p.kind === 'PAYMENT';
  return {
    id: p.id,
    tenantId: p.tenantId,
    customerId: p.customerId,
    customerName: p.customerName,
    subscriptionId: p.subscriptionId,
    kind: p.kind,
    method: p.method,
    amountKurus: Number(p.amountKurus),
    currency: p.currency,
    receivedAt: p.receivedAt.toISOString(),
    receiptNo: p.receiptNo,
    reference: p.reference,
    externalId: p.externalId,
    refundOfId: p.refundOfId,
    note: p.note,
    createdAt: p.createdAt.toISOString(),
    refundedKurus: isPayment ? Number(p.refundedKurus) : 0,
    allocatedKurus: isPayment ? Number(p.allocatedKurus) : 0,
    unallocatedKurus: isPayment ? Number(p.amountKurus - p.refundedKurus - p.allocatedKurus) : 0,
    allocations: allocations.map((a) => ({ invoiceId: a.invoiceId, invoiceNumber: a.invoiceNumber, amountKurus: Number(a.amountKurus) })),
  };
}

// ─── Ledger ─────────────────────────────────────────────────────────────────────────

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date');

const statementShape = {
  /** First day shown (in the tenant's time zone); entries before it make the opening balance. */
  from: isoDate.optional(),
  /** Last day shown, inclusive. */
  to: isoDate.optional(),
};
const ordered = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
export const StatementQuerySchema = z
  .object(statementShape)
  .strict()
  .refine(ordered, { message: 'from is after to', path: ['from'] });
export class StatementQueryDto extends createZodDto(StatementQuerySchema) {}
export type StatementQuery = z.infer<typeof StatementQuerySchema>;
export const StatementExportQuerySchema = z
  .object({ ...statementShape, ...exportOptionsShape })
  .strict()
  .refine(ordered, { message: 'from is after to', path: ['from'] });
export class StatementExportQueryDto extends createZodDto(StatementExportQuerySchema) {}

export const StatementEntrySchema = z.object({
  id: z.string(),
  bookedAt: z.string(),
  kind: z.string(),
  description: z.string(),
  invoiceId: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
  paymentId: z.string().nullable(),
  /** Owed by the customer (invoice, interest, refund). */
  debitKurus: z.number().int(),
  /** In the customer's favour (payment, credit note). */
  creditKurus: z.number().int(),
  /** Balance after this entry; positive: the customer owes. */
  balanceKurus: z.number().int(),
});
export type StatementEntry = z.infer<typeof StatementEntrySchema>;

export const OpenItemSchema = z.object({
  invoiceId: z.string(),
  number: z.string(),
  issueDate: z.string(),
  dueDate: z.string(),
  grossKurus: z.number().int(),
  outstandingKurus: z.number().int(),
  overdue: z.boolean(),
});

export const StatementSchema = z.object({
  customerId: z.string(),
  customerName: z.string(),
  tenantId: z.string(),
  currency: z.literal('TRY'),
  from: z.string().nullable(),
  to: z.string().nullable(),
  openingBalanceKurus: z.number().int(),
  closingBalanceKurus: z.number().int(),
  totalDebitKurus: z.number().int(),
  totalCreditKurus: z.number().int(),
  entries: z.array(StatementEntrySchema),
  openInvoices: z.array(OpenItemSchema),
});
export class StatementDto extends createZodDto(StatementSchema) {}
export type StatementView = z.infer<typeof StatementSchema>;

export const BalanceSchema = z.object({
  customerId: z.string(),
  /** Sum of the ledger: positive, the customer owes; negative, the utility does. */
  balanceKurus: z.number().int(),
  /** Money received and not allocated to any invoice (nor refunded). */
  creditKurus: z.number().int(),
  /** Outstanding on issued invoices. */
  openKurus: z.number().int(),
  /** Outstanding on issued invoices past their due date. */
  overdueKurus: z.number().int(),
});
export class BalanceDto extends createZodDto(BalanceSchema) {}
