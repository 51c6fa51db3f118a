import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyPoll, compareReadings, createCoalescer, flushPending, liveTable, pollFrom, readingKey } from '~/composables/useLiveBuffer';

interface Row {
  time: string;
  deviceId: string;
}

const at = (second: number, device = 'd1'): Row => ({
  time: new Date(Date.UTC(2026, 10, 24, 9, 0, second)).toISOString(),
  deviceId: device,
});
/** Rows newest first, as a page of the API. */
const page = (...seconds: number[]) => seconds.map((s) => at(s)).sort(compareReadings);

describe('live readings buffer', () => {
  it('orders newest first, then by device id descending, like the API', () => {
    const rows = [at(1, 'a'), at(2, 'a'), at(1, 'b')].sort(compareReadings);
    expect(rows.map(readingKey)).toEqual([readingKey(at(2, 'a')), readingKey(at(1, 'b')), readingKey(at(1, 'a'))]);
  });

  it('asks for rows since the newest on screen, never before the user’s own from filter', () => {
    const state = liveTable(page(30, 20, 10), 3);
    expect(pollFrom(state)).toBe(at(30).time);
    expect(pollFrom(state, { filterFrom: at(40).time })).toBe(at(40).time);
    expect(pollFrom(state, { filterFrom: at(5).time })).toBe(at(30).time);
    expect(pollFrom(state, { anchor: at(50).time })).toBe(at(50).time);
    expect(pollFrom(liveTable([], 0))).toBeUndefined();
  });

  it('inserts new rows at the top while live, keeping the page size and counting the total', () => {
    const state = liveTable(page(30, 20, 10), 100);
    const { state: next, inserted } = applyPoll(
      state,
      { from: at(30).time, items: page(40, 35, 30), total: 3 },
      { hold: false, pageSize: 3 },
    );
    expect(inserted.map((r) => r.time)).toEqual([at(40).time, at(35).time]);
    expect(next.rows.map((r) => r.time)).toEqual([at(40).time, at(35).time, at(30).time]);
    expect(next.total).toBe(102);
    expect(next.pendingCount).toBe(0);
  });

  it('holds new rows behind a count while the user reads, without moving the rows', () => {
    const state = liveTable(page(30, 20, 10), 100);
    const { state: held, inserted } = applyPoll(
      state,
      { from: at(30).time, items: page(40, 35, 30), total: 3 },
      { hold: true, pageSize: 3 },
    );
    expect(inserted).toEqual([]);
    expect(held.rows).toBe(state.rows);
    expect(held.pendingCount).toBe(2);
    expect(held.total).toBe(100);
  });

  it('gives the same count when asked twice (idempotent polls)', () => {
    const state = liveTable(page(30, 20, 10), 100);
    const poll = { from: at(30).time, items: page(40, 35, 30), total: 3 };
    const once = applyPoll(state, poll, { hold: true, pageSize: 3 }).state;
    const twice = applyPoll(once, poll, { hold: true, pageSize: 3 }).state;
    expect(twice.pendingCount).toBe(2);
    expect(twice.pending.map(readingKey)).toEqual(once.pending.map(readingKey));
  });

  it('counts beyond one page from the total while holding', () => {
    const state = liveTable(page(30, 20, 10), 100);
    // 50 readings since :30 plus the row at :30 itself; the answer carries the newest 3.
    const { state: held } = applyPoll(state, { from: at(30).time, items: page(59, 58, 57), total: 51 }, { hold: true, pageSize: 3 });
    expect(held.pendingCount).toBe(50);
    expect(held.pending).toHaveLength(3);
  });

  it('shows what waited on release: the newest page, the total grown by the count', () => {
    const state = liveTable(page(30, 20, 10), 100);
    const { state: held } = applyPoll(state, { from: at(30).time, items: page(59, 58, 57), total: 51 }, { hold: true, pageSize: 3 });
    const { state: shown, inserted } = flushPending(held, 3);
    expect(shown.rows.map((r) => r.time)).toEqual([at(59).time, at(58).time, at(57).time]);
    expect(inserted).toHaveLength(3);
    expect(shown.total).toBe(150);
    expect(shown.pendingCount).toBe(0);
    expect(flushPending(shown, 3).inserted).toEqual([]);
  });

  it('counts everything since the anchor on a deeper page', () => {
    // Page 2 shows older rows; the anchor is when page 1 was left.
    const state = liveTable(page(5, 4, 3), 100);
    const { state: held } = applyPoll(state, { from: at(30).time, items: page(33, 32, 31), total: 7 }, { hold: true, pageSize: 3 });
    expect(held.pendingCount).toBe(7);
  });

  it('keeps a capped total as a lower bound, and says when the new rows are more than counted', () => {
    const state = liveTable(page(30, 20, 10), 10_000, true);
    const live = applyPoll(state, { from: at(30).time, items: page(40, 30), total: 2 }, { hold: false, pageSize: 3 }).state;
    expect(live.total).toBe(10_000);
    expect(live.totalCapped).toBe(true);

    const held = applyPoll(
      state,
      { from: at(30).time, items: page(59, 58, 57), total: 10_000, totalCapped: true },
      { hold: true, pageSize: 3 },
    ).state;
    expect(held.pendingCount).toBe(9_999);
    expect(held.pendingCapped).toBe(true);
    const uncapped = flushPending(
      applyPoll(
        liveTable(page(30, 20, 10), 100),
        { from: at(30).time, items: page(59, 58, 57), total: 10_000, totalCapped: true },
        { hold: true, pageSize: 3 },
      ).state,
      3,
    ).state;
    expect(uncapped.total).toBe(10_099);
    expect(uncapped.totalCapped).toBe(true);
  });

  it('treats every row as new in an empty table', () => {
    const { state, inserted } = applyPoll(
      liveTable<Row>([], 0),
      { from: undefined, items: page(2, 1), total: 2 },
      { hold: false, pageSize: 30 },
    );
    expect(inserted).toHaveLength(2);
    expect(state.total).toBe(2);
  });

  it('ignores rows already on screen and rows older than the top', () => {
    const state = liveTable(page(30, 20, 10), 3);
    const { inserted, state: next } = applyPoll(state, { from: at(30).time, items: page(30), total: 1 }, { hold: false, pageSize: 3 });
    expect(inserted).toEqual([]);
    expect(next.rows).toBe(state.rows);
    expect(next.total).toBe(3);
  });

  it('adds a row of the same second from another device', () => {
    const state = liveTable([at(30, 'a')], 1);
    const { inserted } = applyPoll(state, { from: at(30).time, items: [at(30, 'b'), at(30, 'a')], total: 2 }, { hold: false, pageSize: 3 });
    expect(inserted).toEqual([at(30, 'b')]);
  });
});

