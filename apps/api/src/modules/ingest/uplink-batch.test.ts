import { describe, expect, it } from 'vitest';
import { flaggedAlarms, localDayFormatter, planAlarms, planConsumption, type AlarmFrame, type MeterPoint } from './uplink-batch';

const t = (h: number) => new Date(Date.UTC(2026, 10, 24, h));
const stored = (h: number, index: number, consumption: number | null = null, deviceId = 'd1'): MeterPoint => ({
  time: t(h),
  deviceId,
  indexM3: index,
  consumptionM3: consumption,
});
const fresh = (h: number, index: number, batchRef: number, deviceId = 'd1'): MeterPoint => ({
  time: t(h),
  deviceId,
  indexM3: index,
  batchRef,
});

describe('planConsumption', () => {
  it('chains batch readings from the stored reading before them', () => {
    const plan = planConsumption([stored(1, 10)], [fresh(2, 10.25, 0), fresh(3, 10.5, 1)]);
    expect(plan.readings).toEqual([
      { batchRef: 0, consumptionM3: 0.25, suspect: false, quality: 'VALID', rule: null },
      { batchRef: 1, consumptionM3: 0.25, suspect: false, quality: 'VALID', rule: null },
    ]);
    expect(plan.fixes).toEqual([]);
  });

  it('gives the first reading of a meter no consumption', () => {
    expect(planConsumption([], [fresh(2, 5, 0)]).readings).toEqual([
      { batchRef: 0, consumptionM3: null, suspect: false, quality: 'VALID', rule: null },
    ]);
  });

  it('orders batch readings by time whatever order they came in', () => {
    const plan = planConsumption([stored(1, 10)], [fresh(3, 10.5, 0), fresh(2, 10.2, 1)]);
    expect(plan.readings.find((r) => r.batchRef === 1)!.consumptionM3).toBe(0.2);
    expect(plan.readings.find((r) => r.batchRef === 0)!.consumptionM3).toBe(0.3);
  });

  it('keeps a jump no consumption column can hold out of the chain and marks it suspect', () => {
    expect(planConsumption([stored(1, 10)], [fresh(2, 2e9, 0)]).readings).toEqual([
      { batchRef: 0, consumptionM3: null, suspect: true, quality: 'SUSPECT', rule: 'physical-maximum' },
    ]);
  });

  it('counts a backwards index as no consumption and marks it suspect', () => {
    expect(planConsumption([stored(1, 10)], [fresh(2, 9.5, 0)]).readings).toEqual([
      { batchRef: 0, consumptionM3: 0, suspect: true, quality: 'SUSPECT', rule: 'backward-index' },
    ]);
  });

  it('corrects the stored reading that follows a late one, with the difference for its day', () => {
    // Stored: 10 at 1h, 11 at 4h (consumption 1). Late: 10.4 at 2h.
    const plan = planConsumption([stored(1, 10), stored(4, 11, 1)], [fresh(2, 10.4, 0)]);
    expect(plan.readings).toEqual([{ batchRef: 0, consumptionM3: 0.4, suspect: false, quality: 'VALID', rule: null }]);
    expect(plan.fixes).toEqual([
      { deviceId: 'd1', time: t(4), consumptionM3: 0.6, suspect: false, quality: 'VALID', rule: null, diffM3: -0.4 },
    ]);
  });

  it('interleaves with stored readings between the batch readings', () => {
    const plan = planConsumption([stored(1, 10), stored(3, 10.3, 0.3)], [fresh(2, 10.1, 0), fresh(4, 10.6, 1)]);
    expect(plan.readings).toEqual([
      { batchRef: 0, consumptionM3: 0.1, suspect: false, quality: 'VALID', rule: null },
      { batchRef: 1, consumptionM3: 0.3, suspect: false, quality: 'VALID', rule: null },
    ]);
    expect(plan.fixes).toEqual([
      { deviceId: 'd1', time: t(3), consumptionM3: 0.2, suspect: false, quality: 'VALID', rule: null, diffM3: -0.1 },
    ]);
  });

  it('drops readings stored already and repeated ones in the batch as duplicates', () => {
    const plan = planConsumption([stored(1, 10), stored(2, 10.2, 0.2)], [fresh(2, 10.2, 0), fresh(3, 10.4, 1), fresh(3, 10.4, 2)]);
    expect(plan.duplicates).toEqual([0, 2]);
    expect(plan.readings).toEqual([{ batchRef: 1, consumptionM3: 0.2, suspect: false, quality: 'VALID', rule: null }]);
    expect(plan.fixes).toEqual([]);
  });
});

