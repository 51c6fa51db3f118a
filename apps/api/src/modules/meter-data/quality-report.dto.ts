import { z } from 'zod';
import { createZodDto } from '../../core/http/zod-dto';
import { READING_QUALITIES, type ReadingQuality } from './rules/types';

/** A year (and a leap day): the report reads the quality rollup, not the readings, for every counted day. */
export const MAX_QUALITY_DAYS = 366;
export const TOP_METERS = 10;

export const QualityReportQuerySchema = z
  .object({
    /** The subtree to report on; the caller's readable tenants when left out. */
    tenantId: z.string().uuid({ message: 'must be a UUID' }).optional(),
    /** Days ending today in the tenants' zone (today included). */
    days: z.coerce
      .number({ message: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(1, 'at least 1 day')
      .max(MAX_QUALITY_DAYS, `at most ${MAX_QUALITY_DAYS} days`)
      .default(30),
  })
  .strict();
export type QualityReportQuery = z.infer<typeof QualityReportQuerySchema>;
export class QualityReportQueryDto extends createZodDto(QualityReportQuerySchema) {}

const counts = { valid: z.number().int(), suspect: z.number().int(), estimated: z.number().int(), edited: z.number().int() };

export const QualityReportSchema = z.object({
  /** First and last local day covered (YYYY-MM-DD). */
  from: z.string(),
  to: z.string(),
  /** Readings per quality and local day, every day of the range (zeros included). */
  days: z.array(z.object({ day: z.string(), ...counts })),
  /** The meters with the most SUSPECT, ESTIMATED or EDITED readings in the range, most first. */
  meters: z.array(
    z.object({
      meterId: z.string().uuid(),
      serialNo: z.string(),
      tenantId: z.string().uuid(),
      tenantName: z.string(),
      issues: z.number().int(),
      ...counts,
    }),
  ),
  /** How often each rule set a reading's quality in the range, most first. */
  rules: z.array(z.object({ rule: z.string(), quality: z.enum(READING_QUALITIES), count: z.number().int() })),
});
export type QualityReport = z.infer<typeof QualityReportSchema>;
export class QualityReportDto extends createZodDto(QualityReportSchema) {}

export interface QualityCountsRecord {
  valid: string | number;
  suspect: string | number;
  estimated: string | number;
  edited: string | number;
}
export interface QualityDayRecord extends QualityCountsRecord {
  day: string;
}
export interface QualityMeterRecord extends QualityCountsRecord {
  meter_id: string;
  serial_no: string;
  tenant_id: string;
  tenant_name: string;
  issues: string | number;
}
export interface QualityRuleRecord {
  rule: string;
  quality: ReadingQuality;
  count: string | number;
}

const countsOf = (r: QualityCountsRecord) => ({
  valid: Number(r.valid),
  suspect: Number(r.suspect),
  estimated: Number(r.estimated),
  edited: Number(r.edited),
});

export function mapQualityReport(
  range: { from: string; to: string },
  days: QualityDayRecord[],
  meters: QualityMeterRecord[],
  rules: QualityRuleRecord[],
): QualityReport {
  return {
    ...range,
    days: days.map((d) => ({ day: d.day, ...countsOf(d) })),
    meters: meters.map((m) => ({
      meterId: m.meter_id,
      serialNo: m.serial_no,
      tenantId: m.tenant_id,
      tenantName: m.tenant_name,
      issues: Number(m.issues),
      ...countsOf(m),
    })),
    rules: rules.map((r) => ({ rule: r.rule, quality: r.quality, count: Number(r.count) })),
  };
}
