import { z } from 'zod';
import { PHONE_REGEX } from '@water/shared';
import { createZodDto } from '../../core/http/zod-dto';

/*
 * The customer portal's views (issue 19, /work/portal-contract.md "Portal views"). Money is integer
 * kuruş as decimal strings (bigint-safe), volumes m³ with three decimals, days the tenant's local days.
 */

// ─── Requests ───────────────────────────────────────────────────────────────────

const LOCAL_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar day YYYY-MM-DD that exists (2026-02-30 does not). */
export const localDay = z
  .string()
  .regex(LOCAL_DAY, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100;
  }, 'not a calendar day between 2000 and 2100');

export const CONSUMPTION_GRANULARITIES = ['day', 'month'] as const;
export type ConsumptionGranularity = (typeof CONSUMPTION_GRANULARITIES)[number];

export const ConsumptionQuerySchema = z
  .object({
    granularity: z.enum(CONSUMPTION_GRANULARITIES, { message: 'must be day or month' }).default('day'),
    from: localDay.optional(),
    to: localDay.optional(),
  })
  .strict();
export type ConsumptionQuery = z.infer<typeof ConsumptionQuerySchema>;
export class ConsumptionQueryDto extends createZodDto(ConsumptionQuerySchema) {}

export const AlarmsQuerySchema = z.object({ status: z.enum(['open', 'all'], { message: 'must be open or all' }).default('open') }).strict();
export class AlarmsQueryDto extends createZodDto(AlarmsQuerySchema) {}

export const UpdateProfileSchema = z
  .object({
    language: z.enum(['tr', 'en'], { message: 'must be tr or en' }).optional(),
    /** The customer's phone on file, as the console validates it; null clears it. */
    phone: z.string().trim().regex(PHONE_REGEX, 'must be an international number like +905321234567').nullable().optional(),
  })
  .strict();
export type UpdateProfile = z.infer<typeof UpdateProfileSchema>;
export class UpdateProfileDto extends createZodDto(UpdateProfileSchema) {}

/** What a customer may consent to (or withdraw); stored append-only in portal_consent. */
export const CONSENT_KINDS = ['KVKK_PRIVACY_NOTICE', 'KVKK_EXPLICIT_CONSENT', 'EMAIL_NOTIFICATIONS', 'SMS_NOTIFICATIONS'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

export const RecordConsentSchema = z
  .object({
    kind: z.enum(CONSENT_KINDS, { message: `must be one of ${CONSENT_KINDS.join(', ')}` }),
    version: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$/, 'must be a version like 2026-01 or v1.2 (up to 20 letters, digits, . _ -)'),
    granted: z.boolean(),
  })
  .strict();
export type RecordConsent = z.infer<typeof RecordConsentSchema>;
export class RecordConsentDto extends createZodDto(RecordConsentSchema) {}

export const ExportQuerySchema = z.object({ format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).default('json') }).strict();
export class ExportQueryDto extends createZodDto(ExportQuerySchema) {}

// ─── Responses ──────────────────────────────────────────────────────────────────

const kurus = z.string().describe('integer kuruş as a decimal string');

export const PortalProfileSchema = z.object({
  account: z.object({
    email: z.string(),
    language: z.enum(['tr', 'en']),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  }),
  customer: z.object({
    type: z.enum(['INDIVIDUAL', 'ORGANIZATIONAL']),
    name: z.string().nullable(),
    surname: z.string().nullable(),
    organizationName: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
  }),
  tenant: z.object({
    name: z.string(),
    timeZone: z.string(),
    contactPhone: z.string().nullable(),
    contactEmail: z.string().nullable(),
    hasLogo: z.boolean(),
  }),
});
export type PortalProfile = z.infer<typeof PortalProfileSchema>;
export class PortalProfileDto extends createZodDto(PortalProfileSchema) {}

export const PortalSubscriptionSchema = z.object({
  id: z.string(),
  subscriptionNo: z.string(),
  type: z.enum(['INDIVIDUAL', 'ORGANIZATIONAL']),
  /** The group's Turkish name; the portal shows `groupNameEn` in English when there is one. */
  groupName: z.string(),
  groupNameEn: z.string().nullable(),
  address: z.string().nullable(),
  isActive: z.boolean(),
  meter: z
    .object({
      id: z.string(),
      serialNo: z.string(),
      brand: z.string(),
      model: z.string(),
      lastReading: z.object({ indexM3: z.number(), readAt: z.string(), estimated: z.boolean() }).nullable(),
    })
    .nullable(),
  openAlarmCount: z.number().int(),
});
export type PortalSubscription = z.infer<typeof PortalSubscriptionSchema>;
export class PortalSubscriptionDto extends createZodDto(PortalSubscriptionSchema) {}

export const PortalConsumptionSchema = z.object({
  granularity: z.enum(CONSUMPTION_GRANULARITIES),
  from: z.string(),
  to: z.string(),
  unit: z.literal('m3'),
  points: z.array(z.object({ period: z.string(), consumptionM3: z.number(), estimated: z.boolean() })),
  totalM3: z.number(),
  comparisons: z.object({
    /** The range of equal length just before. */
    previousPeriodM3: z.number(),
    /** The same range a year earlier. */
    sameMonthLastYearM3: z.number(),
    /** Average per subscription of the subscription's group in the tenant over the range; null when the group is too small to hide anyone. */
    groupAverageM3: z.number().nullable(),
  }),
});
export type PortalConsumption = z.infer<typeof PortalConsumptionSchema>;
export class PortalConsumptionDto extends createZodDto(PortalConsumptionSchema) {}

