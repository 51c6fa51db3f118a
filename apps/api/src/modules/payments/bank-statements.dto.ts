import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { createZodDto } from '../../core/http/zod-dto';
import type { LineRow, StatementRow } from './bank-statements.repository';

const uuid = z.string().uuid({ message: 'must be a UUID' });

export const ImportStatementQuerySchema = z.object({ tenantId: uuid }).strict();
export class ImportStatementQueryDto extends createZodDto(ImportStatementQuerySchema) {}

export const ListStatementsQuerySchema = z
  .object({ page: pageQueryShape.page, pageSize: pageQueryShape.pageSize, tenantId: uuid.optional() })
  .strict();
export class ListStatementsQueryDto extends createZodDto(ListStatementsQuerySchema) {}
export type ListStatementsQuery = z.infer<typeof ListStatementsQuerySchema>;

export const AssignLineSchema = z
  .object({ customerId: uuid.optional(), invoiceId: uuid.optional() })
  .strict()
  .refine((v) => Boolean(v.customerId) !== Boolean(v.invoiceId), {
    message: 'give exactly one of customerId or invoiceId',
    path: ['customerId'],
  });
export class AssignLineDto extends createZodDto(AssignLineSchema) {}
export type AssignLine = z.infer<typeof AssignLineSchema>;

export const IgnoreLineSchema = z.object({ reason: z.string().trim().max(300).optional() }).strict();
export class IgnoreLineDto extends createZodDto(IgnoreLineSchema) {}
export type IgnoreLine = z.infer<typeof IgnoreLineSchema>;

export const LINE_STATUSES = ['MATCHED', 'AMBIGUOUS', 'UNMATCHED', 'ASSIGNED', 'IGNORED', 'DEBIT', 'DUPLICATE'] as const;

export const BankStatementSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  format: z.enum(['CAMT053', 'CSV']),
  fileName: z.string(),
  sha256: z.string(),
  statementRef: z.string(),
  account: z.string().nullable(),
  fromDate: z.string().nullable(),
  toDate: z.string().nullable(),
  lineCount: z.number().int(),
  /** Lines waiting for an operator (ambiguous or unmatched). */
  waitingCount: z.number().int(),
  creditKurus: z.number().int(),
  createdAt: z.string(),
});
export type BankStatementView = z.infer<typeof BankStatementSchema>;
export class BankStatementPageDto extends createZodDto(pageSchema(BankStatementSchema)) {}

export const BankStatementLineSchema = z.object({
  id: z.string(),
  lineNo: z.number().int(),
  entryRef: z.string(),
  bookingDate: z.string(),
  amountKurus: z.number().int(),
  currency: z.string(),
  isCredit: z.boolean(),
  reference: z.string(),
  payerName: z.string().nullable(),
  status: z.enum(LINE_STATUSES),
  /** What the reference matched (for an ambiguous line, the choices). */
  candidates: z.array(z.object({ kind: z.enum(['invoice', 'subscription']), id: z.string(), number: z.string(), customerId: z.string() })),
  paymentId: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedById: z.string().nullable(),
});

export const BankStatementDetailSchema = BankStatementSchema.extend({ lines: z.array(BankStatementLineSchema) });
export class BankStatementDetailDto extends createZodDto(BankStatementDetailSchema) {}
export type BankStatementDetail = z.infer<typeof BankStatementDetailSchema>;

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

export function mapStatement(s: StatementRow): BankStatementView {
  return {
    id: s.id,
    tenantId: s.tenantId,
    format: s.format,
    fileName: s.fileName,
    sha256: s.sha256,
    statementRef: s.statementRef,
    account: s.account,
    fromDate: day(s.fromDate),
    toDate: day(s.toDate),
    lineCount: s.lineCount,
    waitingCount: s.waiting,
    creditKurus: Number(s.creditKurus),
    createdAt: s.createdAt.toISOString(),
  };
}

export function mapStatementLine(l: LineRow): z.infer<typeof BankStatementLineSchema> {
  return {
    id: l.id,
    lineNo: l.lineNo,
    entryRef: l.entryRef,
    bookingDate: day(l.bookingDate)!,
    amountKurus: Number(l.amountKurus),
    currency: l.currency,
    isCredit: l.isCredit,
    reference: l.reference,
    payerName: l.payerName,
    status: l.status,
    candidates: l.candidates,
    paymentId: l.paymentId,
    resolvedAt: l.resolvedAt?.toISOString() ?? null,
    resolvedById: l.resolvedById,
  };
}
