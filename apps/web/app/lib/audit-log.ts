import type { ListQuerySpec } from '~/lib/list-query';

/**
 * The audit log view's filters (apps/api modules/audit-log/audit-log.dto.ts): kept in the URL, sent to
 * the list and, unchanged, to the CSV export so the file holds exactly what the table shows.
 */
export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'login', 'logout'] as const;

/** The entity types the API writes (core/audit callers), for the filter; others can still be typed in the URL. */
export const AUDIT_ENTITY_TYPES = [
  'address',
  'alarm',
  'communication_technology',
  'communication_technology_field',
  'customer',
  'customer_contact',
  'device',
  'device_profile',
  'integration',
  'ip_rating',
  'membership',
  'message_scenario',
  'meter',
  'meter_profile',
  'subscription',
  'subscription_group',
  'subscription_meter',
  'tenant',
  'user',
] as const;

/** i18n keys of the entity types' names. */
export const AUDIT_ENTITY_LABELS: Record<(typeof AUDIT_ENTITY_TYPES)[number], string> = {
  address: 'auditLog.entities.address',
  alarm: 'auditLog.entities.alarm',
  communication_technology: 'auditLog.entities.communicationTechnology',
  communication_technology_field: 'auditLog.entities.communicationTechnologyField',
  customer: 'auditLog.entities.customer',
  customer_contact: 'auditLog.entities.customerContact',
  device: 'auditLog.entities.device',
  device_profile: 'auditLog.entities.deviceProfile',
  integration: 'auditLog.entities.integration',
  ip_rating: 'auditLog.entities.ipRating',
  membership: 'auditLog.entities.membership',
  message_scenario: 'auditLog.entities.messageScenario',
  meter: 'auditLog.entities.meter',
  meter_profile: 'auditLog.entities.meterProfile',
  subscription: 'auditLog.entities.subscription',
  subscription_group: 'auditLog.entities.subscriptionGroup',
  subscription_meter: 'auditLog.entities.subscriptionMeter',
  tenant: 'auditLog.entities.tenant',
  user: 'auditLog.entities.user',
};

/** i18n keys of the actions' names. */
export const AUDIT_ACTION_LABELS: Record<(typeof AUDIT_ACTIONS)[number], string> = {
  create: 'auditLog.actions.create',
  update: 'auditLog.actions.update',
  delete: 'auditLog.actions.delete',
  login: 'auditLog.actions.login',
  logout: 'auditLog.actions.logout',
};

export const AUDIT_FILTERS = ['tenantId', 'userId', 'entityType', 'entityId', 'action', 'from', 'to'] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];
export type AuditFilters = Partial<Record<AuditFilter, string>>;

export const AUDIT_LIST: ListQuerySpec<'createdAt', AuditFilter> = {
  sorts: ['createdAt'],
  defaultSort: 'createdAt',
  defaultOrder: 'desc',
  filters: AUDIT_FILTERS,
};

/** The filters the API takes (no sort or search: its query schema is strict). */
export function auditFilterQuery(filters: AuditFilters): Record<string, string> {
  const query: Record<string, string> = {};
  for (const name of AUDIT_FILTERS) {
    const value = filters[name]?.trim();
    if (value) query[name] = value;
  }
  return query;
}

export function auditListQuery(filters: AuditFilters, page: number, pageSize: number): Record<string, string | number> {
  return { ...auditFilterQuery(filters), page, pageSize };
}

/** The export link through the console's /api proxy, so the session cookie applies. */
export function auditExportHref(filters: AuditFilters): string {
  const params = new URLSearchParams(auditFilterQuery(filters)).toString();
  return `/api/audit-log/export.csv${params ? `?${params}` : ''}`;
}

/**
 * Top-level keys an entry changed: every key of a created (no before) or deleted (no after) record,
 * else the keys of `after` whose value differs from `before` (updates record only what they set).
 */
export function changedKeys(before: unknown, after: unknown): string[] {
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
  const a = obj(before);
  const b = obj(after);
  if (!b) return Object.keys(a ?? {}).sort();
  if (!a) return Object.keys(b).sort();
  return Object.keys(b)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .sort();
}

/** i18n keys of why a sign-in failed (apps/api modules/auth auth.service.ts recordLogin). */
export const LOGIN_FAILURE_LABELS: Record<'unknown_email' | 'bad_password' | 'inactive' | 'rate_limited', string> = {
  unknown_email: 'users.activity.reasons.unknownEmail',
  bad_password: 'users.activity.reasons.badPassword',
  inactive: 'users.activity.reasons.inactive',
  rate_limited: 'users.activity.reasons.rateLimited',
};
