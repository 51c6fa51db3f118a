/**
 * The Live Readings table's buffer (brief 2.2), as pure functions over an immutable state:
 * new readings go to the top of page 1 while the user just watches, and wait behind an
 * "N new readings" button while the user is reading the table (hovered, scrolled, another page).
 *
 * New rows are found by asking the API for the newest rows since a time (`from`): its answer
 * carries the newest rows and the count since that time, so the count stays exact even when more
 * readings arrived than one page holds, and asking twice changes nothing.
 */

/** What the buffer needs of a row: the table's order is time, then device id, both descending. */
export interface LiveRowLike {
  time: string;
  deviceId: string;
}

export interface LiveTableState<T extends LiveRowLike> {
  /** Rows on screen, newest first. */
  rows: T[];
  /** Rows matching the filters (page total); null when unknown. */
  total: number | null;
  /** The API stopped counting: there are more than `total` rows. */
  totalCapped: boolean;
  /** Newest rows that arrived while the table was held, newest first, at most a page. */
  pending: T[];
  /** How many rows arrived while held (may exceed pending.length). */
  pendingCount: number;
  /** More than pendingCount arrived (the API's count stopped). */
  pendingCapped: boolean;
}

/** One answer of GET /api/readings/live?from=… (page 1). */
export interface LivePoll<T extends LiveRowLike> {
  from: string | undefined;
  items: T[];
  total: number | null;
  totalCapped?: boolean;
}

export function readingKey(row: LiveRowLike): string {
  return `${row.time}_${row.deviceId}`;
}

/** Newest first, as the API orders: time descending, then device id descending. */
export function compareReadings(a: LiveRowLike, b: LiveRowLike): number {
  const ta = Date.parse(a.time);
  const tb = Date.parse(b.time);
  if (ta !== tb) return tb - ta;
  return a.deviceId < b.deviceId ? 1 : a.deviceId > b.deviceId ? -1 : 0;
}

export function liveTable<T extends LiveRowLike>(rows: T[], total: number | null, totalCapped = false): LiveTableState<T> {
  return { rows, total, totalCapped, pending: [], pendingCount: 0, pendingCapped: false };
}

/** A total grown by new rows; a capped total stays as it is (it is already a lower bound). */
function grown(
  state: LiveTableState<LiveRowLike>,
  added: number,
  capped: boolean,
): Pick<LiveTableState<LiveRowLike>, 'total' | 'totalCapped'> {
  if (state.total === null || state.totalCapped) return { total: state.total, totalCapped: state.totalCapped };
  return { total: state.total + added, totalCapped: capped };
}

/**
 * The time to ask new rows from: the newest row on screen (or an anchor such as the moment a deeper
 * page was opened), never before the user's own `from` filter.
 */
export function pollFrom(state: LiveTableState<LiveRowLike>, opts: { anchor?: string; filterFrom?: string } = {}): string | undefined {
  const base = opts.anchor ?? state.rows[0]?.time;
  if (!base) return opts.filterFrom;
  if (!opts.filterFrom) return base;
  return Date.parse(opts.filterFrom) > Date.parse(base) ? opts.filterFrom : base;
}

function mergeNewest<T extends LiveRowLike>(a: T[], b: T[], limit: number): T[] {
  const byKey = new Map<string, T>();
  for (const row of [...a, ...b]) byKey.set(readingKey(row), row);
  return [...byKey.values()].sort(compareReadings).slice(0, limit);
}

/**
 * Applies a poll. Rows newer than the newest row on screen are new; the count of new rows is the
 * poll's total minus the rows on screen that fall in its window (those at the newest time).
 * Held: they wait in `pending`. Live: they are inserted at the top and the page keeps its size.
 */
export function applyPoll<T extends LiveRowLike>(
  state: LiveTableState<T>,
  poll: LivePoll<T>,
  opts: { hold: boolean; pageSize: number },
): { state: LiveTableState<T>; inserted: T[] } {
  const top = state.rows[0];
  const known = new Set(state.rows.map(readingKey));
  const fresh = poll.items.filter((row) => !known.has(readingKey(row)) && (!top || compareReadings(row, top) < 0));
  const from = poll.from ? Date.parse(poll.from) : null;
  const inWindow = from === null ? state.rows.length : state.rows.filter((row) => Date.parse(row.time) >= from).length;
  const newCount = poll.total === null ? fresh.length : Math.max(fresh.length, poll.total - inWindow);

  if (opts.hold) {
    const pending = mergeNewest(state.pending, fresh, opts.pageSize);
    return {
      state: { ...state, pending, pendingCount: Math.max(newCount, pending.length), pendingCapped: !!poll.totalCapped },
      inserted: [],
    };
  }
  if (fresh.length === 0) return { state: { ...state, pending: [], pendingCount: 0, pendingCapped: false }, inserted: [] };
  return {
    state: {
      rows: mergeNewest(state.rows, fresh, opts.pageSize),
      ...grown(state, newCount, !!poll.totalCapped),
      pending: [],
      pendingCount: 0,
      pendingCapped: false,
    },
    inserted: fresh,
  };
}

/** Shows what waited: the pending rows go to the top (they are the newest), the page keeps its size. */
export function flushPending<T extends LiveRowLike>(
  state: LiveTableState<T>,
  pageSize: number,
): { state: LiveTableState<T>; inserted: T[] } {
  if (state.pendingCount === 0 && state.pending.length === 0) return { state, inserted: [] };
  return {
    state: {
      rows: mergeNewest(state.rows, state.pending, pageSize),
      ...grown(state, state.pendingCount, state.pendingCapped),
      pending: [],
      pendingCount: 0,
      pendingCapped: false,
    },
    inserted: state.pending,
  };
}

/**
 * Runs `task` after a burst of triggers: `wait` ms after the last one, but at least every `maxWait`
 * ms while they keep coming, never twice at once (a trigger during a run schedules one more run).
 */
export function createCoalescer(task: () => Promise<void> | void, opts: { wait: number; maxWait: number }) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let firstAt: number | null = null;
  let running = false;
  let again = false;
  let stopped = false;

  async function run() {
    timer = null;
    firstAt = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } catch {
      // the task reports its own failures; the next trigger simply tries again
    } finally {
      running = false;
      if (again && !stopped) {
        again = false;
        trigger();
      }
    }
  }

  function trigger() {
    if (stopped) return;
    const now = Date.now();
    firstAt ??= now;
    if (timer) clearTimeout(timer);
    const delay = Math.max(0, Math.min(opts.wait, firstAt + opts.maxWait - now));
    timer = setTimeout(run, delay);
  }

  function cancel() {
    if (timer) clearTimeout(timer);
    timer = null;
    firstAt = null;
    again = false;
  }

  return {
    trigger,
    cancel,
    stop() {
      stopped = true;
      cancel();
    },
    get pending() {
      return timer !== null || running;
    },
  };
}
