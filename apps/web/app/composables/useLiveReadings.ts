import type { LiveTableState } from '~/composables/useLiveBuffer';
import type { LiveReadingsState, LiveSort } from '~/composables/useLiveReadingsQuery';
import type { ApiSchema } from '~/lib/api-client';
import { applyPoll, compareReadings, createCoalescer, flushPending, liveTable, pollFrom, readingKey } from '~/composables/useLiveBuffer';
import {
  inLiveRange,
  isLiveOrder,
  LIVE_PAGE_SIZE,
  liveReadingsApiQuery,
  liveReadingsPollQuery,
  readLiveReadingsQuery,
  sortedState,
  writeLiveReadingsQuery,
} from '~/composables/useLiveReadingsQuery';
import { unwrap } from '~/lib/api-client';
import { buildTenantTree, flattenTenantTree } from '~/lib/tenant-tree';
import { useLiveStore } from '~/stores/live';
import { useSessionStore } from '~/stores/session';

/** One page of GET /api/readings/live: total counts up to 10,000 (then totalCapped). */
export type LiveReadingPage = ApiSchema<'LiveReadingPageDto'>;
export type LiveReading = LiveReadingPage['items'][number];

/** How long a row that arrived live stays highlighted. */
const HIGHLIGHT_MS = 4_000;
/** While paused (no socket), how often the waiting readings are counted for the "N waiting" line. */
const PAUSED_COUNT_MS = 30_000;

/**
 * The Live Readings table (brief 2.2): the page and filters of the URL fetched server-side, new
 * readings from 'reading.created' at the top of page 1 while the user just watches, or counted
 * behind a button while the user holds the table (`holding`: hovered, scrolled, focused).
 */
export function useLiveReadings(holding: MaybeRefOrGetter<boolean>) {
  const { $api } = useNuxtApp();
  const route = useRoute();
  const router = useRouter();
  const session = useSessionStore();
  const live = useLive();

  // A tenant of the URL counts only inside the selected tenant's subtree (the user may have switched).
  const selectedScope = useLiveScope(() => session.selectedTenantId);
  const state = computed<LiveReadingsState>(() => {
    const read = readLiveReadingsQuery(route.query);
    if (read.tenantId && !selectedScope.value.has(read.tenantId)) delete read.tenantId;
    return read;
  });
  const apiQuery = computed(() => liveReadingsApiQuery(state.value, session.selectedTenantId));
  const scope = useLiveScope(() => state.value.tenantId ?? session.selectedTenantId);

  const { data, error, status, refresh } = useAsyncData(
    () => `readings-live:${JSON.stringify(apiQuery.value)}`,
    async () => unwrap(await $api.GET('/api/readings/live', { params: { query: apiQuery.value } })),
  );

  // Live changes apply to the page they were made on; a new page (or SSR) starts from the fetched one.
  const changed = shallowRef<{ source: LiveReadingPage; state: LiveTableState<LiveReading> } | null>(null);
  const table = computed<LiveTableState<LiveReading>>(() => {
    const page = data.value;
    if (changed.value && page && changed.value.source === page) return changed.value.state;
    return liveTable(page?.items ?? [], page?.total ?? null, page?.totalCapped ?? false);
  });
  function setTable(state: LiveTableState<LiveReading>) {
    if (data.value) changed.value = { source: data.value, state };
  }

  /** Rows that just arrived, by key, for the highlight. */
  const fresh = ref(new Set<string>());
  const timers = new Set<ReturnType<typeof setTimeout>>();
  function highlight(rows: LiveReading[]) {
    if (!rows.length) return;
    const keys = rows.map(readingKey);
    fresh.value = new Set([...fresh.value, ...keys]);
    const timer = setTimeout(() => {
      timers.delete(timer);
      const next = new Set(fresh.value);
      for (const key of keys) next.delete(key);
      fresh.value = next;
    }, HIGHLIGHT_MS);
    timers.add(timer);
  }

  const deeperPage = computed(() => state.value.page > 1);
  const paused = computed(() => live.status.value === 'paused');
  // Another order than the live one, or paused: rows stay where they are and new ones are only counted.
  const held = computed(() => deeperPage.value || toValue(holding) || paused.value || !isLiveOrder(state.value));

  async function poll() {
    if (status.value === 'pending' || !data.value) return;
    // In another order the first row is not the newest: new readings are those after the page's newest.
    const newest = isLiveOrder(state.value) ? undefined : [...data.value.items].sort(compareReadings)[0]?.time;
    const anchor = deeperPage.value ? (state.value.until ?? data.value.items[0]?.time) : newest;
    const from = pollFrom(table.value, { anchor, filterFrom: state.value.from });
    const query = liveReadingsPollQuery(state.value, session.selectedTenantId, from);
    const key = JSON.stringify(apiQuery.value);
    const answer = unwrap(await $api.GET('/api/readings/live', { params: { query } }));
    // The user changed page or filters meanwhile: this answer is for another table.
    if (key !== JSON.stringify(apiQuery.value)) return;
    const result = applyPoll(
      table.value,
      { from, items: answer.items, total: answer.total, totalCapped: answer.totalCapped },
      { hold: held.value, pageSize: LIVE_PAGE_SIZE },
    );
    setTable(result.state);
    highlight(result.inserted);
  }
  const coalescer = createCoalescer(poll, { wait: 300, maxWait: 1_500 });

  if (import.meta.client) {
    live.on('reading.created', (event) => {
      if (!scope.value.has(event.tenantId) || !inLiveRange(state.value, event.time)) return;
      coalescer.trigger();
    });
    // Back after a gap (reconnect, resume): whatever arrived meanwhile is fetched once.
    live.onReady((resumed) => {
      if (resumed) coalescer.trigger();
    });
    // Paused by the user, the socket is closed: the waiting readings are counted now and then, so the page
    // can say how many (a hidden tab's pause counts nothing; it catches up when shown).
    const liveStore = useLiveStore();
    let pausedTimer: ReturnType<typeof setInterval> | null = null;
    watch(
      () => paused.value && liveStore.pausedByUser,
      (isPaused) => {
        if (pausedTimer) clearInterval(pausedTimer);
        pausedTimer = isPaused ? setInterval(() => coalescer.trigger(), PAUSED_COUNT_MS) : null;
        if (isPaused) coalescer.trigger();
      },
      { immediate: true },
    );
    onBeforeUnmount(() => {
      if (pausedTimer) clearInterval(pausedTimer);
      coalescer.stop();
      for (const timer of timers) clearTimeout(timer);
    });
  }

  // Letting go of the first page shows what waited.
  watch(held, (isHeld) => {
    if (isHeld || deeperPage.value || table.value.pendingCount === 0) return;
    showPending();
  });

  function showPending() {
    if (deeperPage.value) return goTo({ page: 1 });
    const result = flushPending(table.value, LIVE_PAGE_SIZE);
    setTable(result.state);
    highlight(result.inserted);
  }

  function goTo(next: Partial<LiveReadingsState>) {
    const merged: LiveReadingsState = { ...state.value, ...next };
    // Leaving page 1 pins the later pages to what was on screen (see LiveReadingsState.until).
    if (merged.page > 1 && !merged.until) merged.until = until();
    if (merged.page === 1) delete merged.until;
    return router.replace({ query: writeLiveReadingsQuery(merged) });
  }

  function until(): string | undefined {
    const top = table.value.rows[0]?.time;
    return top ? new Date(Date.parse(top) + 1).toISOString() : undefined;
  }

  /** New filters keep the time order (a value sort's range rule is the sort's, see sortedState). */
  function setFilters(filters: Pick<LiveReadingsState, 'tenantId' | 'brandId' | 'from' | 'to' | 'search'>) {
    const order = (state.value.sort ?? 'time') === 'time' ? state.value.order : undefined;
    return router.replace({ query: writeLiveReadingsQuery({ page: 1, search: state.value.search, ...filters, order }) });
  }

  function setSearch(search: string) {
    const { tenantId, brandId, from, to } = state.value;
    return setFilters({ tenantId, brandId, from, to, search: search || undefined });
  }

  function setSort(sort: LiveSort) {
    return router.replace({ query: writeLiveReadingsQuery(sortedState(state.value, sort, Date.now())) });
  }

  return {
    state,
    rows: computed(() => table.value.rows),
    total: computed(() => table.value.total),
    totalCapped: computed(() => table.value.totalCapped),
    pendingCount: computed(() => table.value.pendingCount),
    pendingCapped: computed(() => table.value.pendingCapped),
    fresh,
    held,
    paused,
    loading: computed(() => status.value === 'pending'),
    failed: computed(() => !!error.value),
    refresh,
    setPage: (page: number) => goTo({ page, until: page === 1 ? undefined : state.value.until }),
    setFilters,
    setSort,
    setSearch,
    showPending,
  };
}

