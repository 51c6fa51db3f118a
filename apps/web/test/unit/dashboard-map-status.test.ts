import type { MapMarker } from '~/composables/useMap';
import { describe, expect, it } from 'vitest';
import { summaryAfterReading, type DashboardSummary } from '~/composables/useDashboardSummary';
import { usageAfterReading } from '~/composables/useDashboardUsage';
import { markerAfterReading, pointBox } from '~/composables/useMap';
import { countByStatus, statusOfAlarm, statusOfReasons, statusRank, worstStatus } from '~/composables/useMapStatus';

function makeMarker(overrides: Partial<MapMarker> = {}): MapMarker {
  return {
    subscriptionId: 's1',
    subscriptionNo: 'ASK-000001',
    tenantId: 't1',
    lat: 39.9,
    lng: 32.8,
    status: 'GREEN',
    reasons: [],
    customerName: 'Ece Acar',
    meterSerialNo: 'M1',
    lastReadingAt: '2026-11-24T06:00:00.000Z',
    todayM3: 0.5,
    district: 'Çankaya',
    neighborhood: 'Kızılay Mahallesi',
    ...overrides,
  };
}

describe('map status priority', () => {
  it('ranks red over orange over grey over green', () => {
    expect(['GREEN', 'GREY', 'RED', 'ORANGE'].sort((a, b) => statusRank(a) - statusRank(b))).toEqual(['RED', 'ORANGE', 'GREY', 'GREEN']);
    expect(statusRank('UNKNOWN')).toBeGreaterThan(statusRank('GREEN'));
  });

  it('paints a cluster with the most urgent colour inside it', () => {
    expect(worstStatus(['GREEN', 'GREY', 'GREEN'])).toBe('GREY');
    expect(worstStatus(['GREEN', 'ORANGE', 'GREY'])).toBe('ORANGE');
    expect(worstStatus(['GREEN', 'ORANGE', 'RED', 'GREY'])).toBe('RED');
    expect(worstStatus(['GREEN'])).toBe('GREEN');
    expect(worstStatus([])).toBeNull();
  });

  it('reads a large cluster without building arrays (any iterable)', () => {
    function* many() {
      for (let i = 0; i < 10_000; i++) yield i === 9_999 ? ('ORANGE' as const) : ('GREEN' as const);
    }
    expect(worstStatus(many())).toBe('ORANGE');
  });

  it('gives each alarm type the colour of the brief', () => {
    for (const type of ['TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW', 'LEAK', 'BURST'] as const) expect(statusOfAlarm(type)).toBe('RED');
    expect(statusOfAlarm('HIGH_USAGE')).toBe('ORANGE');
    expect(statusOfAlarm('NO_SIGNAL')).toBe('GREY');
  });

  it('colours a set of reasons by its most urgent one, green when empty', () => {
    expect(statusOfReasons([])).toBe('GREEN');
    expect(statusOfReasons(['NO_SIGNAL'])).toBe('GREY');
    expect(statusOfReasons(['NO_SIGNAL', 'HIGH_USAGE'])).toBe('ORANGE');
    expect(statusOfReasons(['HIGH_USAGE', 'NO_SIGNAL', 'TILT'])).toBe('RED');
  });

  it('counts markers per colour with every colour present', () => {
    expect(countByStatus([])).toEqual({ RED: 0, ORANGE: 0, GREY: 0, NO_DEVICE: 0, GREEN: 0 });
    expect(countByStatus([{ status: 'RED' }, { status: 'GREEN' }, { status: 'GREEN' }])).toEqual({
      RED: 1,
      ORANGE: 0,
      GREY: 0,
      NO_DEVICE: 0,
      GREEN: 2,
    });
  });
});

describe('live patches of the dashboard', () => {
  const now = Date.parse('2026-11-24T10:00:00.000Z');

  it('moves a marker’s last reading and adds today’s consumption', () => {
    const next = markerAfterReading(makeMarker(), { time: '2026-11-24T09:59:00.000Z', consumptionM3: 0.0125 }, now);
    expect(next.lastReadingAt).toBe('2026-11-24T09:59:00.000Z');
    expect(next.todayM3).toBe(0.513);
  });

  it('keeps today’s figure for a late reading of another local day', () => {
    // 20:30 UTC on the 23rd is 23:30 in Istanbul: yesterday there.
    const next = markerAfterReading(makeMarker(), { time: '2026-11-23T20:30:00.000Z', consumptionM3: 1 }, now);
    expect(next.todayM3).toBe(0.5);
    expect(next.lastReadingAt).toBe('2026-11-24T06:00:00.000Z');
  });

  it('counts a reading just after local midnight as today', () => {
    // 21:30 UTC on the 23rd is 00:30 on the 24th in Istanbul.
    const next = markerAfterReading(makeMarker(), { time: '2026-11-23T21:30:00.000Z', consumptionM3: 1 }, now);
    expect(next.todayM3).toBe(1.5);
  });

  it('asks for a tiny box around the marker, lng first', () => {
    expect(pointBox(39.944965, 32.883936)).toBe('32.883926,39.944955,32.883946,39.944975');
  });

  it('adds a reading of today to the summary totals, and nothing otherwise', () => {
    const summary = { totalConsumptionM3: 100, consumptionTodayM3: 2 } as DashboardSummary;
    expect(summaryAfterReading(summary, { time: '2026-11-24T09:00:00.000Z', consumptionM3: 0.25 }, now)).toMatchObject({
      totalConsumptionM3: 100.25,
      consumptionTodayM3: 2.25,
    });
    expect(summaryAfterReading(summary, { time: '2026-11-24T09:00:00.000Z', consumptionM3: null }, now)).toBe(summary);
    expect(summaryAfterReading(summary, { time: '2026-11-22T09:00:00.000Z', consumptionM3: 1 }, now)).toBe(summary);
  });

  it('adds a reading to its local day in the usage series', () => {
    const days = [
      { day: '2026-11-23', consumptionM3: 10, estimatedM3: 2 },
      { day: '2026-11-24', consumptionM3: 1, estimatedM3: 0 },
    ];
    expect(usageAfterReading(days, { time: '2026-11-23T21:30:00.000Z', consumptionM3: 0.5 })).toEqual([
      { day: '2026-11-23', consumptionM3: 10, estimatedM3: 2 },
      { day: '2026-11-24', consumptionM3: 1.5, estimatedM3: 0 },
    ]);
    expect(usageAfterReading(days, { time: '2026-10-01T09:00:00.000Z', consumptionM3: 0.5 })).toBe(days);
  });
});
