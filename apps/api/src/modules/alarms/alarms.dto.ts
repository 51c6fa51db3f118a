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

/**
 * Where an alarm stands as work (issue 21): open (nobody took it), acknowledged (someone took it; still
 * raised), cleared (its source cleared it; not closed), closed (someone closed it, with a reason).
 * `active` is open and acknowledged together (what `open` meant before), `all` every state.
 */
export const ALARM_STATES = ['open', 'acknowledged', 'cleared', 'closed'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];
const ALARM_STATE_WORDS = [...ALARM_STATES, 'active', 'all'] as const;

/** One state or several (`state=open,acknowledged`), `active` or `all`. */
const alarmStatesQuery = z
  .string()
  .transform((v) => [
    ...new Set(
      v
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(z.enum(ALARM_STATE_WORDS, { message: `must be one of ${ALARM_STATE_WORDS.join(', ')}` })).min(1, 'at least one state'))
  .transform((words): AlarmState[] | undefined =>
    words.includes('all')
      ? undefined
      : [...new Set(words.flatMap((w): AlarmState[] => (w === 'active' ? ['open', 'acknowledged'] : [w as AlarmState])))],
  )
  .describe(`one or more of ${ALARM_STATE_WORDS.join(', ')}, comma-separated (active = open and acknowledged); all by default`);

/** Hours since the alarm started (its age), 0 to 10 years. */
const ageHours = z.coerce.number({ message: 'must be a number of hours' }).min(0, 'at least 0').max(87_600, 'at most 87600 (10 years)');

export const ListAlarmsQuerySchema = z
  .object({
    ...pageQueryShape,
    /** Newest first unless asked otherwise. */
    order: z.enum(['asc', 'desc']).default('desc'),
    /** Narrows to this tenant's subtree; an invisible tenant answers 404. */
    tenantId: uuid().optional(),
    type: alarmTypesQuery.optional(),
    state: alarmStatesQuery.optional(),
    /** Alarms at least this many hours old (started that long ago or earlier). */
    minAgeHours: ageHours.optional(),
    /** Alarms at most this many hours old. */
    maxAgeHours: ageHours.optional(),
    /** Alarms assigned to this user, to the caller (`me`) or to nobody (`nobody`). */
    assignedTo: z.union([uuid(), z.enum(['me', 'nobody'])], { message: 'must be a user id, me or nobody' }).optional(),
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
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'must be after from', path: ['to'] })
  .refine((q) => q.minAgeHours === undefined || q.maxAgeHours === undefined || q.minAgeHours <= q.maxAgeHours, {
    message: 'must not be below minAgeHours',
    path: ['maxAgeHours'],
  });
export type ListAlarmsQuery = z.infer<typeof ListAlarmsQuerySchema>;
export class ListAlarmsQueryDto extends createZodDto(ListAlarmsQuerySchema) {}

/** Bulk acknowledgement: at most this many alarms a request. */
export const BULK_ACKNOWLEDGE_MAX = 100;

const comment = z.string().trim().min(1, 'must not be empty').max(2000, 'at most 2000 characters');

export const AcknowledgeAlarmSchema = z
  .object({
    /** What the person taking the alarm has to say (shown in the timeline). */
    comment: comment.optional(),
  })
  .strict();
export class AcknowledgeAlarmDto extends createZodDto(AcknowledgeAlarmSchema) {}

export const BulkAcknowledgeAlarmsSchema = z
  .object({
    ids: z
      .array(uuid())
      .min(1, 'at least one alarm')
      .max(BULK_ACKNOWLEDGE_MAX, `at most ${BULK_ACKNOWLEDGE_MAX} alarms`)
      .refine((ids) => new Set(ids).size === ids.length, 'an alarm is listed twice'),
    comment: comment.optional(),
  })
  .strict();
export type BulkAcknowledgeAlarms = z.infer<typeof BulkAcknowledgeAlarmsSchema>;
export class BulkAcknowledgeAlarmsDto extends createZodDto(BulkAcknowledgeAlarmsSchema) {}

export const AssignAlarmSchema = z
  .object({
    /** A user holding read on alarms at the alarm's tenant, of a tenant the caller sees; null unassigns. */
    userId: uuid().nullable(),
  })
  .strict();
export class AssignAlarmDto extends createZodDto(AssignAlarmSchema) {}

export const AlarmNoteSchema = z.object({ text: comment }).strict();
export class AlarmNoteDto extends createZodDto(AlarmNoteSchema) {}

export const CloseAlarmSchema = z
  .object({ reason: z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters') })
  .strict();
export class CloseAlarmDto extends createZodDto(CloseAlarmSchema) {}

export const AlarmCountsQuerySchema = z.object({ tenantId: uuid().optional() }).strict();
export class AlarmCountsQueryDto extends createZodDto(AlarmCountsQuerySchema) {}

// ─── Responses ────────────────────────────────────────────────────────────────────

const SerialRef = z.object({ id: z.string().uuid(), serialNo: z.string() });
const UserRef = z.object({ id: z.string().uuid(), displayName: z.string() });

export const AlarmRowSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  type: AlarmTypeSchema,
  /** OPEN (nobody took it), ACKNOWLEDGED (taken, still raised), CLEARED (by its source), CLOSED (by a person). */
  state: z.enum(['OPEN', 'ACKNOWLEDGED', 'CLEARED', 'CLOSED']),
  startedAt: z.string().datetime(),
  clearedAt: z.string().datetime().nullable(),
  acknowledgedAt: z.string().datetime().nullable(),
  acknowledgedBy: UserRef.nullable(),
  assignedAt: z.string().datetime().nullable(),
  assignedTo: UserRef.nullable(),
  closedAt: z.string().datetime().nullable(),
  closedBy: UserRef.nullable(),
  closeReason: z.string().nullable(),
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

export const ALARM_TIMELINE_KINDS = ['RAISED', 'ACKNOWLEDGED', 'ASSIGNED', 'UNASSIGNED', 'NOTE', 'CLEARED', 'CLOSED'] as const;

export const AlarmTimelineEntrySchema = z.object({
  /** The stored step's id; null for RAISED and CLEARED, which are the alarm's own times. */
  id: z.string().uuid().nullable(),
  kind: z.enum(ALARM_TIMELINE_KINDS),
  at: z.string().datetime(),
  /** Who did it; null for what the source did (raised, cleared) and for deleted users. */
  by: UserRef.nullable(),
  /** ASSIGNED: to whom. */
  assignee: UserRef.nullable(),
  /** The acknowledgement's comment, the note, or the reason of the closure. */
  text: z.string().nullable(),
});
export type AlarmTimelineEntry = z.infer<typeof AlarmTimelineEntrySchema>;

export const AlarmDetailSchema = AlarmRowSchema.extend({
  /** Oldest first: raised, then what people did, and cleared/closed. */
  timeline: z.array(AlarmTimelineEntrySchema),
});
export type AlarmDetail = z.infer<typeof AlarmDetailSchema>;
export class AlarmDetailDto extends createZodDto(AlarmDetailSchema) {}

export const BulkAcknowledgeResultSchema = z.object({
  /** One entry per asked id, in the asked order. */
  items: z.array(
    z.object({
      id: z.string().uuid(),
      /** ACKNOWLEDGED by this request; ALREADY_ACKNOWLEDGED or CLOSED: left as it was. */
      outcome: z.enum(['ACKNOWLEDGED', 'ALREADY_ACKNOWLEDGED', 'CLOSED']),
    }),
  ),
  /** How many this request acknowledged. */
  acknowledged: z.number().int(),
});
export type BulkAcknowledgeResult = z.infer<typeof BulkAcknowledgeResultSchema>;
export class BulkAcknowledgeResultDto extends createZodDto(BulkAcknowledgeResultSchema) {}

export const AlarmAssigneeSchema = UserRef;
export class AlarmAssigneeListDto extends createZodDto(z.object({ items: z.array(UserRef) })) {}

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
  assigned_to: string | null;
  assigned_at: Date | null;
  assignee_name: string | null;
  closed_at: Date | null;
  closed_by: string | null;
  closer_name: string | null;
  close_reason: string | null;
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

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const userRef = (id: string | null, name: string | null) => (id ? { id, displayName: name ?? '' } : null);

/** The state as work: closed before cleared before acknowledged. */
export function alarmState(a: Pick<AlarmRecord, 'cleared_at' | 'acknowledged_at' | 'closed_at'>): AlarmRow['state'] {
  if (a.closed_at) return 'CLOSED';
  if (a.cleared_at) return 'CLEARED';
  return a.acknowledged_at ? 'ACKNOWLEDGED' : 'OPEN';
}

export function mapAlarm(a: AlarmRecord): AlarmRow {
  return {
    id: a.id,
    tenantId: a.tenant_id,
    tenantName: a.tenant_name,
    type: a.type,
    state: alarmState(a),
    startedAt: new Date(a.started_at).toISOString(),
    clearedAt: iso(a.cleared_at),
    acknowledgedAt: iso(a.acknowledged_at),
    acknowledgedBy: userRef(a.acknowledged_by, a.acknowledger_name),
    assignedAt: a.assigned_to ? iso(a.assigned_at) : null,
    assignedTo: userRef(a.assigned_to, a.assignee_name),
    closedAt: iso(a.closed_at),
    closedBy: userRef(a.closed_by, a.closer_name),
    closeReason: a.close_reason,
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

/** A stored step of an alarm's timeline, with the names the console shows. */
export interface AlarmEventRecord {
  id: string;
  kind: 'ACKNOWLEDGED' | 'ASSIGNED' | 'UNASSIGNED' | 'NOTE' | 'CLOSED';
  at: Date;
  user_id: string | null;
  user_name: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  text: string | null;
}

/**
 * The alarm with its timeline: raised (started_at), the stored steps, and cleared when the source
 * cleared it (a closure clears the alarm as well; then CLOSED is the step, not CLEARED).
 */
export function mapAlarmDetail(a: AlarmRecord, events: AlarmEventRecord[]): AlarmDetail {
  const row = mapAlarm(a);
  const timeline: AlarmTimelineEntry[] = [{ id: null, kind: 'RAISED', at: row.startedAt, by: null, assignee: null, text: null }];
  for (const e of events)
    timeline.push({
      id: e.id,
      kind: e.kind,
      at: new Date(e.at).toISOString(),
      by: userRef(e.user_id, e.user_name),
      assignee: userRef(e.assignee_id, e.assignee_name),
      text: e.text,
    });
  const clearedBySource = a.cleared_at && (!a.closed_at || new Date(a.cleared_at) < new Date(a.closed_at));
  if (clearedBySource) timeline.push({ id: null, kind: 'CLEARED', at: row.clearedAt!, by: null, assignee: null, text: null });
  // Stable: same-instant steps keep the order above (raised first, the stored order, cleared last).
  timeline.sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  return { ...row, timeline };
}
