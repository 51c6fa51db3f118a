import type { LocationQuery } from 'vue-router';
import { formatDateTime, parseDateTime } from '@water/shared';

/**
 * The Live Readings table's state in the URL (page and filters), and the API queries built from it.
 * Pure functions, so links, reloads and the back button give the same table.
 */

/** Brief 2.2.1.1: 30 records per page. */
export const LIVE_PAGE_SIZE = 30;

export interface LiveReadingsState {
  page: number;
  /** A tenant of the selected tenant's subtree; absent: the selected tenant itself. */
  tenantId?: string;
  brandId?: string;
  /** ISO instants; `to` is exclusive. */
  from?: string;
  to?: string;
  /** Meter serial, subscription number or customer name (the API folds Turkish case). */
  search?: string;
  /** Absent: time, newest first (the live order). */
  sort?: LiveSort;
  order?: 'asc' | 'desc';
  /**
   * Pages after the first are read as they were when the user left page 1 (readings at or after this
   * instant are "new"), so rows do not shift between pages while readings keep arriving.
   */
  until?: string;
}

/** Sort keys of GET /api/readings/live; all but `time` need a range of at most a day (the API refuses more). */
export const LIVE_SORTS = ['time', 'index', 'consumption', 'battery', 'rssi', 'snr'] as const;
export type LiveSort = (typeof LIVE_SORTS)[number];
export const LIVE_VALUE_SORT_MAX_MS = 24 * 3_600_000;
export const LIVE_SEARCH_MAX = 100;

/** Whether the table shows the live order (time, newest first), where new readings go on top. */
export function isLiveOrder(state: Pick<LiveReadingsState, 'sort' | 'order'>): boolean {
  return (state.sort ?? 'time') === 'time' && (state.order ?? 'desc') === 'desc';
}

/**
 * The state after the user asks to sort by `sort`: the same column again flips the order; a reading
 * value without a range of at most a day gets the last 24 hours from `now` (the API reads every row
 * of the range for such a sort, so it refuses longer ones).
 */
