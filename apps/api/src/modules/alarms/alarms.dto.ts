import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { ALARM_TYPES, type AlarmType } from '@water/shared';
import { pageQueryShape, pageSchema } from '../../core/http/paging';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });
const booleanQuery = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');
const isoInstant = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2025-12-08T07:18:55+03:00' })
  .transform((s) => new Date(s));

export const AlarmTypeSchema = z.enum(ALARM_TYPES, { message: `must be one of ${ALARM_TYPES.join(', ')}` });

/** One type or several (`type=TAMPER,TILT` or `type=TAMPER&type=TILT`), so the console can ask for "every red alarm". */
const alarmTypesQuery = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [
    ...new Set(
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(AlarmTypeSchema).min(1, 'at least one alarm type').max(ALARM_TYPES.length))
  .describe(`one or more of ${ALARM_TYPES.join(', ')}, comma-separated`);

export const ALARM_STATES = ['open', 'cleared', 'all'] as const;

export const ListAlarmsQuerySchema = z
  .object({
    ...pageQueryShape,
    /** Newest first unless asked otherwise. */
    order: z.enum(['asc', 'desc']).default('desc'),
    /** Narrows to this tenant's subtree; an invisible tenant answers 404. */
    tenantId: uuid().optional(),
    type: alarmTypesQuery.optional(),
    state: z.enum(ALARM_STATES, { message: 'must be open, cleared or all' }).default('all'),
    acknowledged: booleanQuery.optional(),
    meterId: uuid().optional(),
    deviceId: uuid().optional(),
    subscriptionId: uuid().optional(),
    /** Alarms that started at or after this instant. */
    from: isoInstant.optional(),
    /** Alarms that started before this instant. */
    to: isoInstant.optional(),
    sort: z.enum(['startedAt', 'clearedAt', 'type']).default('startedAt'),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'must be after from', path: ['to'] });
export type ListAlarmsQuery = z.infer<typeof ListAlarmsQuerySchema>;
export class ListAlarmsQueryDto extends createZodDto(ListAlarmsQuerySchema) {}

export const AlarmCountsQuerySchema = z.object({ tenantId: uuid().optional() }).strict();
export class AlarmCountsQueryDto extends createZodDto(AlarmCountsQuerySchema) {}

// ─── Responses ────────────────────────────────────────────────────────────────────

const SerialRef = z.object({ id: z.string().uuid(), serialNo: z.string() });

export const AlarmRowSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  type: AlarmTypeSchema,
  state: z.enum(['OPEN', 'CLEARED']),
  startedAt: z.string().datetime(),
  clearedAt: z.string().datetime().nullable(),
  acknowledgedAt: z.string().datetime().nullable(),
  acknowledgedBy: z.object({ id: z.string().uuid(), displayName: z.string() }).nullable(),
  device: SerialRef.nullable(),
  meter: SerialRef.nullable(),
  subscription: z.object({ id: z.string().uuid(), subscriptionNo: z.string() }).nullable(),
  customer: z.object({ id: z.string().uuid(), displayName: z.string() }).nullable(),
  /** What the source reported (battery %, tilt angle, consumption against threshold ...). */
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AlarmRow = z.infer<typeof AlarmRowSchema>;
export class AlarmRowDto extends createZodDto(AlarmRowSchema) {}
export class AlarmPageDto extends createZodDto(pageSchema(AlarmRowSchema)) {}

export const AlarmCountsSchema = z.object({
  /** Open alarms in the scope. */
  open: z.number().int(),
  /** Open alarms nobody has acknowledged yet. */
  unacknowledged: z.number().int(),
  /** Open alarms per type; every type is present, zero when none. */
  byType: z.object(Object.fromEntries(ALARM_TYPES.map((t) => [t, z.number().int()])) as Record<AlarmType, z.ZodNumber>),
});
export type AlarmCounts = z.infer<typeof AlarmCountsSchema>;
export class AlarmCountsDto extends createZodDto(AlarmCountsSchema) {}

/** An alarm as the repository reads it, joined with the names the console shows. */
export interface AlarmRecord {
  id: string;
  tenant_id: string;
  tenant_name: string;
  type: AlarmType;
  started_at: Date;
  cleared_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledger_name: string | null;
  device_id: string | null;
  device_serial_no: string | null;
  meter_id: string | null;
  meter_serial_no: string | null;
  subscription_id: string | null;
  subscription_no: string | null;
  customer_id: string | null;
  customer_name: string | null;
  details: unknown;
}

/** A reference to a joined object, null when the alarm has none (or it has since been deleted). */
function ref<K extends string>(id: string | null, key: K, value: string | null) {
  return id && value !== null ? ({ id, [key]: value } as { id: string } & Record<K, string>) : null;
}

export function mapAlarm(a: AlarmRecord): AlarmRow {
  return {
    id: a.id,
    tenantId: a.tenant_id,
    tenantName: a.tenant_name,
    type: a.type,
    state: a.cleared_at ? 'CLEARED' : 'OPEN',
    startedAt: new Date(a.started_at).toISOString(),
    clearedAt: a.cleared_at ? new Date(a.cleared_at).toISOString() : null,
    acknowledgedAt: a.acknowledged_at ? new Date(a.acknowledged_at).toISOString() : null,
    acknowledgedBy: a.acknowledged_by ? { id: a.acknowledged_by, displayName: a.acknowledger_name ?? '' } : null,
    device: ref(a.device_id, 'serialNo', a.device_serial_no),
    meter: ref(a.meter_id, 'serialNo', a.meter_serial_no),
    subscription: ref(a.subscription_id, 'subscriptionNo', a.subscription_no),
    customer: ref(a.customer_id, 'displayName', a.customer_name),
    details: a.details && typeof a.details === 'object' && !Array.isArray(a.details) ? (a.details as Record<string, unknown>) : null,
  };
}

export function mapCounts(rows: { type: AlarmType; n: number | string; unacknowledged: number | string }[]): AlarmCounts {
  const byType = Object.fromEntries(ALARM_TYPES.map((t) => [t, 0])) as Record<AlarmType, number>;
  let open = 0;
  let unacknowledged = 0;
  for (const r of rows) {
    byType[r.type] = Number(r.n);
    open += Number(r.n);
    unacknowledged += Number(r.unacknowledged);
  }
  return { open, unacknowledged, byType };
}
