import type { HeaderColumn } from '~/lib/crud';
import type { LocationQuery } from 'vue-router';

/** The delivery log's filters, as the URL keeps them and the API reads them. */

export const LOG_CHANNELS = ['EMAIL', 'IN_APP', 'WEBHOOK'] as const;
export const LOG_STATUSES = ['QUEUED', 'SENT', 'FAILED', 'SUPPRESSED'] as const;
export type LogChannel = (typeof LOG_CHANNELS)[number];
export type LogStatus = (typeof LOG_STATUSES)[number];

export interface LogFilters {
  channel: LogChannel | '';
  status: LogStatus | '';
  /** Local days YYYY-MM-DD, both included. */
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const one = (value: LocationQuery[string] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';
const oneOf = <T extends string>(list: readonly T[], value: string): T | '' =>
  (list as readonly string[]).includes(value) ? (value as T) : '';

export function readLogFilters(query: LocationQuery): LogFilters {
  const from = one(query.from);
  const to = one(query.to);
  return {
    channel: oneOf(LOG_CHANNELS, one(query.channel)),
    status: oneOf(LOG_STATUSES, one(query.status)),
    from: DAY.test(from) ? from : '',
    to: DAY.test(to) ? to : '',
  };
}

/** The URL query of the filters (empty ones left out). */
export function writeLogFilters(f: LogFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, value]) => value)) as Record<string, string>;
}

/** The start of a local day as an instant (the browser's time zone, where the operator reads the table). */
function dayStart(day: string, offsetDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + offsetDays).toISOString();
}

/** The API query: `to` is the start of the day after the last one asked for; a reversed range is left out. */
export function logApiQuery(f: LogFilters, tenantId: string | null) {
  const range = !(f.from && f.to && f.from > f.to);
  return {
    ...(tenantId ? { tenantId } : {}),
    ...(f.channel ? { channel: f.channel } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(range && f.from ? { from: dayStart(f.from) } : {}),
    ...(range && f.to ? { to: dayStart(f.to, 1) } : {}),
  };
}

/** i18n key of a problem with the range, if any. */
export function logFiltersProblem(f: LogFilters): string | null {
  return f.from && f.to && f.from > f.to ? 'notifications.log.badRange' : null;
}

export const STATUS_TONES: Readonly<Record<LogStatus, string>> = {
  QUEUED: 'border-sky-600/30 bg-sky-500/10 text-sky-700',
  SENT: 'border-emerald-600/30 bg-emerald-500/10 text-emerald-700',
  FAILED: 'border-red-600/30 bg-red-500/10 text-red-700',
  SUPPRESSED: 'text-muted-foreground',
};

export const STATUS_LABELS: Readonly<Record<LogStatus, string>> = {
  QUEUED: 'notifications.status.QUEUED',
  SENT: 'notifications.status.SENT',
  FAILED: 'notifications.status.FAILED',
  SUPPRESSED: 'notifications.status.SUPPRESSED',
};

export const CHANNEL_LABELS: Readonly<Record<LogChannel, string>> = {
  EMAIL: 'notifications.channels.EMAIL',
  IN_APP: 'notifications.channels.IN_APP',
  WEBHOOK: 'notifications.channels.WEBHOOK',
};

/** Events of the log besides the notification events: the portal's code e-mails and webhook tests. */
export const LOG_EVENT_LABELS: Readonly<Record<string, string>> = {
  'portal.code': 'notifications.events.portalCode',
  'webhook.test': 'notifications.events.webhookTest',
};

/** Columns of the delivery log (CrudTableHeader). */
export const DELIVERY_LOG_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'notifications.log.columns.time' },
  { labelKey: 'notifications.log.columns.channel' },
  { labelKey: 'notifications.log.columns.event' },
  { labelKey: 'notifications.log.columns.recipient' },
  { labelKey: 'notifications.log.columns.status' },
  { labelKey: 'notifications.log.columns.attempts' },
  { labelKey: 'notifications.log.columns.reason' },
];
