import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { ALARM_TYPES, CONSUMPTION_INTERVALS, MAX_RANGE_DAYS, VALVE_STATES, type ConsumptionInterval } from '@water/shared';
import { DEFAULT_PAGE_SIZE } from '../../core/http/paging';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });
const instant = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2025-12-08T00:00:00+03:00' })
  .transform((s) => new Date(s));
const page = z.coerce.number({ message: 'must be a number' }).int().min(1).max(100_000).default(1);
const pageSize = z.coerce.number({ message: 'must be a number' }).int().min(1).max(200).default(DEFAULT_PAGE_SIZE);

const range = <T extends { from?: Date; to?: Date }>(v: T) => !v.from || !v.to || v.from < v.to;
const RANGE_MESSAGE = { message: 'from must be before to', path: ['from'] };

/** Raw readings of one meter or device, newest first. */
export const ReadingsQuerySchema = z
  .object({ page, pageSize, from: instant.optional(), to: instant.optional() })
  .strict()
  .refine(range, RANGE_MESSAGE);
export type ReadingsQuery = z.infer<typeof ReadingsQuerySchema>;
export class ReadingsQueryDto extends createZodDto(ReadingsQuerySchema) {}

export { CONSUMPTION_INTERVALS, MAX_RANGE_DAYS, type ConsumptionInterval };

export const ConsumptionQuerySchema = z
  .object({
    /** Start of the range (inclusive); 30 days before `to` by default. */
    from: instant.optional(),
    /** End of the range (exclusive); now by default. */
    to: instant.optional(),
    interval: z.enum(CONSUMPTION_INTERVALS, { message: 'must be hour, day or month' }).default('day'),
  })
  .strict()
  .refine(range, RANGE_MESSAGE);
export type ConsumptionQuery = z.infer<typeof ConsumptionQuerySchema>;
export class ConsumptionQueryDto extends createZodDto(ConsumptionQuerySchema) {}

/** `before` cursor of the live table: the last row's time and device id, e.g. 2025-12-08T04:00:00.000Z_<uuid>. */
const cursor = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z_[0-9a-fA-F-]{36}$/,
    'must be a cursor like 2025-12-08T04:00:00.000Z_<device id>',
  )
  .transform((s) => {
    const i = s.indexOf('Z_');
    return { time: new Date(s.slice(0, i + 1)), deviceId: s.slice(i + 2).toLowerCase() };
  })
  .refine((c) => !Number.isNaN(c.time.getTime()), 'not a valid time');

/**
 * Sort keys of the live table. `time` is served by the reading time indexes at any size. The reading's
 * values (index, consumption, battery, signal) have no index: sorting by one reads every row of the
 * range, so it needs a time range of at most LIVE_VALUE_SORT_MAX_HOURS (issue 22's B2 fleet writes about
 * 29,000 readings a day: a top-N sort of one day stays in milliseconds, of a year it would read 10M rows).
 */
export const LIVE_SORTS = ['time', 'index', 'consumption', 'battery', 'rssi', 'snr'] as const;
export type LiveSort = (typeof LIVE_SORTS)[number];
export const LIVE_VALUE_SORT_MAX_HOURS = 24;
/** Longest search term: a serial, subscription number or name never needs more. */
export const LIVE_SEARCH_MAX = 100;

const search = z
  .string()
  .max(LIVE_SEARCH_MAX, `must be at most ${LIVE_SEARCH_MAX} characters`)
  .refine((s) => !s.includes('\0'), 'must not contain NUL characters')
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s));

export const LiveReadingsQuerySchema = z
  .object({
    page,
    pageSize,
    tenantId: uuid().optional(),
    meterId: uuid().optional(),
    brandId: uuid().optional(),
    from: instant.optional(),
    to: instant.optional(),
    /** Keyset paging: rows strictly older than this cursor (then `page` is ignored); only with the time sort, newest first. */
    before: cursor.optional(),
    /** Meter serial, subscription number or customer name, folded the Turkish way (core/database/search.ts). */
    search: search.optional(),
    sort: z.enum(LIVE_SORTS, { message: `must be one of ${LIVE_SORTS.join(', ')}` }).default('time'),
    order: z.enum(['asc', 'desc'], { message: 'must be asc or desc' }).default('desc'),
  })
  .strict()
  .refine(range, RANGE_MESSAGE)
  .refine((q) => !q.before || (q.sort === 'time' && q.order === 'desc'), {
    message: 'the before cursor pages the newest-first time order only',
    path: ['before'],
  })
  .refine(
    (q) => q.sort === 'time' || (!!q.from && (q.to ?? new Date()).getTime() - q.from.getTime() <= LIVE_VALUE_SORT_MAX_HOURS * 3_600_000),
    {
      message: `sorting by a reading value needs from (and to) spanning at most ${LIVE_VALUE_SORT_MAX_HOURS} hours`,
      path: ['sort'],
    },
  );
