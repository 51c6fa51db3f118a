import { z } from 'zod';
import { createZodDto } from '../../core/http/zod-dto';
import { exportOptionsShape } from '../../core/http/export';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import type { BillingStatus } from './dunning-rules';
import type { OrderRow, OverdueRow, StepRow } from './dunning.repository';

/** Dunning on the wire: money as integer kuruş (`…Kurus`), days as ISO dates in the tenant's calendar. */

const uuid = z.string().uuid({ message: 'must be a UUID' });
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s, 'not a calendar date');
const note = z.string().trim().max(500).nullish();

export const BILLING_STATUSES = ['OK', 'OVERDUE', 'DISCONNECTION_PENDING', 'DISCONNECTED', 'RECONNECTION_PENDING'] as const;
export const DISCONNECTION_STATUSES = ['OPEN', 'DONE', 'RECONNECT_OPEN', 'RECONNECTED', 'CANCELLED'] as const;
export const STEP_KINDS = ['REMINDER', 'INTEREST', 'DISCONNECTION'] as const;

export const RunDunningSchema = z
  .object({
    tenantId: uuid,
    /**
     * The day to run as (the tenant's calendar), for tests and for an operator catching up a missed day;
     * today by default, never after it. Runs are meant to go forward in time.
     */
    date: isoDate.optional(),
  })
  .strict();
export type RunDunning = z.infer<typeof RunDunningSchema>;
export class RunDunningDto extends createZodDto(RunDunningSchema) {}