describe('poll coalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once after a burst, and at least every maxWait while it lasts', async () => {
    const task = vi.fn();
    const coalescer = createCoalescer(task, { wait: 300, maxWait: 1_000 });
    for (let i = 0; i < 5; i++) {
      coalescer.trigger();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(task).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(task).toHaveBeenCalledTimes(1);

    for (let i = 0; i < 12; i++) {
      coalescer.trigger();
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(task.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('never runs twice at once: a trigger during a run schedules one more run', async () => {
    let release!: () => void;
    let running = 0;
    let maxRunning = 0;
    const task = vi.fn(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => (release = resolve));
      running--;
    });
    const coalescer = createCoalescer(task, { wait: 10, maxWait: 10 });
    coalescer.trigger();
    await vi.advanceTimersByTimeAsync(10);
    coalescer.trigger();
    await vi.advanceTimersByTimeAsync(50);
    expect(task).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(20);
    expect(task).toHaveBeenCalledTimes(2);
    release();
    await vi.advanceTimersByTimeAsync(20);
    expect(maxRunning).toBe(1);
  });

  it('does nothing after stop', async () => {
    const task = vi.fn();
    const coalescer = createCoalescer(task, { wait: 10, maxWait: 10 });
    coalescer.trigger();
    coalescer.stop();
    coalescer.trigger();
    await vi.advanceTimersByTimeAsync(50);
    expect(task).not.toHaveBeenCalled();
  });
});
