import { describe, expect, it } from 'vitest';
import { m3ToLitres, mulDivHalfUp, percentToBp, vatOf, volumeCharge } from './money';
import { periodBasis } from './periods';
import { price, PricingError, type PricingVersion } from './pricing';

// Worked examples: every total below is computed by hand in the comments, not read back from the engine.

const base: PricingVersion = {
  id: 'v1',
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  fixedChargeKurus: 2500, // 25.00 TL a month
  fixedVatRateBp: 1000, // 10 %
  tiers: [
    { fromLitres: 0, toLitres: 10_000, unitPriceKurus: 1500 }, // 0–10 m³ at 15.00 TL
    { fromLitres: 10_000, toLitres: 20_000, unitPriceKurus: 2250 }, // 10–20 m³ at 22.50 TL
    { fromLitres: 20_000, toLitres: null, unitPriceKurus: 3000 }, // above 20 m³ at 30.00 TL
  ],
  waterVatRateBp: 100, // 1 %
  wastewaterMode: 'PER_M3',
  wastewaterUnitPriceKurus: 750,
  wastewaterShareBp: 0,
  wastewaterVatRateBp: 1000,
  fees: [{ code: 'ENV', name: 'Environmental fee', unitPriceKurus: 45, vatRateBp: 0 }],
  minimumChargeKurus: 0,
};

const byComponent = (r: ReturnType<typeof price>) =>
  r.lines.map((l) => [l.component, l.tier ?? l.code, l.quantityM3, l.netKurus, l.vatKurus]);

describe('money', () => {
  it('rounds half-up to the kuruş, never to even', () => {
    expect(mulDivHalfUp(5, 1, 2)).toBe(3); // 2.5 → 3
    expect(mulDivHalfUp(7, 1, 2)).toBe(4); // 3.5 → 4
    expect(volumeCharge(2, 1250)).toBe(3); // 0.002 m³ × 12.50 TL = 2.5 kuruş → 3
    expect(volumeCharge(1001, 1250)).toBe(1251); // 1.001 × 1250 = 1251.25 → 1251
    expect(vatOf(250, 100)).toBe(3); // 1 % of 2.50 TL = 2.5 kuruş → 3
    expect(vatOf(249, 100)).toBe(2); // 2.49 → 2
  });

  it('reads m³ with at most three decimals and rates with at most two', () => {
    expect(m3ToLitres('12.345')).toBe(12_345);
    expect(m3ToLitres(0.1)).toBe(100);
    expect(m3ToLitres(7)).toBe(7000);
    expect(() => m3ToLitres('1.0001')).toThrow(RangeError);
    expect(() => m3ToLitres('-1')).toThrow(RangeError);
    expect(percentToBp(20)).toBe(2000);
    expect(percentToBp(0.5)).toBe(50);
    expect(() => percentToBp(1.234)).toThrow(RangeError);
  });

  it('counts a whole month as one month and other periods by days over 30', () => {
    expect(periodBasis('2026-01-01', '2026-02-01')).toEqual({ days: 31, perMonthDays: 31 });
    expect(periodBasis('2026-03-15', '2026-04-15')).toEqual({ days: 31, perMonthDays: 31 });
    expect(periodBasis('2026-01-31', '2026-02-28')).toEqual({ days: 28, perMonthDays: 28 }); // clamped month end
    expect(periodBasis('2026-01-10', '2026-01-25')).toEqual({ days: 15, perMonthDays: 30 });
    expect(periodBasis('2026-01-01', '2026-02-15')).toEqual({ days: 45, perMonthDays: 30 });
  });
});

