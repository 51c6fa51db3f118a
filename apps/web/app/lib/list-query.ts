import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { computed } from 'vue';

/**
 * Paging, search, sort and filters of a server-paged table, kept in the URL query so a table view can
 * be linked, reloaded and navigated back to. Values equal to their defaults are left out of the URL.
 */
export interface ListQuerySpec<S extends string = string, F extends string = string> {
  sorts: readonly S[];
  defaultSort: S;
  defaultOrder?: SortOrder;
  pageSize?: number;
  /** Names of free-form filters (ids, enum codes) passed on to the API as they are. */
  filters?: readonly F[];
}

export type SortOrder = 'asc' | 'desc';

export interface ListQueryState<S extends string = string, F extends string = string> {
  page: number;
  pageSize: number;
  search: string;
  sort: S;
  order: SortOrder;
  filters: Partial<Record<F, string>>;
}

export const DEFAULT_LIST_PAGE_SIZE = 30;
const MAX_PAGE = 100_000;

function first(value: LocationQuery[string] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

export function readListQuery<S extends string, F extends string>(query: LocationQuery, spec: ListQuerySpec<S, F>): ListQueryState<S, F> {
  const page = Number(first(query.page));
  const sort = first(query.sort);
  const order = first(query.order);
  const filters: Partial<Record<F, string>> = {};
  for (const name of spec.filters ?? []) {
    const value = first(query[name])?.trim();
    if (value) filters[name] = value;
  }
  return {
    page: Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1,
    pageSize: spec.pageSize ?? DEFAULT_LIST_PAGE_SIZE,
    search: (first(query.q) ?? '').trim().slice(0, 100),
    sort: sort && (spec.sorts as readonly string[]).includes(sort) ? (sort as S) : spec.defaultSort,
    order: order === 'asc' || order === 'desc' ? order : (spec.defaultOrder ?? 'asc'),
    filters,
  };
}

/** The URL query of a state: only what differs from the defaults. */
export function writeListQuery<S extends string, F extends string>(
  state: ListQueryState<S, F>,
  spec: ListQuerySpec<S, F>,
): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.page > 1) query.page = String(state.page);
  if (state.search) query.q = state.search;
  if (state.sort !== spec.defaultSort) query.sort = state.sort;
  if (state.order !== (spec.defaultOrder ?? 'asc')) query.order = state.order;
  for (const name of spec.filters ?? []) {
    const value = state.filters[name];
    if (value) query[name] = value;
  }
  return query;
}

/** The API's query parameters (pageQueryShape of the API plus the filters). */
export function listApiQuery<S extends string, F extends string>(state: ListQueryState<S, F>): Record<string, string | number> {
  const query: Record<string, string | number> = { page: state.page, pageSize: state.pageSize, sort: state.sort, order: state.order };
  if (state.search) query.search = state.search;
  for (const [name, value] of Object.entries(state.filters) as [string, string | undefined][]) if (value) query[name] = value;
  return query;
}

/** Next state when a column header is activated: a new column starts ascending, the same column flips. */
export function toggleSort<S extends string, F extends string>(state: ListQueryState<S, F>, sort: S): ListQueryState<S, F> {
  const order: SortOrder = state.sort === sort && state.order === 'asc' ? 'desc' : 'asc';
  return { ...state, sort, order, page: 1 };
}

interface RouteLike {
  query: LocationQuery;
}
interface RouterLike {
  replace(to: { query: LocationQueryRaw }): Promise<unknown>;
}

/**
 * Binds a list's state to the route: reading comes from the query, every change replaces the query
 * (keeping parameters that are not the list's, such as a tab), and search or filter changes go back to page 1.
 */
export function bindListQuery<S extends string, F extends string>(route: RouteLike, router: RouterLike, spec: ListQuerySpec<S, F>) {
  const state = computed(() => readListQuery(route.query, spec));
  const own = new Set(['page', 'q', 'sort', 'order', ...(spec.filters ?? [])]);

  function commit(next: ListQueryState<S, F>) {
    const kept = Object.fromEntries(Object.entries(route.query).filter(([key]) => !own.has(key)));
    return router.replace({ query: { ...kept, ...writeListQuery(next, spec) } });
  }

  return {
    state,
    apiQuery: computed(() => listApiQuery(state.value)),
    setPage: (page: number) => commit({ ...state.value, page }),
    setSearch: (search: string) => commit({ ...state.value, search: search.trim(), page: 1 }),
    setFilter: (name: F, value: string | null | undefined) =>
      commit({ ...state.value, filters: { ...state.value.filters, [name]: value || undefined }, page: 1 }),
    /** Several filters in one navigation (two setFilter calls in a row would each start from the old URL). */
    setFilters: (values: Partial<Record<F, string | null | undefined>>) =>
      commit({
        ...state.value,
        filters: { ...state.value.filters, ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v || undefined])) },
        page: 1,
      }),
    sortBy: (sort: S) => commit(toggleSort(state.value, sort)),
    /** Direction of a column when the table is sorted by it, else null (for the header's aria-sort). */
    directionOf: (sort: S) => (state.value.sort === sort ? state.value.order : null),
  };
}

/** One page of a server-paged list, as every list route of the API answers it. */
export interface PagedList<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