export const PortalAlarmSchema = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(['open', 'cleared']),
  subscriptionNo: z.string().nullable(),
  meterSerialNo: z.string().nullable(),
  openedAt: z.string(),
  clearedAt: z.string().nullable(),
  adviceKey: z.string(),
});
export type PortalAlarm = z.infer<typeof PortalAlarmSchema>;
export class PortalAlarmDto extends createZodDto(PortalAlarmSchema) {}

export const PortalInvoiceSchema = z.object({
  id: z.string(),
  number: z.string().nullable(),
  kind: z.enum(['INVOICE', 'CREDIT_NOTE']),
  periodStart: z.string(),
  periodEnd: z.string(),
  issueDate: z.string().nullable(),
  dueDate: z.string().nullable(),
  totalKurus: kurus,
  openKurus: kurus,
  status: z.enum(['ISSUED', 'CANCELLED']),
  subscriptionNo: z.string(),
  hasPdf: z.boolean(),
});
export type PortalInvoice = z.infer<typeof PortalInvoiceSchema>;
export class PortalInvoiceDto extends createZodDto(PortalInvoiceSchema) {}

export const PortalInvoiceDetailSchema = PortalInvoiceSchema.extend({
  consumptionM3: z.number(),
  estimatedM3: z.number(),
  netKurus: kurus,
  vatKurus: kurus,
  currency: z.string(),
  lines: z.array(
    z.object({
      ordinal: z.number().int(),
      component: z.string(),
      tier: z.number().int().nullable(),
      description: z.string(),
      segmentStart: z.string().nullable(),
      segmentEnd: z.string().nullable(),
      quantityM3: z.number().nullable(),
      unitPriceKurus: z.number().int().nullable(),
      netKurus: kurus,
      vatRateBp: z.number().int(),
      vatKurus: kurus,
      grossKurus: kurus,
    }),
  ),
});
export type PortalInvoiceDetail = z.infer<typeof PortalInvoiceDetailSchema>;
export class PortalInvoiceDetailDto extends createZodDto(PortalInvoiceDetailSchema) {}

export const PortalBalanceSchema = z.object({
  /** What the customer owes (> 0) or has in credit (< 0): the sum of the ledger. */
  balanceKurus: kurus,
  overdueKurus: kurus,
  nextDueDate: z.string().nullable(),
  entries: z.array(
    z.object({
      id: z.string(),
      bookedAt: z.string(),
      kind: z.string(),
      description: z.string(),
      invoiceNumber: z.string().nullable(),
      amountKurus: kurus,
      balanceKurus: kurus,
    }),
  ),
});
export type PortalBalance = z.infer<typeof PortalBalanceSchema>;
export class PortalBalanceDto extends createZodDto(PortalBalanceSchema) {}

const consentRecord = { version: z.string(), granted: z.boolean(), at: z.string() };
export const PortalConsentSchema = z.object({
  kind: z.string(),
  ...consentRecord,
  /** Every record of this kind, newest first (the first is the current state). */
  history: z.array(z.object(consentRecord)),
});
export type PortalConsent = z.infer<typeof PortalConsentSchema>;
export class PortalConsentDto extends createZodDto(PortalConsentSchema) {}

export const RecordedConsentSchema = z.object({ kind: z.string(), ...consentRecord });
export class RecordedConsentDto extends createZodDto(RecordedConsentSchema) {}

// ─── Mapping ────────────────────────────────────────────────────────────────────

/** m³ from a numeric column (string) or number, to three decimals. */
export const m3 = (v: string | number | null | undefined): number =>
  v === null || v === undefined ? 0 : Math.round(Number(v) * 1000) / 1000;
export const isoDay = (d: Date | string | null): string | null =>
  d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);

/** An invoice row (issued or cancelled only: the query's filter) as the portal shows it. */
export function mapPortalInvoice(i: {
  id: string;
  number: string | null;
  kind: 'INVOICE' | 'CREDIT_NOTE';
  status: 'DRAFT' | 'ISSUED' | 'CANCELLED';
  period_start: string;
  period_end: string;
  issue_date: string | null;
  due_date: string | null;
  gross_kurus: string;
  open_kurus: string;
  subscription_no: string;
}): PortalInvoice {
  return {
    id: i.id,
    number: i.number,
    kind: i.kind,
    periodStart: i.period_start,
    periodEnd: i.period_end,
    issueDate: isoDay(i.issue_date),
    dueDate: isoDay(i.due_date),
    totalKurus: i.gross_kurus,
    openKurus: i.open_kurus,
    // Only issued and cancelled invoices reach here (the query's filter).
    status: i.status === 'CANCELLED' ? 'CANCELLED' : 'ISSUED',
    subscriptionNo: i.subscription_no,
    // Issued and cancelled invoices always have their PDF: stored, or rendered on the first download.
    hasPdf: true,
  };
}
