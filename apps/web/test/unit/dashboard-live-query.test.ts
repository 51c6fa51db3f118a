import { describe, expect, it } from 'vitest';
import { tenantSubtree } from '~/composables/useLiveScope';
import {
  formatDateFilter,
  inLiveRange,
  liveReadingsApiQuery,
  liveReadingsPollQuery,
  parseDateFilter,
  readLiveReadingsQuery,
  writeLiveReadingsQuery,
} from '~/composables/useLiveReadingsQuery';

const TENANT = '8b840384-f7a7-484b-8e45-09d71a816aef';
const BRAND = 'af56b9a4-3e2d-4dd5-9f2e-ee35c5f21838';

describe('live readings URL state', () => {
  it('reads page and filters, dropping what is malformed', () => {
    expect(readLiveReadingsQuery({})).toEqual({ page: 1 });
    expect(readLiveReadingsQuery({ page: '0', tenant: 'x', brand: 'nope', from: 'yesterday', to: '08.12.2025 07:18' })).toEqual({
      page: 1,
    });
    expect(readLiveReadingsQuery({ from: '2026-11-01' })).toEqual({ page: 1 });
    expect(
      readLiveReadingsQuery({
        page: '3',
        tenant: TENANT.toUpperCase(),
        brand: BRAND,
        from: '2026-11-01T00:00:00+03:00',
        to: '2026-11-02T00:00:00+03:00',
        until: '2026-11-24T09:00:00.000Z',
      }),
    ).toEqual({
      page: 3,
      tenantId: TENANT,
      brandId: BRAND,
      from: '2026-10-31T21:00:00.000Z',
      to: '2026-11-01T21:00:00.000Z',
      until: '2026-11-24T09:00:00.000Z',
    });
  });

  it('drops a range that ends before it starts, and an anchor on the first page', () => {
    expect(readLiveReadingsQuery({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z', until: '2026-11-24T09:00:00Z' })).toEqual({
      page: 1,
      from: '2026-11-02T00:00:00.000Z',
    });
  });

  it('writes only what differs from the defaults, and round-trips', () => {
    expect(writeLiveReadingsQuery({ page: 1 })).toEqual({});
    const state = { page: 2, tenantId: TENANT, brandId: BRAND, from: '2026-10-31T21:00:00.000Z', until: '2026-11-24T09:00:00.000Z' };
    expect(readLiveReadingsQuery(writeLiveReadingsQuery(state))).toEqual(state);
  });

  it('asks the API for the page under the filters, the anchor capping the range', () => {
    expect(liveReadingsApiQuery({ page: 1 }, TENANT)).toEqual({ page: 1, pageSize: 30, tenantId: TENANT });
    expect(
      liveReadingsApiQuery({ page: 2, brandId: BRAND, until: '2026-11-24T09:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }, null),
    ).toEqual({
      page: 2,
      pageSize: 30,
      brandId: BRAND,
      to: '2026-11-24T09:00:00.000Z',
    });
  });

  it('polls the first page since a time, keeping the filters but not the anchor', () => {
    const state = { page: 4, tenantId: TENANT, from: '2026-11-24T00:00:00.000Z', until: '2026-11-24T09:00:00.000Z' };
    expect(liveReadingsPollQuery(state, 'other', '2026-11-24T09:00:00.000Z')).toEqual({
      page: 1,
      pageSize: 30,
      tenantId: TENANT,
      from: '2026-11-24T09:00:00.000Z',
    });
    // The user's own start wins when it is later.
    expect(liveReadingsPollQuery({ page: 1, from: '2026-11-24T10:00:00.000Z' }, null, '2026-11-24T09:00:00.000Z').from).toBe(
      '2026-11-24T10:00:00.000Z',
    );
    expect(liveReadingsPollQuery({ page: 1 }, null, undefined)).toEqual({ page: 1, pageSize: 30 });
  });

  it('tells whether a live reading can fall in the filtered range', () => {
    const state = { page: 1, from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' };
    expect(inLiveRange(state, '2026-11-24T09:00:00.000Z')).toBe(true);
    expect(inLiveRange(state, '2026-11-25T00:00:00.000Z')).toBe(false);
    expect(inLiveRange({ page: 1 }, '2030-01-01T00:00:00.000Z')).toBe(true);
  });
});

describe('date filter fields (Europe/Istanbul, DD.MM.YYYY)', () => {
  it('reads a day as its local start, or as the next local midnight for the end', () => {
    expect(parseDateFilter('01.11.2026', 'start')).toBe('2026-10-31T21:00:00.000Z');
    expect(parseDateFilter('01.11.2026', 'end')).toBe('2026-11-01T21:00:00.000Z');
    expect(parseDateFilter('1.11.2026', 'start')).toBe('2026-10-31T21:00:00.000Z');
  });

  it('reads a time, its whole minute or second included at the end', () => {
    expect(parseDateFilter('08.12.2025 07:18', 'start')).toBe('2025-12-08T04:18:00.000Z');
    expect(parseDateFilter('08.12.2025 07:18', 'end')).toBe('2025-12-08T04:19:00.000Z');
    expect(parseDateFilter('08.12.2025 07:18:55', 'end')).toBe('2025-12-08T04:18:56.000Z');
  });

  it('answers undefined when empty and null when unreadable or impossible', () => {
    expect(parseDateFilter('  ', 'start')).toBeUndefined();
    expect(parseDateFilter('2026-11-01', 'start')).toBeNull();
    expect(parseDateFilter('31.02.2026', 'start')).toBeNull();
    expect(parseDateFilter('01.11.2026 25:00', 'end')).toBeNull();
  });

  it('shows an instant back the way it was typed', () => {
    for (const [text, edge] of [
      ['01.11.2026', 'start'],
      ['01.11.2026', 'end'],
      ['08.12.2025 07:18:55', 'start'],
      ['08.12.2025 07:18:55', 'end'],
    ] as const) {
      expect(formatDateFilter(parseDateFilter(text, edge)!, edge)).toBe(text);
    }
    expect(formatDateFilter(parseDateFilter('08.12.2025 07:18', 'end')!, 'end')).toBe('08.12.2025 07:18:59');
  });
});

describe('tenant subtree', () => {
  const tenants = [
    { id: 'root', name: 'Una IoT', parentId: null },
    { id: 'aski', name: 'ASKİ', parentId: 'root' },
    { id: 'aski-north', name: 'ASKİ Kuzey', parentId: 'aski' },
    { id: 'hatsu', name: 'HATSU', parentId: 'root' },
  ];

  it('holds a tenant and everything below it', () => {
    expect([...tenantSubtree(tenants, 'aski')].sort()).toEqual(['aski', 'aski-north']);
    expect(tenantSubtree(tenants, 'root').size).toBe(4);
    expect([...tenantSubtree(tenants, 'hatsu')]).toEqual(['hatsu']);
  });

  it('holds every visible tenant without a root, and survives a cycle', () => {
    expect(tenantSubtree(tenants, null).size).toBe(4);
    const cyclic = [
      { id: 'a', name: 'a', parentId: 'b' },
      { id: 'b', name: 'b', parentId: 'a' },
    ];
    expect([...tenantSubtree(cyclic, 'a')].sort()).toEqual(['a', 'b']);
  });
});