export const RunSummarySchema = z.object({
  tenantId: uuid,
  date: z.string(),
  overdueInvoices: z.number().int(),
  remindersDue: z.number().int(),
  interestBooked: z.number().int(),
  interestKurus: z.number().int(),
  ordersOpened: z.number().int(),
  ordersCancelled: z.number().int(),
  reconnectionsOpened: z.number().int(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;
export class RunSummaryDto extends createZodDto(RunSummarySchema) {}

/** Paging without a text search (these lists filter by ids and days). */
const pagingShape = { page: pageQueryShape.page, pageSize: pageQueryShape.pageSize };

const scopeShape = {
  /** A tenant's subtree; every tenant where the caller reads billing by default. */
  tenantId: uuid.optional(),
  customerId: uuid.optional(),
  subscriptionId: uuid.optional(),
};

export const OverdueQuerySchema = z
  .object({
    ...pagingShape,
    ...scopeShape,
    /** Only invoices at least this many days past due. */
    minDays: z.coerce.number().int().min(1).max(36_500).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();
export type OverdueQuery = z.infer<typeof OverdueQuerySchema>;
export class OverdueQueryDto extends createZodDto(OverdueQuerySchema) {}

const StepKindSchema = z.enum(STEP_KINDS);

export const OverdueInvoiceSchema = z.object({
  invoiceId: uuid,
  number: z.string(),
  tenantId: uuid,
  tenantName: z.string(),
  subscriptionId: uuid,
  subscriptionNo: z.string(),
  customerId: uuid,
  customerName: z.string(),
  dueDate: z.string(),
  daysOverdue: z.number().int(),
  grossKurus: z.number().int(),
  outstandingKurus: z.number().int(),
  lastStep: z.object({ kind: StepKindSchema, ordinal: z.number().int(), dueOn: z.string() }).nullable(),
});
export type OverdueInvoice = z.infer<typeof OverdueInvoiceSchema>;
export class OverdueInvoicePageDto extends createZodDto(pageSchema(OverdueInvoiceSchema)) {}

export function mapOverdue(r: OverdueRow): OverdueInvoice {
  return { ...r, grossKurus: Number(r.grossKurus), outstandingKurus: Number(r.outstandingKurus) };
}

const statusList = z
  .string()
  .max(100)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(DISCONNECTION_STATUSES, { message: `each of ${DISCONNECTION_STATUSES.join(', ')}` })));

export const DisconnectionsQuerySchema = z
  .object({
    ...pagingShape,
    ...scopeShape,
    /** Comma-separated statuses; the live ones (OPEN, DONE, RECONNECT_OPEN) by default. */
    status: statusList.optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();
export type DisconnectionsQuery = z.infer<typeof DisconnectionsQuerySchema>;
export class DisconnectionsQueryDto extends createZodDto(DisconnectionsQuerySchema) {}

export const DisconnectionsExportQuerySchema = DisconnectionsQuerySchema.omit({ page: true, pageSize: true })
  .extend(exportOptionsShape)
  .strict();
export type DisconnectionsExportQuery = z.infer<typeof DisconnectionsExportQuerySchema>;
export class DisconnectionsExportQueryDto extends createZodDto(DisconnectionsExportQuerySchema) {}

export const DisconnectionOrderSchema = z.object({
  id: uuid,
  tenantId: uuid,
  tenantName: z.string(),
  subscriptionId: uuid,
  subscriptionNo: z.string(),
  customerId: uuid,
  customerName: z.string(),
  address: z.string().nullable(),
  status: z.enum(DISCONNECTION_STATUSES),
  reason: z.string(),
  overdueKurus: z.number().int(),
  overdueInvoices: z.number().int(),
  oldestDueDate: z.string(),
  openedOn: z.string(),
  openedAt: z.string(),
  openedById: uuid.nullable(),
  executedAt: z.string().nullable(),
  executedById: uuid.nullable(),
  executionNote: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  reconnectOpenedAt: z.string().nullable(),
  reconnectedAt: z.string().nullable(),
  reconnectedById: uuid.nullable(),
  reconnectionNote: z.string().nullable(),
});
export type DisconnectionOrder = z.infer<typeof DisconnectionOrderSchema>;
export class DisconnectionOrderDto extends createZodDto(DisconnectionOrderSchema) {}
export class DisconnectionOrderPageDto extends createZodDto(pageSchema(DisconnectionOrderSchema)) {}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function mapOrder(o: OrderRow): DisconnectionOrder {
  return {
    ...o,
    overdueKurus: Number(o.overdueKurus),
    openedAt: o.openedAt.toISOString(),
    executedAt: iso(o.executedAt),
    cancelledAt: iso(o.cancelledAt),
    reconnectOpenedAt: iso(o.reconnectOpenedAt),
    reconnectedAt: iso(o.reconnectedAt),
  };
}

/** The field crew's confirmation: a note (seal number, meter reading, why not done…). */
export const FieldConfirmationSchema = z.object({ note }).strict();
export type FieldConfirmation = z.infer<typeof FieldConfirmationSchema>;
export class FieldConfirmationDto extends createZodDto(FieldConfirmationSchema) {}

export const StepsQuerySchema = z.object({ invoiceId: uuid }).strict();
export class StepsQueryDto extends createZodDto(StepsQuerySchema) {}

export const DunningStepSchema = z.object({
  id: uuid,
  invoiceId: uuid,
  kind: StepKindSchema,
  ordinal: z.number().int(),
  dueOn: z.string(),
  daysOverdue: z.number().int(),
  outstandingKurus: z.number().int(),
  interestFrom: z.string().nullable(),
  ratePercent: z.number().nullable(),
  amountKurus: z.number().int().nullable(),
  ledgerEntryId: uuid.nullable(),
  disconnectionOrderId: uuid.nullable(),
  notificationStatus: z.enum(['DUE', 'SENT', 'FAILED']).nullable(),
  notifiedAt: z.string().nullable(),
  createdAt: z.string(),
  createdById: uuid.nullable(),
});
export type DunningStep = z.infer<typeof DunningStepSchema>;
export class DunningStepListDto extends createZodDto(z.object({ items: z.array(DunningStepSchema) })) {}

export function mapStep(s: StepRow): DunningStep {
  return {
    id: s.id,
    invoiceId: s.invoiceId,
    kind: s.kind,
    ordinal: s.ordinal,
    dueOn: s.dueOn,
    daysOverdue: s.daysOverdue,
    outstandingKurus: Number(s.outstandingKurus),
    interestFrom: s.interestFrom,
    ratePercent: s.rateBp === null ? null : s.rateBp / 100,
    amountKurus: s.amountKurus === null ? null : Number(s.amountKurus),
    ledgerEntryId: s.ledgerEntryId,
    disconnectionOrderId: s.disconnectionOrderId,
    notificationStatus: s.notificationStatus,
    notifiedAt: iso(s.notifiedAt),
    createdAt: s.createdAt.toISOString(),
    createdById: s.createdById,
  };
}

export const BillingStatusSchema = z.enum(BILLING_STATUSES);
export type { BillingStatus };