export function sortedState(state: LiveReadingsState, sort: LiveSort, now: number): LiveReadingsState {
  const current = state.sort ?? 'time';
  const order: 'asc' | 'desc' = current === sort ? ((state.order ?? 'desc') === 'desc' ? 'asc' : 'desc') : 'desc';
  const next: LiveReadingsState = { ...state, page: 1, until: undefined, sort, order };
  if (sort === 'time') return next;
  const from = state.from ? Date.parse(state.from) : null;
  const to = state.to ? Date.parse(state.to) : now;
  if (from === null || to - from > LIVE_VALUE_SORT_MAX_MS) {
    next.from = new Date(now - LIVE_VALUE_SORT_MAX_MS).toISOString();
    delete next.to;
  }
  return next;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGE = 100_000;

function first(value: LocationQuery[string] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** ISO 8601 with a zone, as the URL carries instants (Date.parse alone reads too much, e.g. US dates). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function instant(value: string | undefined): string | undefined {
  if (!value || !ISO_INSTANT.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function readLiveReadingsQuery(query: LocationQuery): LiveReadingsState {
  const page = Number(first(query.page));
  const tenantId = first(query.tenant);
  const brandId = first(query.brand);
  const state: LiveReadingsState = { page: Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1 };
  if (tenantId && UUID.test(tenantId)) state.tenantId = tenantId.toLowerCase();
  if (brandId && UUID.test(brandId)) state.brandId = brandId.toLowerCase();
  const from = instant(first(query.from));
  const to = instant(first(query.to));
  if (from) state.from = from;
  if (to && (!from || Date.parse(to) > Date.parse(from))) state.to = to;
  const search = first(query.q);
  if (search) state.search = search.replaceAll('\0', '').slice(0, LIVE_SEARCH_MAX);
  const sort = first(query.sort);
  if (sort && (LIVE_SORTS as readonly string[]).includes(sort) && sort !== 'time') state.sort = sort as LiveSort;
  const order = first(query.order);
  if (order === 'asc' || (order === 'desc' && state.sort)) state.order = order;
  const until = instant(first(query.until));
  if (until && state.page > 1) state.until = until;
  return state;
}

export function writeLiveReadingsQuery(state: LiveReadingsState): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.page > 1) query.page = String(state.page);
  if (state.tenantId) query.tenant = state.tenantId;
  if (state.brandId) query.brand = state.brandId;
  if (state.from) query.from = state.from;
  if (state.to) query.to = state.to;
  if (state.search) query.q = state.search;
  if (state.sort && state.sort !== 'time') query.sort = state.sort;
  if (state.order && !isLiveOrder(state)) query.order = state.order;
  if (state.until && state.page > 1) query.until = state.until;
  return query;
}

function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** GET /api/readings/live query of the page on screen. */
export function liveReadingsApiQuery(state: LiveReadingsState, selectedTenantId: string | null): Record<string, string | number> {
  const query: Record<string, string | number> = { page: state.page, pageSize: LIVE_PAGE_SIZE };
  const tenantId = state.tenantId ?? selectedTenantId;
  if (tenantId) query.tenantId = tenantId;
  if (state.brandId) query.brandId = state.brandId;
  if (state.from) query.from = state.from;
  const to = earlier(state.to, state.until);
  if (to) query.to = to;
  if (state.search) query.search = state.search;
  if (!isLiveOrder(state)) {
    query.sort = state.sort ?? 'time';
    query.order = state.order ?? 'desc';
  }
  return query;
}

/** The query asking for the newest readings since `from` under the same filters (first page only). */
export function liveReadingsPollQuery(
  state: LiveReadingsState,
  selectedTenantId: string | null,
  from: string | undefined,
): Record<string, string | number> {
  // New readings are the newest ones, whatever order the table shows.
  const { page: _page, until: _until, sort: _sort, order: _order, ...filters } = state;
  const query = liveReadingsApiQuery({ ...filters, page: 1 }, selectedTenantId);
  if (from) query.from = from;
  else delete query.from;
  if (state.from && (!from || Date.parse(state.from) > Date.parse(from))) query.from = state.from;
  return query;
}

/** Whether a reading at `time` can belong to the filtered table at all (the tenant is checked apart). */
export function inLiveRange(state: LiveReadingsState, time: string): boolean {
  const t = Date.parse(time);
  if (state.from && t < Date.parse(state.from)) return false;
  if (state.to && t >= Date.parse(state.to)) return false;
  return true;
}

// ─── Date filter fields: DD.MM.YYYY [HH:mm[:ss]] in the display time zone ──────────

export type DateEdge = 'start' | 'end';

/**
 * Parses what the user typed into a date field to an ISO instant. A date alone means the start of the
 * day (`start`) or its end (`end`: the next midnight, as `to` is exclusive); a time without seconds
 * means its whole minute at the end. Empty gives undefined, anything unreadable null.
 */
export function parseDateFilter(text: string, edge: DateEdge): string | undefined | null {
  const value = text.trim();
  if (!value) return undefined;
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  if (!m) return null;
  const pad = (s: string | undefined) => (s ?? '00').padStart(2, '0');
  const hasTime = m[4] !== undefined;
  const hasSeconds = m[6] !== undefined;
  const parsed = parseDateTime(`${pad(m[1])}.${pad(m[2])}.${m[3]} ${pad(m[4])}:${pad(m[5])}:${pad(m[6])}`);
  if (!parsed) return null;
  if (edge === 'start') return parsed.toISOString();
  if (!hasTime) {
    // The next local midnight, found by parsing (a day is not always 24 h where DST applies).
    const next = new Date(parsed.getTime() + 36 * 3_600_000);
    const [day] = formatDateTime(next).split(' ');
    return parseDateTime(`${day} 00:00:00`)!.toISOString();
  }
  return new Date(parsed.getTime() + (hasSeconds ? 1_000 : 60_000)).toISOString();
}

/** Shows a filter instant in its field: the inverse of parseDateFilter, a date alone when it is a whole day. */
export function formatDateFilter(iso: string | undefined, edge: DateEdge): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  if (edge === 'start') {
    const text = formatDateTime(ms);
    return text.endsWith(' 00:00:00') ? text.slice(0, 10) : text;
  }
  const midnight = formatDateTime(ms).endsWith(' 00:00:00');
  if (midnight) return formatDateTime(ms - 1_000).slice(0, 10);
  return formatDateTime(ms - 1_000);
}