describe('pricing', () => {
  it('prices a whole month through three tiers, wastewater per m³, a fee and VAT per line', () => {
    const r = price({ versions: [base], periodStart: '2026-01-01', periodEnd: '2026-02-01', consumptionLitres: 25_500 });
    expect(byComponent(r)).toEqual([
      ['FIXED', null, null, 2500, 250], // 25.00 TL, 10 % = 2.50
      ['WATER', 1, '10.000', 15_000, 150], // 10 × 15.00 = 150.00, 1 % = 1.50
      ['WATER', 2, '10.000', 22_500, 225], // 10 × 22.50 = 225.00, 1 % = 2.25
      ['WATER', 3, '5.500', 16_500, 165], // 5.5 × 30.00 = 165.00, 1 % = 1.65
      ['WASTEWATER', null, '25.500', 19_125, 1913], // 25.5 × 7.50 = 191.25, 10 % = 19.125 → 19.13
      ['FEE', 'ENV', '25.500', 1148, 0], // 25.5 × 0.45 = 11.475 → 11.48
    ]);
    // 25 + 150 + 225 + 165 + 191.25 + 11.48 = 767.73 TL; VAT 2.50 + 1.50 + 2.25 + 1.65 + 19.13 = 27.03 TL
    expect(r.netKurus).toBe(76_773);
    expect(r.vatKurus).toBe(2703);
    expect(r.grossKurus).toBe(79_476);
    expect(r.currency).toBe('TRY');
  });

  it('scales the fixed charge and the tier blocks by days for a partial period', () => {
    // 15 days of a 30-day month: half the fixed charge, blocks of 5 m³.
    const r = price({ versions: [base], periodStart: '2026-01-10', periodEnd: '2026-01-25', consumptionLitres: 8000 });
    expect(byComponent(r)).toEqual([
      ['FIXED', null, null, 1250, 125], // 25.00 × 15/30 = 12.50, 10 % = 1.25
      ['WATER', 1, '5.000', 7500, 75], // block 0–5 m³: 5 × 15.00 = 75.00, 1 % = 0.75
      ['WATER', 2, '3.000', 6750, 68], // block 5–10 m³: 3 × 22.50 = 67.50, 1 % = 0.675 → 0.68
      ['WASTEWATER', null, '8.000', 6000, 600], // 8 × 7.50 = 60.00, 10 % = 6.00
      ['FEE', 'ENV', '8.000', 360, 0], // 8 × 0.45 = 3.60
    ]);
    expect(r.lines[1]!.blockToM3).toBe('5.000');
    expect(r.netKurus).toBe(21_860); // 12.50 + 75 + 67.50 + 60 + 3.60
    expect(r.vatKurus).toBe(868); // 1.25 + 0.75 + 0.68 + 6.00
    expect(r.grossKurus).toBe(22_728);
  });

  it('splits a period by days when the tariff changes in the middle of it', () => {
    const v1: PricingVersion = { ...base, effectiveTo: '2026-03-11', wastewaterMode: 'NONE', fees: [] };
    const v2: PricingVersion = {
      ...v1,
      id: 'v2',
      effectiveFrom: '2026-03-11',
      effectiveTo: null,
      fixedChargeKurus: 3000,
      tiers: [
        { fromLitres: 0, toLitres: 10_000, unitPriceKurus: 1800 },
        { fromLitres: 10_000, toLitres: null, unitPriceKurus: 2700 },
      ],
    };
    // March is a whole month of 31 days: 10 days under v1, 21 under v2; 31 m³ apportioned 10 and 21.
    const r = price({ versions: [v2, v1], periodStart: '2026-03-01', periodEnd: '2026-04-01', consumptionLitres: 31_000 });
    expect(r.segments.map((s) => [s.versionId, s.start, s.end, s.days, s.perMonthDays, s.consumptionM3])).toEqual([
      ['v1', '2026-03-01', '2026-03-11', 10, 31, '10.000'],
      ['v2', '2026-03-11', '2026-04-01', 21, 31, '21.000'],
    ]);
    expect(byComponent(r)).toEqual([
      ['FIXED', null, null, 806, 81], // 2500 × 10/31 = 806.45 → 806; 10 % = 80.6 → 81
      ['WATER', 1, '3.226', 4839, 48], // block 10 m³ × 10/31 = 3.2258 → 3.226 m³; × 15.00 = 48.39; 1 % → 0.48
      ['WATER', 2, '3.226', 7259, 73], // 3.226–6.452 m³; × 22.50 = 72.585 → 72.59; 1 % = 0.7259 → 0.73
      ['WATER', 3, '3.548', 10_644, 106], // 10 − 6.452 = 3.548 × 30.00 = 106.44; 1 % → 1.06
      ['FIXED', null, null, 2032, 203], // 3000 × 21/31 = 2032.26 → 2032; 10 % = 203.2 → 203
      ['WATER', 1, '6.774', 12_193, 122], // 10 m³ × 21/31 = 6.7742 → 6.774 m³; × 18.00 = 121.932 → 121.93; 1 % → 1.22
      ['WATER', 2, '14.226', 38_410, 384], // 21 − 6.774 = 14.226 × 27.00 = 384.102 → 384.10; 1 % → 3.84
    ]);
    expect(r.netKurus).toBe(76_183); // 806 + 4839 + 7259 + 10644 + 2032 + 12193 + 38410
    expect(r.vatKurus).toBe(1017); // 81 + 48 + 73 + 106 + 203 + 122 + 384
    expect(r.grossKurus).toBe(77_200);
  });

  it('gives the last segment the remainder so apportioned litres add up', () => {
    const v1: PricingVersion = { ...base, effectiveTo: '2026-01-11' };
    const v2: PricingVersion = { ...base, id: 'v2', effectiveFrom: '2026-01-11', effectiveTo: '2026-01-21' };
    const v3: PricingVersion = { ...base, id: 'v3', effectiveFrom: '2026-01-21' };
    // 30 days (not a whole month: 1 → 31 Jan), 1.000 m³ = 1000 L: 333 + 333 + 334.
    const r = price({ versions: [v1, v2, v3], periodStart: '2026-01-01', periodEnd: '2026-01-31', consumptionLitres: 1000 });
    expect(r.segments.map((s) => s.consumptionM3)).toEqual(['0.333', '0.333', '0.334']);
  });

  it('tops a low bill up to the minimum charge, VAT at the water rate', () => {
    const v: PricingVersion = {
      ...base,
      fixedChargeKurus: 0,
      tiers: [{ fromLitres: 0, toLitres: null, unitPriceKurus: 1500 }],
      wastewaterMode: 'NONE',
      fees: [],
      minimumChargeKurus: 5000, // 50.00 TL a month
    };
    const low = price({ versions: [v], periodStart: '2026-02-01', periodEnd: '2026-03-01', consumptionLitres: 2000 });
    expect(byComponent(low)).toEqual([
      ['WATER', 1, '2.000', 3000, 30], // 2 × 15.00 = 30.00, 1 % = 0.30
      ['MINIMUM', null, null, 2000, 20], // 50.00 − 30.00 = 20.00, 1 % = 0.20
    ]);
    expect([low.netKurus, low.vatKurus, low.grossKurus]).toEqual([5000, 50, 5050]);
    const high = price({ versions: [v], periodStart: '2026-02-01', periodEnd: '2026-03-01', consumptionLitres: 4000 });
    expect(byComponent(high)).toEqual([['WATER', 1, '4.000', 6000, 60]]); // 60.00 ≥ 50.00: no top-up
    // Half a month: the minimum scales with the days too (50.00 × 15/30 = 25.00).
    const half = price({ versions: [v], periodStart: '2026-02-01', periodEnd: '2026-02-16', consumptionLitres: 1000 });
    expect(half.netKurus).toBe(2500);
  });

  it('charges wastewater as a share of the water charge', () => {
    const v: PricingVersion = { ...base, fixedChargeKurus: 0, wastewaterMode: 'SHARE_OF_WATER', wastewaterShareBp: 3333, fees: [] };
    const r = price({ versions: [v], periodStart: '2026-01-01', periodEnd: '2026-02-01', consumptionLitres: 12_000 });
    // Water: 10 × 15.00 + 2 × 22.50 = 195.00; wastewater 33.33 % = 64.9935 → 64.99, VAT 10 % = 6.499 → 6.50
    expect(byComponent(r).at(-1)).toEqual(['WASTEWATER', null, null, 6499, 650]);
    expect(r.netKurus).toBe(19_500 + 6499);
    expect(r.vatKurus).toBe(150 + 45 + 650);
  });

  it('reports the estimated share and prices no consumption as the fixed charge alone', () => {
    const r = price({ versions: [base], periodStart: '2026-01-01', periodEnd: '2026-02-01', consumptionLitres: 0 });
    expect(byComponent(r)).toEqual([['FIXED', null, null, 2500, 250]]);
    const e = price({
      versions: [base],
      periodStart: '2026-01-01',
      periodEnd: '2026-02-01',
      consumptionLitres: 5000,
      estimatedLitres: 1500,
    });
    expect(e.estimatedM3).toBe('1.500');
  });

  it('refuses a period no version covers, an empty period and an estimate above the consumption', () => {
    const late: PricingVersion = { ...base, effectiveFrom: '2026-01-15' };
    expect(() => price({ versions: [late], periodStart: '2026-01-01', periodEnd: '2026-02-01', consumptionLitres: 1 })).toThrow(
      /no tariff version is in force on 2026-01-01/,
    );
    const closed: PricingVersion = { ...base, effectiveTo: '2026-01-20' };
    expect(() => price({ versions: [closed], periodStart: '2026-01-01', periodEnd: '2026-02-01', consumptionLitres: 1 })).toThrow(
      PricingError,
    );
    expect(() => price({ versions: [base], periodStart: '2026-02-01', periodEnd: '2026-02-01', consumptionLitres: 1 })).toThrow(RangeError);
    expect(() =>
      price({ versions: [base], periodStart: '2026-01-01', periodEnd: '2026-02-01', consumptionLitres: 1, estimatedLitres: 2 }),
    ).toThrow(PricingError);
  });
});