/** i18n keys of the meter types the table's Type column shows (codes of apps/api definitions). */
export const READING_METER_TYPE_LABELS: Readonly<Record<string, string>> = {
  SINGLE_JET: 'readings.meterTypes.SINGLE_JET',
  MULTI_JET: 'readings.meterTypes.MULTI_JET',
  WOLTMAN_PARALLEL: 'readings.meterTypes.WOLTMAN_PARALLEL',
  WOLTMAN_VERTICAL: 'readings.meterTypes.WOLTMAN_VERTICAL',
  VOLUMETRIC: 'readings.meterTypes.VOLUMETRIC',
  ULTRASONIC: 'readings.meterTypes.ULTRASONIC',
  ELECTROMAGNETIC: 'readings.meterTypes.ELECTROMAGNETIC',
  COMPOUND: 'readings.meterTypes.COMPOUND',
  IRRIGATION: 'readings.meterTypes.IRRIGATION',
};

export interface FilterOption {
  id: string;
  name: string;
  /** Indentation in a tenant tree. */
  level?: number;
}

/** Options of the table's filters: the tenants of the selected subtree and the brands of their meters. */
export function useLiveReadingsFilterOptions() {
  const { $api } = useNuxtApp();
  const session = useSessionStore();
  const scope = useLiveScope(() => session.selectedTenantId);

  const tenants = computed<FilterOption[]>(() =>
    flattenTenantTree(buildTenantTree(session.tenants))
      .filter((row) => scope.value.has(row.tenant.id))
      .map((row) => ({ id: row.tenant.id, name: row.tenant.name, level: row.level })),
  );

  // Only brands of meters the user sees in live readings (issue 21), asked with the live readings right.
  const { data } = useAsyncData(
    () => `readings-meter-brands:${session.selectedTenantId ?? ''}`,
    async () => {
      const query = session.selectedTenantId ? { tenantId: session.selectedTenantId } : {};
      return unwrap(await $api.GET('/api/readings/live/brands', { params: { query } }));
    },
    { lazy: true },
  );
  const brands = computed<FilterOption[]>(() => (data.value?.items ?? []).map((b) => ({ id: b.id, name: b.name })));

  return { tenants, brands };
}
