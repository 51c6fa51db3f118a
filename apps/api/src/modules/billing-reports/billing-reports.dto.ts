import { z } from 'zod';
import { exportOptionsShape } from '../../core/http/export';
import { DEFAULT_PAGE_SIZE } from '../../core/http/paging';
import { createZodDto } from '../../core/http/zod-dto';
import type { AgingAmounts, AgingCustomerRow, GroupMonthRow, MonthBilledRow } from './billing-reports.repository';

/** The billing reports on the wire: money as integer kuruş, months as YYYY-MM, m³ with three decimals. */

const uuid = z.string().uuid({ message: 'must be a UUID' });
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM')
  .refine((m) => m >= '2000-01' && m <= '2100-12', 'between 2000-01 and 2100-12');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s, 'not a calendar date');

/** At most ten years a report. */
export const MAX_MONTHS = 120;
const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;

const monthsShape = {
  /** A tenant's subtree; every tenant where the caller reads billing by default. */
  tenantId: uuid.optional(),
  /** First and last month reported (inclusive). */
  from: month,
  to: month,
};
const monthsRefined = <T extends { from: string; to: string }>(s: z.ZodType<T>) =>
  s
    .refine((q) => q.to >= q.from, { path: ['to'], message: 'on or after from' })
    .refine((q) => monthIndex(q.to) - monthIndex(q.from) < MAX_MONTHS, { path: ['to'], message: `at most ${MAX_MONTHS} months` });

export const MonthsQuerySchema = monthsRefined(z.object(monthsShape).strict());
export type MonthsQuery = z.infer<typeof MonthsQuerySchema>;
export class MonthsQueryDto extends createZodDto(MonthsQuerySchema) {}
export const MonthsExportQuerySchema = monthsRefined(z.object({ ...monthsShape, ...exportOptionsShape }).strict());
export type MonthsExportQuery = z.infer<typeof MonthsExportQuerySchema>;
export class MonthsExportQueryDto extends createZodDto(MonthsExportQuerySchema) {}

const agingShape = {
  tenantId: uuid.optional(),
  /** The day the amounts are as at (end of day, each tenant's calendar); each tenant's today by default. */
  asOf: isoDate.optional(),
};
export const AgingQuerySchema = z
  .object({
    ...agingShape,
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(DEFAULT_PAGE_SIZE),
  })
  .strict();
export type AgingQuery = z.infer<typeof AgingQuerySchema>;
export class AgingQueryDto extends createZodDto(AgingQuerySchema) {}
export const AgingExportQuerySchema = z.object({ ...agingShape, ...exportOptionsShape }).strict();
export type AgingExportQuery = z.infer<typeof AgingExportQuerySchema>;
export class AgingExportQueryDto extends createZodDto(AgingExportQuerySchema) {}

const kurus = z.number().int();

export const BilledCollectedRowSchema = z.object({
  month: z.string(),
  /** Issued invoices' gross by issue date (later cancelled ones included: their credit notes take them back). */
  invoicedKurus: kurus,
  /** Credit notes by issue date, negative. */
  creditedKurus: kurus,
  /** Late-payment interest booked. */
  interestKurus: kurus,
  /** invoiced + credited + interest. */
  billedKurus: kurus,
  /** Payments less refunds, by the day received. */
  collectedKurus: kurus,
});
export type BilledCollectedRow = z.infer<typeof BilledCollectedRowSchema>;
export const BilledCollectedSchema = z.object({
  from: z.string(),
  to: z.string(),
  items: z.array(BilledCollectedRowSchema),
  totals: BilledCollectedRowSchema.omit({ month: true }),
});
export type BilledCollected = z.infer<typeof BilledCollectedSchema>;
export class BilledCollectedDto extends createZodDto(BilledCollectedSchema) {}

export function mapBilledCollected(r: MonthBilledRow): BilledCollectedRow {
  return {
    month: r.month,
    invoicedKurus: Number(r.invoicedKurus),
    creditedKurus: Number(r.creditedKurus),
    interestKurus: Number(r.interestKurus),
    billedKurus: Number(r.invoicedKurus + r.creditedKurus + r.interestKurus),
    collectedKurus: Number(r.collectedKurus),
  };
}

const agingAmountsShape = {
  /** Not yet due. */
  notDueKurus: kurus,
  /** 0–30 days past the due date (due on the day itself included). */
  days0to30Kurus: kurus,
  days31to60Kurus: kurus,
  days61to90Kurus: kurus,
  /** More than 90 days. */
  over90Kurus: kurus,
  totalKurus: kurus,
};
export const AgingRowSchema = z.object({
  customerId: uuid,
  customerName: z.string(),
  tenantId: uuid,
  tenantName: z.string(),
  invoices: z.number().int(),
  ...agingAmountsShape,
});
export type AgingRow = z.infer<typeof AgingRowSchema>;
export const AgingSchema = z.object({
  asOf: z.string().nullable(),
  totals: z.object(agingAmountsShape),
  items: z.array(AgingRowSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type Aging = z.infer<typeof AgingSchema>;
export class AgingDto extends createZodDto(AgingSchema) {}

export function mapAgingAmounts(a: AgingAmounts) {
  return {
    notDueKurus: Number(a.notDueKurus),
    days0to30Kurus: Number(a.days0to30Kurus),
    days31to60Kurus: Number(a.days31to60Kurus),
    days61to90Kurus: Number(a.days61to90Kurus),
    over90Kurus: Number(a.over90Kurus),
    totalKurus: Number(a.totalKurus),
  };
}

export function mapAgingRow(r: AgingCustomerRow): AgingRow {
  return {
    customerId: r.customerId,
    customerName: r.customerName,
    tenantId: r.tenantId,
    tenantName: r.tenantName,
    invoices: r.invoices,
    ...mapAgingAmounts(r),
  };
}

export const GroupMonthSchema = z.object({
  month: z.string(),
  groupId: uuid,
  groupCode: z.string(),
  groupName: z.string(),
  groupNameEn: z.string().nullable(),
  invoices: z.number().int(),
  consumptionM3: z.number(),
  estimatedM3: z.number(),
  netKurus: kurus,
  vatKurus: kurus,
  grossKurus: kurus,
});
export type GroupMonth = z.infer<typeof GroupMonthSchema>;
export class ByGroupDto extends createZodDto(z.object({ from: z.string(), to: z.string(), items: z.array(GroupMonthSchema) })) {}

export function mapGroupMonth(r: GroupMonthRow): GroupMonth {
  return { ...r, netKurus: Number(r.netKurus), vatKurus: Number(r.vatKurus), grossKurus: Number(r.grossKurus) };
}
