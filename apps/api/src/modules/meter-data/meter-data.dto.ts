import { z } from 'zod';
import { createZodDto } from '../../core/http/zod-dto';
import { MeterDataParamsSchema, RULE_GROUPS } from './settings';
import { READING_QUALITIES } from './rules/types';

const DAY_MS = 86_400_000;
/** A revalidation run covers at most this many days. */
export const MAX_REVALIDATE_DAYS = 366;
/** Photos of a field visit: the decoded bytes, within the API's 1 MiB body. */
export const MAX_PHOTO_BYTES = 512 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

const instant = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2025-12-08T10:00:00+03:00' })
  .transform((s) => new Date(s));
/** m³ with litre resolution, what index_m3 DECIMAL(14,3) holds. */
const indexM3 = z
  .number({ message: 'must be a number' })
  .min(0, 'must not be negative')
  .max(99_999_999_999, 'is beyond any register')
  .refine((v) => Math.abs(Math.round(v * 1000) - v * 1000) < 1e-6, 'has more than three decimals (litres)');
const reason = z.string().trim().min(3, 'say why, in at least 3 characters').max(500);

const photo = z
  .object({
    contentType: z.enum(PHOTO_TYPES, { message: `must be one of ${PHOTO_TYPES.join(', ')}` }),
    /** The image, base64. */
    dataBase64: z
      .string()
      .max(Math.ceil(MAX_PHOTO_BYTES / 3) * 4 + 4, `is larger than ${MAX_PHOTO_BYTES} bytes`)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
  })
  .strict();

// ─── Settings ─────────────────────────────────────────────────────────────────────────

/** One row's override: any subset of each rule group's parameters, checked against the full schema's types. */
const OverrideSchema = z
  .object(Object.fromEntries(RULE_GROUPS.map((g) => [g, (MeterDataParamsSchema.shape[g] as z.ZodObject).partial().strict().optional()])))
  .strict();

export const SaveSettingsSchema = z
  .object({
    /** The subscription group the override is for; null or absent: the tenant's own row. */
    subscriptionGroupId: z.string().uuid({ message: 'must be a UUID' }).nullable().optional(),
    /** Only the parameters that differ from what the tenant inherits; `{}` removes the row. */
    params: OverrideSchema,
  })
  .strict();
export type SaveSettings = z.infer<typeof SaveSettingsSchema>;
export class SaveSettingsDto extends createZodDto(SaveSettingsSchema) {}

const ParamsSchema = MeterDataParamsSchema;

export const MeterDataSettingsSchema = z.object({
  tenantId: z.string().uuid(),
  /** Built-in defaults (docs/decisions.md). */
  defaults: ParamsSchema,
  /** In force for the tenant's subscriptions without a group override. */
  effective: ParamsSchema,
  /** The tenant's own row: what it changes over what it inherits. */
  own: z.record(z.string(), z.unknown()),
  groups: z.array(
    z.object({
      subscriptionGroupId: z.string().uuid(),
      code: z.string(),
      name: z.string(),
      nameEn: z.string().nullable(),
      /** This tenant's override for the group (empty: none). */
      own: z.record(z.string(), z.unknown()),
      effective: ParamsSchema,
    }),
  ),
});
export type MeterDataSettings = z.infer<typeof MeterDataSettingsSchema>;
export class MeterDataSettingsDto extends createZodDto(MeterDataSettingsSchema) {}

// ─── Readings: manual entry, correction, history ───────────────────────────────────────────

export const ManualReadingSchema = z
  .object({
    time: instant,
    indexM3,
    reason,
    photo: photo.optional(),
  })
  .strict();
export type ManualReading = z.infer<typeof ManualReadingSchema>;
export class ManualReadingDto extends createZodDto(ManualReadingSchema) {}

export const CorrectReadingSchema = z.object({ indexM3, reason, photo: photo.optional() }).strict();
export type CorrectReading = z.infer<typeof CorrectReadingSchema>;
export class CorrectReadingDto extends createZodDto(CorrectReadingSchema) {}

/** The `:time` of a reading in a path: an ISO 8601 instant. */
export const ReadingTimeSchema = z.object({ time: instant });

const SnapshotSchema = z.object({
  indexM3: z.number(),
  consumptionM3: z.number().nullable(),
  quality: z.enum(READING_QUALITIES),
  qualityRule: z.string().nullable(),
  source: z.string(),
});
export type ReadingSnapshot = z.infer<typeof SnapshotSchema>;

