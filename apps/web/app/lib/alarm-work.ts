import type { AlarmType } from '@water/shared';
import { ALARM_TYPES } from '@water/shared';
import { computed, ref } from 'vue';

/**
 * Alarms as work (issue 21), the pure part: the list's filters as they live in the URL and as the API
 * takes them, the selection for a bulk acknowledgement, which actions an alarm still takes, the timeline's
 * texts, and the checks of the comment, note and reason forms.
 */

/** Where an alarm stands as work (AlarmRowDto.state). */
export type AlarmWorkState = 'OPEN' | 'ACKNOWLEDGED' | 'CLEARED' | 'CLOSED';
export const ALARM_STATE_LABELS: Readonly<Record<AlarmWorkState, string>> = {
  OPEN: 'alarmWork.states.OPEN',
  ACKNOWLEDGED: 'alarmWork.states.ACKNOWLEDGED',
  CLEARED: 'alarmWork.states.CLEARED',
  CLOSED: 'alarmWork.states.CLOSED',
};

// ─── The list's filters ─────────────────────────────────────────────────────────

/** `active` (open and acknowledged: still raised) is the default; the rest are the API's words. */
export const ALARM_STATE_FILTERS = ['active', 'open', 'acknowledged', 'cleared', 'closed', 'all'] as const;
export type AlarmStateFilter = (typeof ALARM_STATE_FILTERS)[number];
export const ALARM_STATE_FILTER_LABELS: Readonly<Record<AlarmStateFilter, string>> = {
  active: 'alarmWork.filters.state.active',
  open: 'alarmWork.filters.state.open',
  acknowledged: 'alarmWork.filters.state.acknowledged',
  cleared: 'alarmWork.filters.state.cleared',
  closed: 'alarmWork.filters.state.closed',
  all: 'alarmWork.filters.state.all',
};

/** Age buckets: hours since the alarm started, as minAgeHours/maxAgeHours. */
export const ALARM_AGE_FILTERS = ['any', 'day', 'week', 'older', 'month'] as const;
export type AlarmAgeFilter = (typeof ALARM_AGE_FILTERS)[number];
export const ALARM_AGE_LABELS: Readonly<Record<AlarmAgeFilter, string>> = {
  any: 'alarmWork.filters.age.any',
  day: 'alarmWork.filters.age.day',
  week: 'alarmWork.filters.age.week',
  older: 'alarmWork.filters.age.older',
  month: 'alarmWork.filters.age.month',
};
export const ALARM_AGE_HOURS: Readonly<Record<AlarmAgeFilter, { minAgeHours?: number; maxAgeHours?: number }>> = {
  any: {},
  day: { maxAgeHours: 24 },
  week: { minAgeHours: 24, maxAgeHours: 168 },
  older: { minAgeHours: 168 },
  month: { minAgeHours: 720 },
};

export const ALARM_ASSIGNED_FILTERS = ['any', 'me', 'nobody'] as const;
export type AlarmAssignedFilter = (typeof ALARM_ASSIGNED_FILTERS)[number];
export const ALARM_ASSIGNED_LABELS: Readonly<Record<AlarmAssignedFilter, string>> = {
  any: 'alarmWork.filters.assigned.any',
  me: 'alarmWork.filters.assigned.me',
  nobody: 'alarmWork.filters.assigned.nobody',
};

export interface AlarmListFilters {
  page: number;
  state: AlarmStateFilter;
  type?: AlarmType;
  age: AlarmAgeFilter;
  assigned: AlarmAssignedFilter;
}

type QueryValue = string | null | (string | null)[] | undefined;

function first(value: QueryValue): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

function oneOf<T extends string>(values: readonly T[], value: string | undefined, fallback: T): T {
  return (values as readonly string[]).includes(value ?? '') ? (value as T) : fallback;
}

/** The filters from the URL; anything unknown falls back to its default (active alarms, page 1). */
export function readAlarmFilters(query: Record<string, QueryValue>): AlarmListFilters {
  const page = Number(first(query.page));
  const type = first(query.type);
  return {
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    state: oneOf(ALARM_STATE_FILTERS, first(query.state), 'active'),
    type: (ALARM_TYPES as readonly string[]).includes(type ?? '') ? (type as AlarmType) : undefined,
    age: oneOf(ALARM_AGE_FILTERS, first(query.age), 'any'),
    assigned: oneOf(ALARM_ASSIGNED_FILTERS, first(query.assigned), 'any'),
  };
}

