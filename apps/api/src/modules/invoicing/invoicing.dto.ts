import { z } from 'zod';
import { createZodDto } from '../../core/http/zod-dto';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { signedLitres } from './drafts';
import type { InvoiceLineRow, InvoiceRow, RunRow } from './invoicing.repository';

/** Billing runs, invoices and billing settings on the wire: money as integer kuruş, m³ as text with three decimals. */

const uuid = z.string().uuid({ message: 'must be a UUID' });

/** A calendar month, YYYY-MM (2000–2099). */
export const period = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'DRAFT', 'ISSUING', 'ISSUED', 'FAILED'] as const;
export const INVOICE_STATUSES = ['DRAFT', 'ISSUED', 'CANCELLED'] as const;
export const INVOICE_KINDS = ['INVOICE', 'CREDIT_NOTE'] as const;
export const NO_READING_POLICIES = ['ESTIMATE', 'MINIMUM'] as const;

// ─── Settings ───────────────────────────────────────────────────────────────────

export const UpdateBillingSettingsSchema = z
  .object({
    /** Subscriptions without readings in a period: ESTIMATE (90-day average) or MINIMUM (the tariff's charges for 0 m³). */
    noReadingPolicy: z.enum(NO_READING_POLICIES),
    paymentTermDays: z.number().int().min(0).max(365),
    /** Day of the month (1–28) on which the previous month's run starts by itself; null: by hand only. */
    scheduledRunDay: z.number().int().min(1).max(28).nullable(),
    reminderDays: z.array(z.number().int().min(1).max(365)).max(10),
    disconnectionAfterDays: z.number().int().min(1).max(3650),
    invoiceLanguage: z.enum(['tr', 'en']),
  })
  .strict();
export type UpdateBillingSettings = z.infer<typeof UpdateBillingSettingsSchema>;
export class UpdateBillingSettingsDto extends createZodDto(UpdateBillingSettingsSchema) {}

export const BillingSettingsSchema = UpdateBillingSettingsSchema.extend({
  tenantId: uuid,
  /** Where the values come from: the tenant's own row, an ancestor's row, or the defaults. */
  source: z.enum(['OWN', 'ANCESTOR', 'DEFAULT']),
  sourceTenantId: uuid.nullable(),
});
export type BillingSettingsView = z.infer<typeof BillingSettingsSchema>;
export class BillingSettingsDto extends createZodDto(BillingSettingsSchema) {}

// ─── Runs ───────────────────────────────────────────────────────────────────────

export const StartBillingRunSchema = z.object({ tenantId: uuid, period }).strict();
export type StartBillingRun = z.infer<typeof StartBillingRunSchema>;
export class StartBillingRunDto extends createZodDto(StartBillingRunSchema) {}

export const ListBillingRunsQuerySchema = z
  .object({
    page: pageQueryShape.page,
    pageSize: pageQueryShape.pageSize,
    tenantId: uuid.optional(),
    status: z.enum(RUN_STATUSES).optional(),
    period: period.optional(),
  })
  .strict();
export type ListBillingRunsQuery = z.infer<typeof ListBillingRunsQuerySchema>;
export class ListBillingRunsQueryDto extends createZodDto(ListBillingRunsQuerySchema) {}