export type LiveReadingsQuery = z.infer<typeof LiveReadingsQuerySchema>;
export class LiveReadingsQueryDto extends createZodDto(LiveReadingsQuerySchema) {}

// ─── Responses ────────────────────────────────────────────────────────────────────

export const ReadingSchema = z.object({
  time: z.string().datetime(),
  deviceId: z.string().uuid(),
  deviceSerialNo: z.string().nullable(),
  meterId: z.string().uuid().nullable(),
  meterSerialNo: z.string().nullable(),
  subscriptionId: z.string().uuid().nullable(),
  indexM3: z.number(),
  consumptionM3: z.number().nullable(),
  batteryPct: z.number().nullable(),
  rssi: z.number().nullable(),
  snr: z.number().nullable(),
  alarms: z.array(z.enum(ALARM_TYPES)),
  valveState: z.enum(VALVE_STATES).nullable(),
  source: z.string(),
  /** VALID, SUSPECT, ESTIMATED or EDITED (issue 17). */
  quality: z.enum(['VALID', 'SUSPECT', 'ESTIMATED', 'EDITED']),
  /** The rule that set the quality (e.g. backward-index, spike, manual), or rollover on a VALID reading. */
  qualityRule: z.string().nullable(),
  /** The decoder's output for the uplink, as stored. */
  decoded: z.unknown().nullable(),
});
export type ReadingView = z.infer<typeof ReadingSchema>;
export const ReadingPageSchema = z.object({
  items: z.array(ReadingSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export class ReadingPageDto extends createZodDto(ReadingPageSchema) {}

/** m³ per bucket, aligned with the answer's `bucketStarts` (columns, so a year of hours stays small). */
const SeriesSchema = z.object({
  totalM3: z.number(),
  /** null for a bucket that has not begun when the answer was made (the rest of today), never a false 0. */
  values: z.array(z.number().nullable()),
});
export type Series = z.infer<typeof SeriesSchema>;

export const ConsumptionSchema = SeriesSchema.extend({
  interval: z.enum(CONSUMPTION_INTERVALS),
  from: z.string().datetime(),
  to: z.string().datetime(),
  /** Day and month buckets start at midnight in this zone (the tenant's). */
  timeZone: z.string(),
  /** Start of every bucket, oldest first; each series' `values[i]` is the consumption of bucket i. */
  bucketStarts: z.array(z.string().datetime()),
  byMeter: z
    .array(
      SeriesSchema.extend({
        meterId: z.string().uuid(),
        serialNo: z.string(),
        periods: z.array(z.object({ startedAt: z.string().datetime(), endedAt: z.string().datetime().nullable() })),
      }),
    )
    .optional(),
  byDevice: z.array(SeriesSchema.extend({ deviceId: z.string().uuid(), serialNo: z.string().nullable() })).optional(),
  bySubscription: z.array(SeriesSchema.extend({ subscriptionId: z.string().uuid(), subscriptionNo: z.string() })).optional(),
  /** How much of the total, per bucket, comes from ESTIMATED readings (issue 17). */
  estimated: SeriesSchema,
});
export type Consumption = z.infer<typeof ConsumptionSchema>;
export class ConsumptionDto extends createZodDto(ConsumptionSchema) {}

export const LiveReadingSchema = z.object({
  time: z.string().datetime(),
  deviceId: z.string().uuid(),
  tenantId: z.string().uuid(),
  meter: z.object({ id: z.string().uuid(), serialNo: z.string(), brand: z.string(), meterType: z.string() }).nullable(),
  subscription: z.object({ id: z.string().uuid(), subscriptionNo: z.string(), type: z.string() }).nullable(),
  customer: z.object({ id: z.string().uuid(), displayName: z.string() }).nullable(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
  indexM3: z.number(),
  consumptionM3: z.number().nullable(),
  batteryPct: z.number().nullable(),
  rssi: z.number().nullable(),
  snr: z.number().nullable(),
  alarms: z.array(z.enum(ALARM_TYPES)),
  /** The meter-data rules' verdict (issue 17) and the rule that gave it. */
  quality: z.enum(['VALID', 'SUSPECT', 'ESTIMATED', 'EDITED']),
  qualityRule: z.string().nullable(),
});
export type LiveReading = z.infer<typeof LiveReadingSchema>;
export const LiveReadingPageSchema = z.object({
  items: z.array(LiveReadingSchema),
  /** Null in keyset mode (`before`), where counting would defeat the purpose; at most 10,000. */
  total: z.number().int().nullable(),
  /** True when there are more rows than `total` says (the count stops at 10,000). */
  totalCapped: z.boolean(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Pass as `before` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type LiveReadingPage = z.infer<typeof LiveReadingPageSchema>;
export class LiveReadingPageDto extends createZodDto(LiveReadingPageSchema) {}

const num = (v: string | number | null): number | null => (v == null ? null : Number(v));

/** Postgres arrays of enums may arrive as text ("{TAMPER,TILT}") when the driver has no parser for the type. */
export function parseAlarms(v: unknown): LiveReading['alarms'] {
  if (Array.isArray(v)) return v as LiveReading['alarms'];
  if (typeof v === 'string')
    return v
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter(Boolean) as LiveReading['alarms'];
  return [];
}

export interface ReadingRecord {
  time: Date;
  device_id: string;
  device_serial_no: string | null;
  meter_id: string | null;
  meter_serial_no: string | null;
  subscription_id: string | null;
  index_m3: string;
  consumption_m3: string | null;
  battery_pct: string | null;
  rssi: number | null;
  snr: string | null;
  alarms: unknown;
  valve_state: ReadingView['valveState'];
  source: string;
  quality: string;
  quality_rule: string | null;
  decoded: unknown;
}

export function mapReading(r: ReadingRecord): ReadingView {
  return {
    time: r.time.toISOString(),
    deviceId: r.device_id,
    deviceSerialNo: r.device_serial_no,
    meterId: r.meter_id,
    meterSerialNo: r.meter_serial_no,
    subscriptionId: r.subscription_id,
    indexM3: Number(r.index_m3),
    consumptionM3: num(r.consumption_m3),
    batteryPct: num(r.battery_pct),
    rssi: r.rssi,
    snr: num(r.snr),
    alarms: parseAlarms(r.alarms),
    valveState: r.valve_state,
    source: r.source,
    quality: r.quality as ReadingView['quality'],
    qualityRule: r.quality_rule,
    decoded: r.decoded ?? null,
  };
}

export interface LiveReadingRecord {
  time: Date;
  device_id: string;
  tenant_id: string;
  meter_id: string | null;
  meter_serial_no: string | null;
  meter_brand: string | null;
  meter_type: string | null;
  subscription_id: string | null;
  subscription_no: string | null;
  subscription_type: string | null;
  customer_id: string | null;
  customer_name: string | null;
  latitude: string | null;
  longitude: string | null;
  index_m3: string;
  consumption_m3: string | null;
  battery_pct: string | null;
  rssi: number | null;
  snr: string | null;
  alarms: unknown;
  quality: string;
  quality_rule: string | null;
}

export function mapLiveReading(r: LiveReadingRecord): LiveReading {
  return {
    time: r.time.toISOString(),
    deviceId: r.device_id,
    tenantId: r.tenant_id,
    meter: r.meter_id ? { id: r.meter_id, serialNo: r.meter_serial_no!, brand: r.meter_brand!, meterType: r.meter_type! } : null,
    subscription: r.subscription_id ? { id: r.subscription_id, subscriptionNo: r.subscription_no!, type: r.subscription_type! } : null,
    customer: r.customer_id ? { id: r.customer_id, displayName: r.customer_name! } : null,
    location: r.latitude != null && r.longitude != null ? { latitude: Number(r.latitude), longitude: Number(r.longitude) } : null,
    indexM3: Number(r.index_m3),
    consumptionM3: num(r.consumption_m3),
    batteryPct: num(r.battery_pct),
    rssi: r.rssi,
    snr: num(r.snr),
    alarms: parseAlarms(r.alarms),
    quality: r.quality as LiveReading['quality'],
    qualityRule: r.quality_rule,
  };
}

export function liveCursor(r: { time: Date; device_id: string }): string {
  return `${r.time.toISOString()}_${r.device_id}`;
}
