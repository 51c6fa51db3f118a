import type { AlarmType } from '@water/shared';
import { ALARM_TYPES } from '@water/shared';
import { computed, reactive } from 'vue';

/** Who in a tenant receives which alarm types (the alarm subscriptions), and the form that adds a person. */

export interface AlarmSubscription {
  id: string;
  tenantId: string;
  userId: string;
  userName: string;
  email: string;
  alarmType: AlarmType;
}

/** One person's line of the grid: the subscription id per alarm type (null: not subscribed). */
export interface SubscriptionRow {
  userId: string;
  userName: string;
  email: string;
  types: Record<AlarmType, string | null>;
}

const noTypes = (): Record<AlarmType, string | null> =>
  Object.fromEntries(ALARM_TYPES.map((type) => [type, null])) as Record<AlarmType, string | null>;

/** The subscriptions made at `tenantId` as one row per person, by name. */
export function subscriptionRows(subscriptions: readonly AlarmSubscription[], tenantId: string): SubscriptionRow[] {
  const rows = new Map<string, SubscriptionRow>();
  for (const s of subscriptions) {
    if (s.tenantId !== tenantId) continue;
    let row = rows.get(s.userId);
    if (!row) {
      row = { userId: s.userId, userName: s.userName, email: s.email, types: noTypes() };
      rows.set(s.userId, row);
    }
    row.types[s.alarmType] = s.id;
  }
  return [...rows.values()].sort((x, y) => x.userName.localeCompare(y.userName, 'tr') || x.email.localeCompare(y.email));
}

/** How many people receive each alarm type. */
export function receiversPerType(rows: readonly SubscriptionRow[]): Record<AlarmType, number> {
  const out = Object.fromEntries(ALARM_TYPES.map((type) => [type, 0])) as Record<AlarmType, number>;
  for (const row of rows) for (const type of ALARM_TYPES) if (row.types[type]) out[type] += 1;
  return out;
}

/** A person the subscription form offers: the tenant's users who are not in the grid yet. */
export interface PersonOption {
  id: string;
  label: string;
}

export function peopleToAdd(
  users: readonly { id: string; name: string; surname: string; email: string; isActive: boolean }[],
  rows: readonly SubscriptionRow[],
): PersonOption[] {
  const taken = new Set(rows.map((r) => r.userId));
  return users
    .filter((u) => u.isActive && !taken.has(u.id))
    .map((u) => ({ id: u.id, label: `${u.name} ${u.surname} (${u.email})` }))
    .sort((x, y) => x.label.localeCompare(y.label, 'tr'));
}

export interface SubscriptionValues {
  userId: string;
  alarmTypes: AlarmType[];
}
export type SubscriptionField = 'userId' | 'alarmTypes';

/** i18n keys of the problems, by field. */
export function validateSubscription(v: SubscriptionValues): Partial<Record<SubscriptionField, string>> {
  const out: Partial<Record<SubscriptionField, string>> = {};
  if (!v.userId) out.userId = 'notifications.settings.pickPerson';
  if (!v.alarmTypes.length) out.alarmTypes = 'notifications.settings.pickTypes';
  return out;
}

/** The POST /api/notifications/alarm-subscriptions body, alarm types in the platform's order. */
export function subscriptionPayload(tenantId: string, v: SubscriptionValues) {
  return { tenantId, userId: v.userId, alarmTypes: ALARM_TYPES.filter((type) => v.alarmTypes.includes(type)) };
}

/** Urgent alarms first: what a new subscription starts with. */
export const DEFAULT_ALARM_TYPES: readonly AlarmType[] = ['LEAK', 'BURST', 'TAMPER', 'REVERSE_FLOW'];

export function createSubscriptionForm(initial: Partial<SubscriptionValues> = {}) {
  const values = reactive<SubscriptionValues>({
    userId: initial.userId ?? '',
    alarmTypes: [...(initial.alarmTypes ?? DEFAULT_ALARM_TYPES)],
  });
  const issues = computed(() => validateSubscription(values));
  const valid = computed(() => Object.keys(issues.value).length === 0);
  return { values, issues, valid, payload: (tenantId: string) => subscriptionPayload(tenantId, values) };
}