export const BillingRunSchema = z.object({
  id: uuid,
  tenantId: uuid,
  tenantName: z.string(),
  /** YYYY-MM */
  period: z.string(),
  periodStart: z.string(),
  /** First day after the period. */
  periodEnd: z.string(),
  status: z.enum(RUN_STATUSES),
  subscriptionsTotal: z.number().int(),
  subscriptionsDone: z.number().int(),
  invoiceCount: z.number().int(),
  issuedCount: z.number().int(),
  netKurus: z.number().int(),
  vatKurus: z.number().int(),
  grossKurus: z.number().int(),
  /** Subscriptions that could not be billed, with the reason (no tariff, no tariff version on a day, …). */
  problems: z.array(z.object({ subscriptionId: uuid, subscriptionNo: z.string(), reason: z.string() })),
  error: z.string().nullable(),
  startedById: uuid.nullable(),
  issuedById: uuid.nullable(),
  createdAt: z.string().datetime(),
  startedAt: z.string().datetime().nullable(),
  finishedAt: z.string().datetime().nullable(),
  issuedAt: z.string().datetime().nullable(),
});
export type BillingRunView = z.infer<typeof BillingRunSchema>;
export class BillingRunDto extends createZodDto(BillingRunSchema) {}
export class BillingRunPageDto extends createZodDto(pageSchema(BillingRunSchema)) {}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function mapRun(r: RunRow): BillingRunView {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    period: r.period_start.slice(0, 7),
    periodStart: r.period_start,
    periodEnd: r.period_end,
    status: r.status,
    subscriptionsTotal: r.subscriptions_total,
    subscriptionsDone: r.subscriptions_done,
    invoiceCount: r.invoice_count,
    issuedCount: r.issued_count,
    netKurus: Number(r.net_kurus),
    vatKurus: Number(r.vat_kurus),
    grossKurus: Number(r.gross_kurus),
    problems: r.problems,
    error: r.error,
    startedById: r.started_by_id,
    issuedById: r.issued_by_id,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    issuedAt: iso(r.issued_at),
  };
}

// ─── Invoices ───────────────────────────────────────────────────────────────────

export const ListInvoicesQuerySchema = z
  .object({
    page: pageQueryShape.page,
    pageSize: pageQueryShape.pageSize,
    tenantId: uuid.optional(),
    runId: uuid.optional(),
    status: z.enum(INVOICE_STATUSES).optional(),
    kind: z.enum(INVOICE_KINDS).optional(),
    subscriptionId: uuid.optional(),
    customerId: uuid.optional(),
    /** The number or its beginning (2026-0000). */
    number: z
      .string()
      .trim()
      .min(1)
      .max(30)
      .regex(/^[A-Z0-9-]+$/, 'letters, digits and -')
      .optional(),
    period: period.optional(),
  })
  .strict();
export type ListInvoicesQuery = z.infer<typeof ListInvoicesQuerySchema>;
export class ListInvoicesQueryDto extends createZodDto(ListInvoicesQuerySchema) {}

export const InvoiceSchema = z.object({
  id: uuid,
  tenantId: uuid,
  tenantName: z.string(),
  billingRunId: uuid.nullable(),
  subscriptionId: uuid,
  subscriptionNo: z.string(),
  customerId: uuid,
  customerName: z.string(),
  kind: z.enum(INVOICE_KINDS),
  status: z.enum(INVOICE_STATUSES),
  /** Given by the database on issue: 2026-000042, credit notes CN-2026-000007. */
  number: z.string().nullable(),
  periodStart: z.string(),
  periodEnd: z.string(),
  issueDate: z.string().nullable(),
  dueDate: z.string().nullable(),
  consumptionM3: z.string(),
  estimatedM3: z.string(),
  netKurus: z.number().int(),
  vatKurus: z.number().int(),
  grossKurus: z.number().int(),
  currency: z.literal('TRY'),
  language: z.enum(['tr', 'en']),
  /** A credit note: the invoice it cancels; a re-issue: the invoice it replaces. */
  correctsInvoiceId: uuid.nullable(),
  pdfKey: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string().datetime(),
  issuedAt: z.string().datetime().nullable(),
  cancelledAt: z.string().datetime().nullable(),
});
export type InvoiceView = z.infer<typeof InvoiceSchema>;
export class InvoiceDto extends createZodDto(InvoiceSchema) {}
export class InvoicePageDto extends createZodDto(pageSchema(InvoiceSchema)) {}