/** The URL of the filters: defaults left out. */
export function writeAlarmFilters(filters: AlarmListFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.page > 1) query.page = String(filters.page);
  if (filters.state !== 'active') query.state = filters.state;
  if (filters.type) query.type = filters.type;
  if (filters.age !== 'any') query.age = filters.age;
  if (filters.assigned !== 'any') query.assigned = filters.assigned;
  return query;
}

export interface AlarmListApiQuery {
  page: number;
  pageSize: number;
  state: string;
  order: 'desc';
  sort: 'startedAt';
  type?: AlarmType;
  minAgeHours?: number;
  maxAgeHours?: number;
  assignedTo?: 'me' | 'nobody';
}

/** GET /api/alarms's query for the filters (the tenant is the caller's to add). */
export function alarmListApiQuery(filters: AlarmListFilters, pageSize: number): AlarmListApiQuery {
  const query: AlarmListApiQuery = { page: filters.page, pageSize, state: filters.state, order: 'desc', sort: 'startedAt' };
  if (filters.type) query.type = filters.type;
  Object.assign(query, ALARM_AGE_HOURS[filters.age]);
  if (filters.assigned !== 'any') query.assignedTo = filters.assigned;
  return query;
}

// ─── Bulk acknowledgement ───────────────────────────────────────────────────────

/** The API takes at most this many alarms a request. */
export const BULK_ACKNOWLEDGE_MAX = 100;

/** Only an alarm nobody took yet (and not closed) is worth acknowledging. */
export const canAcknowledge = (alarm: { acknowledgedAt: string | null; closedAt: string | null }) =>
  !alarm.acknowledgedAt && !alarm.closedAt;

/** The rows ticked for a bulk acknowledgement, by id; at most BULK_ACKNOWLEDGE_MAX. */
export function createAlarmSelection() {
  const ids = ref<string[]>([]);
  const has = (id: string) => ids.value.includes(id);
  function toggle(id: string, on = !has(id)) {
    if (on && !has(id) && ids.value.length < BULK_ACKNOWLEDGE_MAX) ids.value = [...ids.value, id];
    else if (!on) ids.value = ids.value.filter((x) => x !== id);
  }
  /** Whether every one of these is ticked (the header checkbox), some, or none. */
  function stateOf(visible: string[]): boolean | 'indeterminate' {
    const ticked = visible.filter(has).length;
    return ticked === 0 ? false : ticked === visible.length ? true : 'indeterminate';
  }
  function toggleAll(visible: string[]) {
    if (stateOf(visible) === true) ids.value = ids.value.filter((x) => !visible.includes(x));
    else for (const id of visible) toggle(id, true);
  }
  /** Keeps only the ids still shown (after a refresh or a page change). */
  function keep(visible: string[]) {
    ids.value = ids.value.filter((x) => visible.includes(x));
  }
  const clear = () => (ids.value = []);
  return { ids, count: computed(() => ids.value.length), has, toggle, toggleAll, stateOf, keep, clear };
}

export type BulkOutcome = 'ACKNOWLEDGED' | 'ALREADY_ACKNOWLEDGED' | 'CLOSED';
export const BULK_OUTCOME_LABELS: Readonly<Record<BulkOutcome, string>> = {
  ACKNOWLEDGED: 'alarmWork.bulk.outcomes.ACKNOWLEDGED',
  ALREADY_ACKNOWLEDGED: 'alarmWork.bulk.outcomes.ALREADY_ACKNOWLEDGED',
  CLOSED: 'alarmWork.bulk.outcomes.CLOSED',
};

/** How many alarms ended each way, for one line of "acknowledged 3, already acknowledged 1". */
export function summarizeBulkOutcome(items: { id: string; outcome: BulkOutcome }[]): Record<BulkOutcome, number> {
  const counts: Record<BulkOutcome, number> = { ACKNOWLEDGED: 0, ALREADY_ACKNOWLEDGED: 0, CLOSED: 0 };
  for (const item of items) counts[item.outcome] += 1;
  return counts;
}

