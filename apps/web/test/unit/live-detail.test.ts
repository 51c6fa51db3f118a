import { describe, expect, it } from 'vitest';
import {
  isLiveOrder,
  liveReadingsApiQuery,
  liveReadingsPollQuery,
  readLiveReadingsQuery,
  sortedState,
  writeLiveReadingsQuery,
} from '~/composables/useLiveReadingsQuery';
import { readingConcerns, staleKeys } from '~/lib/live-detail';

const METER = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const SUB = '33333333-3333-4333-8333-333333333333';

describe('live detail pages (issue 21)', () => {
  it('takes a reading of the meter, or booked to the subscription, and nothing else', () => {
    expect(readingConcerns({ meterId: METER, subscriptionId: null }, { id: METER, meterIds: [METER] })).toBe(true);
    expect(readingConcerns({ meterId: OTHER, subscriptionId: null }, { id: METER, meterIds: [METER] })).toBe(false);
    expect(readingConcerns({ meterId: OTHER, subscriptionId: SUB }, { id: SUB, meterIds: [], subscriptionId: SUB })).toBe(true);
    expect(readingConcerns({ meterId: null, subscriptionId: null }, { id: SUB, meterIds: [], subscriptionId: SUB })).toBe(false);
    expect(readingConcerns({ meterId: null, subscriptionId: OTHER }, { id: SUB, meterIds: [], subscriptionId: SUB })).toBe(false);
  });

  it('refetches the record, its consumption and readings, not other pages’ data', () => {
    const keys = [
      `assets:meter:${METER}`,
      `assets:consumption:meters:${METER}:{"interval":"day"}`,
      `assets:readings:meters:${METER}:1`,
      `meter-data:revisions:${METER}:2025-12-01T00:00:00.000Z`,
      `assets:meter:${OTHER}`,
      'readings-meter-brands',
      `session:${METER}`,
    ];
    expect(staleKeys(keys, { id: METER, meterIds: [METER] })).toEqual(keys.slice(0, 4));
    expect(staleKeys(keys, { id: SUB, meterIds: [], subscriptionId: SUB })).toEqual([]);
  });
});

describe('live table search and sort in the URL (issue 21)', () => {
  it('reads and writes the search, sort and order, dropping what the API would refuse', () => {
    const state = readLiveReadingsQuery({ q: ' Işık ', sort: 'battery', order: 'asc' });
    expect(state).toMatchObject({ page: 1, search: 'Işık', sort: 'battery', order: 'asc' });
    expect(writeLiveReadingsQuery(state)).toEqual({ q: 'Işık', sort: 'battery', order: 'asc' });
    expect(readLiveReadingsQuery({ sort: 'customer', order: 'up' })).toEqual({ page: 1 });
    expect(readLiveReadingsQuery({ q: 'x'.repeat(150) }).search).toHaveLength(100);
    expect(readLiveReadingsQuery({ q: 'a\0b' }).search).toBe('ab');
  });

  it('asks the API for the search and a sort, but polls for new readings newest first', () => {
    const state = { page: 1, search: 'yilmaz', sort: 'consumption' as const, order: 'desc' as const, from: '2025-12-01T00:00:00.000Z' };
    expect(liveReadingsApiQuery(state, null)).toMatchObject({ search: 'yilmaz', sort: 'consumption', order: 'desc' });
    const poll = liveReadingsPollQuery(state, null, '2025-12-01T10:00:00.000Z');
    expect(poll).toMatchObject({ search: 'yilmaz' });
    expect(poll).not.toHaveProperty('sort');
    expect(liveReadingsApiQuery({ page: 1 }, null)).not.toHaveProperty('sort');
    expect(isLiveOrder({})).toBe(true);
    expect(isLiveOrder({ sort: 'time', order: 'asc' })).toBe(false);
  });

  it('flips the order on the same column and bounds a value sort to the last day', () => {
    const now = Date.parse('2025-12-02T12:00:00.000Z');
    const byIndex = sortedState({ page: 3, until: '2025-12-02T11:00:00.000Z' }, 'index', now);
    expect(byIndex).toMatchObject({ page: 1, sort: 'index', order: 'desc', from: '2025-12-01T12:00:00.000Z' });
    expect(byIndex.until).toBeUndefined();
    expect(sortedState(byIndex, 'index', now).order).toBe('asc');
    // A range of a day or less is kept.
    const day = { page: 1, from: '2025-12-01T00:00:00.000Z', to: '2025-12-01T20:00:00.000Z' };
    expect(sortedState(day, 'battery', now)).toMatchObject({ from: day.from, to: day.to });
    // Time is the default order, newest first: clicking it shows the oldest first; from a value sort, newest first.
    expect(sortedState({ page: 1 }, 'time', now)).toMatchObject({ sort: 'time', order: 'asc' });
    expect(sortedState(byIndex, 'time', now)).toMatchObject({ sort: 'time', order: 'desc', from: byIndex.from });
  });
});