export const InvoiceLineSchema = z.object({
  ordinal: z.number().int(),
  component: z.enum(['FIXED', 'WATER', 'WASTEWATER', 'FEE', 'MINIMUM', 'INTEREST', 'CORRECTION']),
  tier: z.number().int().nullable(),
  code: z.string().nullable(),
  description: z.string(),
  tariffVersionId: uuid.nullable(),
  segmentStart: z.string().nullable(),
  segmentEnd: z.string().nullable(),
  quantityM3: z.string().nullable(),
  unitPriceKurus: z.number().int().nullable(),
  netKurus: z.number().int(),
  vatRate: z.number(),
  vatKurus: z.number().int(),
  grossKurus: z.number().int(),
});

export const InvoiceDetailSchema = InvoiceSchema.extend({
  lines: z.array(InvoiceLineSchema),
  /** The consumption's quality: the share resting on estimated readings (0–100, two decimals). */
  quality: z.object({ estimatedM3: z.string(), estimatedSharePercent: z.number(), fullyEstimated: z.boolean() }),
  /** Customer, subscription, address and tenant as at issue ({} for a draft). */
  snapshot: z.record(z.string(), z.unknown()),
});
export type InvoiceDetailView = z.infer<typeof InvoiceDetailSchema>;
export class InvoiceDetailDto extends createZodDto(InvoiceDetailSchema) {}

export const CancelInvoiceSchema = z
  .object({
    reason: z.string().trim().min(1).max(500),
    /** Also make a new draft for the same period from the current data (issue it with POST /api/invoices/:id/issue). */
    reissue: z.boolean().default(false),
  })
  .strict();
export type CancelInvoice = z.infer<typeof CancelInvoiceSchema>;
export class CancelInvoiceDto extends createZodDto(CancelInvoiceSchema) {}

export const CancelResultSchema = z.object({
  invoice: InvoiceSchema,
  creditNote: InvoiceSchema,
  reissue: InvoiceSchema.nullable(),
});
export type CancelResultView = z.infer<typeof CancelResultSchema>;
export class CancelResultDto extends createZodDto(CancelResultSchema) {}

export function mapInvoice(r: InvoiceRow): InvoiceView {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    billingRunId: r.billing_run_id,
    subscriptionId: r.subscription_id,
    subscriptionNo: r.subscription_no,
    customerId: r.customer_id,
    customerName: r.customer_name,
    kind: r.kind,
    status: r.status,
    number: r.number,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    consumptionM3: r.consumption_m3,
    estimatedM3: r.estimated_m3,
    netKurus: Number(r.net_kurus),
    vatKurus: Number(r.vat_kurus),
    grossKurus: Number(r.gross_kurus),
    currency: 'TRY',
    language: r.language === 'en' ? 'en' : 'tr',
    correctsInvoiceId: r.corrects_invoice_id,
    pdfKey: r.pdf_key,
    cancelReason: r.cancel_reason,
    createdAt: iso(r.created_at)!,
    issuedAt: iso(r.issued_at),
    cancelledAt: iso(r.cancelled_at),
  };
}

export function mapInvoiceDetail(r: InvoiceRow, lines: InvoiceLineRow[]): InvoiceDetailView {
  const consumption = Math.abs(signedLitres(r.consumption_m3));
  const estimated = Math.abs(signedLitres(r.estimated_m3));
  return {
    ...mapInvoice(r),
    lines: lines.map((l) => ({
      ordinal: l.ordinal,
      component: l.component as InvoiceDetailView['lines'][number]['component'],
      tier: l.tier,
      code: l.code,
      description: l.description,
      tariffVersionId: l.tariff_version_id,
      segmentStart: l.segment_start,
      segmentEnd: l.segment_end,
      quantityM3: l.quantity_m3,
      unitPriceKurus: l.unit_price_kurus,
      netKurus: Number(l.net_kurus),
      vatRate: l.vat_rate_bp / 100,
      vatKurus: Number(l.vat_kurus),
      grossKurus: Number(l.gross_kurus),
    })),
    quality: {
      estimatedM3: r.estimated_m3,
      estimatedSharePercent: consumption === 0 ? 0 : Math.round((estimated * 10_000) / consumption) / 100,
      fullyEstimated: consumption > 0 && estimated === consumption,
    },
    snapshot: (r.snapshot ?? {}) as Record<string, unknown>,
  };
}