describe('planAlarms', () => {
  const dayOf = (d: Date) => d.toISOString().slice(0, 10);
  const frame = (h: number, over: Partial<AlarmFrame> = {}): AlarmFrame => ({
    time: t(h),
    flagged: [],
    reported: {},
    batteryPct: 80,
    todayM3: null,
    dailyThresholdM3: null,
    day: dayOf(t(h)),
    ...over,
  });

  it('opens a red alarm once and clears it when a later frame reports it off', () => {
    const plan = planAlarms(
      [],
      [
        frame(1, { flagged: ['TAMPER'], reported: { TAMPER: true } }),
        frame(2, { flagged: ['TAMPER'], reported: { TAMPER: true } }),
        frame(3, { reported: { TAMPER: false } }),
      ],
      dayOf,
    );
    expect(plan.opened).toEqual([{ type: 'TAMPER', startedAt: t(1), clearedAt: t(3), details: { batteryPct: 80 } }]);
    expect(plan.cleared).toEqual([]);
  });

  it('clears stored open alarms, NO_SIGNAL on any frame, but not ones that started after the frame', () => {
    const open = [
      { id: 'a1', type: 'NO_SIGNAL' as const, startedAt: t(0) },
      { id: 'a2', type: 'TILT' as const, startedAt: t(5) },
    ];
    const plan = planAlarms(open, [frame(2, { reported: { TILT: false } })], dayOf);
    expect(plan.cleared).toEqual([{ id: 'a1', clearedAt: t(2) }]);
    expect(plan.opened).toEqual([]);
  });

  it('opens LOW_BATTERY under the threshold and clears it above', () => {
    const low = frame(1, { batteryPct: 5, flagged: flaggedAlarms({}, 5) });
    expect(planAlarms([], [low], dayOf).opened.map((a) => a.type)).toEqual(['LOW_BATTERY']);
    expect(planAlarms([{ id: 'b', type: 'LOW_BATTERY', startedAt: t(0) }], [frame(1, { batteryPct: 50 })], dayOf).cleared).toEqual([
      { id: 'b', clearedAt: t(1) },
    ]);
  });

  it('opens HIGH_USAGE above the daily threshold and clears it only on a later day', () => {
    const over = frame(1, { todayM3: 2.5, dailyThresholdM3: 2 });
    expect(planAlarms([], [over], dayOf).opened).toEqual([
      { type: 'HIGH_USAGE', startedAt: t(1), clearedAt: null, details: { todayM3: 2.5, thresholdM3: 2 } },
    ]);
    const open = [{ id: 'h', type: 'HIGH_USAGE' as const, startedAt: t(1) }];
    expect(planAlarms(open, [frame(5, { todayM3: 1, dailyThresholdM3: 2 })], dayOf).cleared).toEqual([]);
    const nextDay = new Date(t(1).getTime() + 26 * 3_600_000);
    expect(
      planAlarms(open, [{ ...frame(0, { todayM3: 0.1, dailyThresholdM3: 2 }), time: nextDay, day: dayOf(nextDay) }], dayOf).cleared,
    ).toEqual([{ id: 'h', clearedAt: nextDay }]);
  });
});

describe('localDayFormatter', () => {
  it('gives the local calendar day of an instant', () => {
    const dayOf = localDayFormatter();
    // 22:30 UTC is already the next day in Istanbul (UTC+3).
    expect(dayOf(new Date('2026-11-24T22:30:00Z'), 'Europe/Istanbul')).toBe('2026-11-25');
    expect(dayOf(new Date('2026-11-24T22:30:00Z'), 'UTC')).toBe('2026-11-24');
  });
});

describe('planConsumption with the validation rules', () => {
  const t = (h: number) => new Date(Date.UTC(2025, 11, 1, h));
  it('lets the judge count a rollover and flag a late reading’s successor', () => {
    const judge = (previous: MeterPoint | null, current: MeterPoint) => {
      if (!previous) return { consumptionM3: null, quality: 'VALID' as const, rule: null };
      const d = current.indexM3 - previous.indexM3;
      return d < 0
        ? {
            consumptionM3: Math.round((100_000 - previous.indexM3 + current.indexM3) * 1000) / 1000,
            quality: 'VALID' as const,
            rule: 'rollover',
          }
        : { consumptionM3: Math.round(d * 1000) / 1000, quality: 'VALID' as const, rule: null };
    };
    const stored = [{ time: t(1), deviceId: 'd1', indexM3: 99_999.9, consumptionM3: 0 }];
    const plan = planConsumption(stored, [{ time: t(2), deviceId: 'd1', indexM3: 0.1, batchRef: 0 }], judge);
    expect(plan.readings).toEqual([{ batchRef: 0, consumptionM3: 0.2, suspect: false, quality: 'VALID', rule: 'rollover' }]);
  });
});
