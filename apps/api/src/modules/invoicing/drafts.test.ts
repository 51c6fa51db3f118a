import { describe, expect, it } from 'vitest';
import type { PricingVersion } from '../billing/pricing/pricing';
import { addDays, computeDraft, estimateLitres, monthPeriod, previousMonth, signedLitres, signedM3, type DraftInput } from './drafts';

// Worked examples: every total is computed by hand in the comments, not read back from the code.

const version: PricingVersion = {
  id: 'v1',
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  fixedChargeKurus: 2000, // 20.00 TL a month, VAT 10 %
  fixedVatRateBp: 1000,
  tiers: [
    { fromLitres: 0, toLitres: 10_000, unitPriceKurus: 1000 }, // 0–10 m³ at 10.00 TL
    { fromLitres: 10_000, toLitres: null, unitPriceKurus: 2000 }, // above at 20.00 TL
  ],
  waterVatRateBp: 100, // 1 %
  wastewaterMode: 'NONE',
  wastewaterUnitPriceKurus: 0,
  wastewaterShareBp: 0,
  wastewaterVatRateBp: 0,
  fees: [],
  minimumChargeKurus: 5000, // 50.00 TL a month
};

const november = (o: Partial<DraftInput>): DraftInput => ({
  serviceStart: '2026-11-01',
  serviceEnd: '2026-12-01',
  versions: [version],
  metered: null,
  policy: 'ESTIMATE',
  history: null,
  earlier: null,
  language: 'tr',
  ...o,
});

const lines = (d: ReturnType<typeof computeDraft>) => d.lines.map((l) => [l.component, l.quantityM3, l.netKurus, l.vatKurus, l.grossKurus]);