export const RevisionSchema = z.object({
  id: z.string().uuid(),
  deviceId: z.string().uuid(),
  time: z.string().datetime(),
  action: z.enum(['create', 'update']),
  reason: z.string(),
  before: SnapshotSchema.nullable(),
  after: SnapshotSchema,
  /** GET /api/reading-revisions/{id}/photo when true. */
  hasPhoto: z.boolean(),
  revisedBy: z.object({ id: z.string().uuid(), name: z.string() }).nullable(),
  revisedAt: z.string().datetime(),
});
export type Revision = z.infer<typeof RevisionSchema>;
export const RevisionListSchema = z.object({ items: z.array(RevisionSchema) });
export class RevisionListDto extends createZodDto(RevisionListSchema) {}

export const RevisedReadingSchema = z.object({
  meterId: z.string().uuid(),
  time: z.string().datetime(),
  reading: SnapshotSchema,
  revision: RevisionSchema,
});
export type RevisedReading = z.infer<typeof RevisedReadingSchema>;
export class RevisedReadingDto extends createZodDto(RevisedReadingSchema) {}

export function mapRevision(r: {
  id: string;
  device_id: string;
  time: Date;
  action: string;
  reason: string;
  before: unknown;
  after: unknown;
  has_photo: boolean;
  revised_by: string | null;
  revised_by_name: string | null;
  revised_at: Date;
}): Revision {
  return {
    id: r.id,
    deviceId: r.device_id,
    time: new Date(r.time).toISOString(),
    action: r.action as Revision['action'],
    reason: r.reason,
    before: (r.before ?? null) as ReadingSnapshot | null,
    after: r.after as ReadingSnapshot,
    hasPhoto: r.has_photo,
    revisedBy: r.revised_by ? { id: r.revised_by, name: r.revised_by_name ?? '' } : null,
    revisedAt: new Date(r.revised_at).toISOString(),
  };
}

// ─── Gaps ───────────────────────────────────────────────────────────────────────────

export const GapsQuerySchema = z
  .object({ from: instant, to: instant })
  .strict()
  .refine((v) => v.from < v.to, { message: 'from must be before to', path: ['from'] })
  .refine((v) => v.to.getTime() - v.from.getTime() <= MAX_REVALIDATE_DAYS * DAY_MS, {
    message: `at most ${MAX_REVALIDATE_DAYS} days`,
    path: ['to'],
  });
export type GapsQuery = z.infer<typeof GapsQuerySchema>;
export class GapsQueryDto extends createZodDto(GapsQuerySchema) {}

export const GapListSchema = z.object({
  meterId: z.string().uuid(),
  /** The device profile's reporting interval the gaps are counted in (null: the meter has no device). */
  intervalMinutes: z.number().int().nullable(),
  items: z.array(
    z.object({
      /** The last real reading before the gap. */
      after: z.string().datetime(),
      /** The first real reading after it; null when the meter has been silent since. */
      before: z.string().datetime().nullable(),
      /** Expected readings missing, and the first and last of them. */
      missing: z.number().int(),
      firstMissing: z.string().datetime(),
      lastMissing: z.string().datetime(),
    }),
  ),
});
export type GapList = z.infer<typeof GapListSchema>;
export class GapListDto extends createZodDto(GapListSchema) {}

// ─── Revalidation ───────────────────────────────────────────────────────────────────────

export const RevalidateSchema = z
  .object({
    from: instant,
    to: instant,
    /** Estimate the range's missing intervals too (replacing earlier estimates there). */
    estimate: z.boolean().default(false),
  })
  .strict()
  .refine((v) => v.from < v.to, { message: 'from must be before to', path: ['from'] })
  .refine((v) => v.to.getTime() - v.from.getTime() <= MAX_REVALIDATE_DAYS * DAY_MS, {
    message: `a run covers at most ${MAX_REVALIDATE_DAYS} days`,
    path: ['to'],
  });
export type Revalidate = z.infer<typeof RevalidateSchema>;
export class RevalidateDto extends createZodDto(RevalidateSchema) {}

export const RevalidateStartedSchema = z.object({ jobId: z.string(), meterId: z.string().uuid(), from: z.string(), to: z.string() });
export class RevalidateStartedDto extends createZodDto(RevalidateStartedSchema) {}