// ─── One alarm ──────────────────────────────────────────────────────────────────

export interface AlarmWorkFacts {
  acknowledgedAt: string | null;
  closedAt: string | null;
  assignedTo: { id: string } | null;
}

/** What a user with DASHBOARD update may still do with the alarm (a closed alarm takes notes only). */
export function alarmActions(alarm: AlarmWorkFacts, canUpdate: boolean) {
  const open = !alarm.closedAt;
  return {
    acknowledge: canUpdate && open && !alarm.acknowledgedAt,
    assign: canUpdate && open,
    unassign: canUpdate && open && alarm.assignedTo !== null,
    note: canUpdate,
    close: canUpdate && open,
  };
}

export type AlarmTimelineKind = 'RAISED' | 'ACKNOWLEDGED' | 'ASSIGNED' | 'UNASSIGNED' | 'NOTE' | 'CLEARED' | 'CLOSED';

/** Each step's text, with who did it and, when that user is gone, without. */
const TIMELINE_LABELS: Readonly<Record<AlarmTimelineKind, { by: string; unknown: string }>> = {
  RAISED: { by: 'alarmWork.timeline.RAISED', unknown: 'alarmWork.timeline.RAISED' },
  CLEARED: { by: 'alarmWork.timeline.CLEARED', unknown: 'alarmWork.timeline.CLEARED' },
  ACKNOWLEDGED: { by: 'alarmWork.timeline.ACKNOWLEDGED', unknown: 'alarmWork.timeline.ACKNOWLEDGED_unknown' },
  ASSIGNED: { by: 'alarmWork.timeline.ASSIGNED', unknown: 'alarmWork.timeline.ASSIGNED_unknown' },
  UNASSIGNED: { by: 'alarmWork.timeline.UNASSIGNED', unknown: 'alarmWork.timeline.UNASSIGNED_unknown' },
  NOTE: { by: 'alarmWork.timeline.NOTE', unknown: 'alarmWork.timeline.NOTE_unknown' },
  CLOSED: { by: 'alarmWork.timeline.CLOSED', unknown: 'alarmWork.timeline.CLOSED_unknown' },
};

/** The i18n key of a timeline step: "{who} acknowledged", "{who} assigned it to {assignee}"... */
export function timelineKey(entry: { kind: AlarmTimelineKind; by: unknown }): string {
  const labels = TIMELINE_LABELS[entry.kind];
  return entry.by ? labels.by : labels.unknown;
}

// ─── The comment, note and reason forms ─────────────────────────────────────────

/** The API's limits: a comment or note up to 2000 characters, a closing reason up to 500. */
export const ALARM_TEXT_LIMITS = { comment: 2000, note: 2000, reason: 500 } as const;
export type AlarmTextKind = keyof typeof ALARM_TEXT_LIMITS;
const TOO_LONG: Readonly<Record<AlarmTextKind, string>> = {
  comment: 'alarmWork.errors.tooLong.comment',
  note: 'alarmWork.errors.tooLong.note',
  reason: 'alarmWork.errors.tooLong.reason',
};

export interface AlarmTextValues {
  text: string;
}

/** A comment may be empty; a note and a reason may not. Answers i18n keys. */
export function validateAlarmText(kind: AlarmTextKind, values: AlarmTextValues): { text?: string } {
  const text = values.text.trim();
  if (!text && kind !== 'comment') return { text: 'alarmWork.errors.required' };
  if (text.length > ALARM_TEXT_LIMITS[kind]) return { text: TOO_LONG[kind] };
  return {};
}

/** The API body of each text form: an empty comment is left out. */
export function alarmTextPayload(kind: 'comment', values: AlarmTextValues): { comment?: string };
export function alarmTextPayload(kind: 'note', values: AlarmTextValues): { text: string };
export function alarmTextPayload(kind: 'reason', values: AlarmTextValues): { reason: string };
export function alarmTextPayload(kind: AlarmTextKind, values: AlarmTextValues) {
  const text = values.text.trim();
  if (kind === 'comment') return text ? { comment: text } : {};
  return kind === 'note' ? { text } : { reason: text };
}