describe('computeDraft', () => {
  it('prices a metered month by the tariff', () => {
    const d = computeDraft(november({ metered: { litres: 12_000, estimatedLitres: 3_000 } }));
    // FIXED 20.00 + 10 % = 22.00; 10 m³ × 10.00 = 100.00 + 1 % = 101.00; 2 m³ × 20.00 = 40.00 + 1 % = 40.40
    expect(lines(d)).toEqual([
      ['FIXED', null, 2000, 200, 2200],
      ['WATER', '10.000', 10_000, 100, 10_100],
      ['WATER', '2.000', 4000, 40, 4040],
    ]);
    expect([d.basis, d.consumptionLitres, d.estimatedLitres, d.netKurus, d.vatKurus, d.grossKurus]).toEqual([
      'METERED',
      12_000,
      3_000,
      16_000,
      340,
      16_340,
    ]);
    expect(d.lines[1].description).toBe('Su bedeli, 1. kademe');
  });

  it('estimates a month without readings from the days with data of the 90 before (ESTIMATE)', () => {
    // 9 m³ over 18 days with data = 0.5 m³ a day × 30 days = 15 m³, all estimated
    expect(estimateLitres({ litres: 9000, days: 18 }, 30)).toBe(15_000);
    const d = computeDraft(november({ history: { litres: 9000, days: 18 }, language: 'en' }));
    // FIXED 2000 + 200; 10 m³ × 10.00 = 10000 + 100; 5 m³ × 20.00 = 10000 + 100 → net 22000, VAT 400
    expect(lines(d)).toEqual([
      ['FIXED', null, 2000, 200, 2200],
      ['WATER', '10.000', 10_000, 100, 10_100],
      ['WATER', '5.000', 10_000, 100, 10_100],
    ]);
    expect([d.basis, d.consumptionLitres, d.estimatedLitres, d.grossKurus]).toEqual(['ESTIMATED', 15_000, 15_000, 22_400]);
    expect(d.lines[0].description).toBe('Fixed charge');
    // No history at all: 0 m³ estimated, so the fixed charge and the minimum top-up.
    expect(computeDraft(november({})).grossKurus).toBe(5230);
  });

  it('bills the minimum charge for a month without readings (MINIMUM)', () => {
    const d = computeDraft(november({ policy: 'MINIMUM', history: { litres: 9000, days: 18 } }));
    // FIXED 2000 + 10 % = 2200; MINIMUM top-up 5000 − 2000 = 3000 + 1 % = 3030 → net 5000, gross 5230
    expect(lines(d)).toEqual([
      ['FIXED', null, 2000, 200, 2200],
      ['MINIMUM', null, 3000, 30, 3030],
    ]);
    expect([d.basis, d.consumptionLitres, d.netKurus, d.grossKurus]).toEqual(['MINIMUM', 0, 5000, 5230]);
  });

  it('pro-rates a subscription opened mid-month by its service days over 30', () => {
    const d = computeDraft(november({ serviceStart: '2026-11-16', metered: { litres: 6000, estimatedLitres: 0 } }));
    // 15 days of 30: FIXED 2000 × 15/30 = 1000 + 100; blocks 0–5 m³ and above; 5 m³ × 10.00 = 5000 + 50;
    // 1 m³ × 20.00 = 2000 + 20; minimum 5000 × 15/30 = 2500 < 8000 → net 8000, VAT 170, gross 8170
    expect(lines(d)).toEqual([
      ['FIXED', null, 1000, 100, 1100],
      ['WATER', '5.000', 5000, 50, 5050],
      ['WATER', '1.000', 2000, 20, 2020],
    ]);
    expect(d.grossKurus).toBe(8170);
  });

  it('carries a lower consumption of earlier invoiced periods as a negative CORRECTION at the marginal tier price', () => {
    const d = computeDraft(
      november({ metered: { litres: 12_000, estimatedLitres: 0 }, earlier: { billedLitres: 20_000, currentLitres: 17_500 } }),
    );
    // 12 m³ ends in tier 2 (20.00 TL): −2.5 m³ × 20.00 = −50.00, VAT −0.50 → on top of 16340: net 11000, VAT 290, gross 11290
    expect(lines(d).at(-1)).toEqual(['CORRECTION', '-2.500', -5000, -50, -5050]);
    expect([d.netKurus, d.vatKurus, d.grossKurus]).toEqual([11_000, 290, 11_290]);
    expect(d.lines.at(-1)!.unitPriceKurus).toBe(2000);
  });

  it('allows a negative total when the correction outweighs the month', () => {
    const d = computeDraft(
      november({ metered: { litres: 0, estimatedLitres: 0 }, earlier: { billedLitres: 30_000, currentLitres: 10_000 } }),
    );
    // 0 m³: FIXED 2200 + MINIMUM 3030; correction −20 m³ at tier 1 (10.00 TL) = −200.00, VAT −2.00
    // net 5000 − 20000 = −15000, VAT 230 − 200 = 30, gross −14970
    expect(lines(d).at(-1)).toEqual(['CORRECTION', '-20.000', -20_000, -200, -20_200]);
    expect([d.netKurus, d.vatKurus, d.grossKurus]).toEqual([-15_000, 30, -14_970]);
  });

  it('adds nothing when the earlier periods are unchanged, and a positive correction when they went up', () => {
    const same = computeDraft(
      november({ metered: { litres: 1000, estimatedLitres: 0 }, earlier: { billedLitres: 5000, currentLitres: 5000 } }),
    );
    expect(same.lines.some((l) => l.component === 'CORRECTION')).toBe(false);
    const up = computeDraft(
      november({ metered: { litres: 1000, estimatedLitres: 0 }, earlier: { billedLitres: 5000, currentLitres: 5333 } }),
    );
    // +0.333 m³ × 10.00 TL = 3.33 TL, VAT 1 % of 333 = 3.33 → 3
    expect(lines(up).at(-1)).toEqual(['CORRECTION', '0.333', 333, 3, 336]);
  });
});

describe('periods and amounts', () => {
  it('reads signed m³ text exactly', () => {
    expect(signedLitres('12.345')).toBe(12_345);
    expect(signedLitres('-0.250')).toBe(-250);
    expect(signedLitres('7')).toBe(7000);
    expect(signedLitres(null)).toBe(0);
    expect(signedM3(-2500)).toBe('-2.500');
  });

  it('finds calendar months', () => {
    expect(monthPeriod('2026-11')).toEqual({ periodStart: '2026-11-01', periodEnd: '2026-12-01' });
    expect(monthPeriod('2026-12')).toEqual({ periodStart: '2026-12-01', periodEnd: '2027-01-01' });
    expect(previousMonth('2026-01-05')).toBe('2025-12');
    expect(previousMonth('2026-12-05')).toBe('2026-11');
    expect(addDays('2026-12-20', 15)).toBe('2027-01-04');
    expect(addDays('2026-11-01', -90)).toBe('2026-08-03');
  });
});
