import { litresToM3, mulDivHalfUp, vatOf, volumeCharge } from './money';
import { dayNumber, isoDate, periodBasis } from './periods';

/**
 * The pricing engine: a tariff's versions, a billing period and its consumption in, priced lines and
 * totals out. Pure (no Nest, no database) so every rule is a unit test; the rules are written down in
 * docs/decisions.md ("Billing: tariffs and pricing").
 */

export type WastewaterMode = 'NONE' | 'PER_M3' | 'SHARE_OF_WATER';

export interface PricingTier {
  /** Lower bound of the block in litres (the first block starts at 0). */
  fromLitres: number;
  /** Upper bound in litres, null for the last, open block. */
  toLitres: number | null;
  unitPriceKurus: number;
}

export interface PricingFee {
  code: string;
  name: string;
  unitPriceKurus: number;
  vatRateBp: number;
}

/** One effective-dated version of a tariff, with its monthly quantities. */
export interface PricingVersion {
  id: string;
  /** First day in force (ISO date). */
  effectiveFrom: string;
  /** First day no longer in force, null while open-ended. */
  effectiveTo: string | null;
  fixedChargeKurus: number;
  fixedVatRateBp: number;
  tiers: PricingTier[];
  waterVatRateBp: number;
  wastewaterMode: WastewaterMode;
  wastewaterUnitPriceKurus: number;
  wastewaterShareBp: number;
  wastewaterVatRateBp: number;
  fees: PricingFee[];
  minimumChargeKurus: number;
}

export interface PricingInput {
  versions: PricingVersion[];
  /** First day of the period (ISO date). */
  periodStart: string;
  /** First day after the period (ISO date): [periodStart, periodEnd). */
  periodEnd: string;
  consumptionLitres: number;
  /** The part of the consumption that rests on estimated readings (reported, priced like the rest). */
  estimatedLitres?: number;
}

export type LineComponent = 'FIXED' | 'WATER' | 'WASTEWATER' | 'FEE' | 'MINIMUM';

export interface PricedLine {
  versionId: string;
  component: LineComponent;
  /** Tier number (1-based) for WATER, fee code for FEE. */
  tier: number | null;
  code: string | null;
  segmentStart: string;
  segmentEnd: string;
  /** m³ for volumetric lines (three decimals), null for FIXED and MINIMUM. */
  quantityM3: string | null;
  /** Block bounds of this segment in m³ (WATER lines only). */
  blockFromM3: string | null;
  blockToM3: string | null;
  unitPriceKurus: number | null;
  netKurus: number;
  vatRateBp: number;
  vatKurus: number;
  grossKurus: number;
}

export interface PricedSegment {
  versionId: string;
  start: string;
  end: string;
  days: number;
  /** The segment's share of a tariff month: days over this (the period's days for a whole month, else 30). */
  perMonthDays: number;
  consumptionM3: string;
}

export interface PricingResult {
  periodStart: string;
  periodEnd: string;
  days: number;
  consumptionM3: string;
  estimatedM3: string;
  segments: PricedSegment[];
  lines: PricedLine[];
  netKurus: number;
  vatKurus: number;
  grossKurus: number;
  currency: 'TRY';
}

export class PricingError extends Error {}

/** Splits [start, end) over the versions in force, in day order; throws on a day no version covers. */
export function splitByVersion(
  versions: PricingVersion[],
  start: string,
  end: string,
): { version: PricingVersion; start: string; end: string; days: number }[] {
  const from = dayNumber(start);
  const to = dayNumber(end);
  const sorted = [...versions].sort((a, b) => dayNumber(a.effectiveFrom) - dayNumber(b.effectiveFrom));
  const out: { version: PricingVersion; start: string; end: string; days: number }[] = [];
  let day = from;
  for (const v of sorted) {
    const vFrom = dayNumber(v.effectiveFrom);
    const vTo = v.effectiveTo ? dayNumber(v.effectiveTo) : Number.POSITIVE_INFINITY;
    if (vTo <= day || vFrom >= to) continue;
    if (vFrom > day) throw new PricingError(`no tariff version is in force on ${isoDate(day)}`);
    const segEnd = Math.min(vTo, to);
    out.push({ version: v, start: isoDate(day), end: isoDate(segEnd), days: segEnd - day });
    day = segEnd;
    if (day >= to) break;
  }
  if (day < to) throw new PricingError(`no tariff version is in force on ${isoDate(day)}`);
  return out;
}

function line(
  partial: Omit<PricedLine, 'vatKurus' | 'grossKurus' | 'tier' | 'code' | 'quantityM3' | 'blockFromM3' | 'blockToM3' | 'unitPriceKurus'> &
    Partial<PricedLine>,
): PricedLine {
  const vatKurus = vatOf(partial.netKurus, partial.vatRateBp);
  return {
    tier: null,
    code: null,
    quantityM3: null,
    blockFromM3: null,
    blockToM3: null,
    unitPriceKurus: null,
    ...partial,
    vatKurus,
    grossKurus: partial.netKurus + vatKurus,
  };
}

export function price(input: PricingInput): PricingResult {
  const { periodStart, periodEnd, consumptionLitres } = input;
  const estimatedLitres = input.estimatedLitres ?? 0;
  if (!Number.isSafeInteger(consumptionLitres) || consumptionLitres < 0)
    throw new PricingError('consumption is a non-negative number of litres');
  if (!Number.isSafeInteger(estimatedLitres) || estimatedLitres < 0 || estimatedLitres > consumptionLitres) {
    throw new PricingError('the estimated part lies between 0 and the consumption');
  }
  const basis = periodBasis(periodStart, periodEnd);
  const pieces = splitByVersion(input.versions, periodStart, periodEnd);

  const segments: PricedSegment[] = [];
  const lines: PricedLine[] = [];
  let apportioned = 0;
  pieces.forEach((piece, index) => {
    // Consumption by days; the last segment takes the remainder so the litres add up exactly.
    const litres = index === pieces.length - 1 ? consumptionLitres - apportioned : mulDivHalfUp(consumptionLitres, piece.days, basis.days);
    apportioned += litres;
    const v = piece.version;
    const seg = { versionId: v.id, segmentStart: piece.start, segmentEnd: piece.end };
    // The segment carries piece.days / perMonthDays of the tariff's monthly quantities.
    const scale = (monthly: number) => mulDivHalfUp(monthly, piece.days, basis.perMonthDays);
    segments.push({
      versionId: v.id,
      start: piece.start,
      end: piece.end,
      days: piece.days,
      perMonthDays: basis.perMonthDays,
      consumptionM3: litresToM3(litres),
    });

    const fixedNet = scale(v.fixedChargeKurus);
    if (fixedNet > 0) lines.push(line({ ...seg, component: 'FIXED', netKurus: fixedNet, vatRateBp: v.fixedVatRateBp }));

    let waterNet = 0;
    [...v.tiers]
      .sort((a, b) => a.fromLitres - b.fromLitres)
      .forEach((tier, tierIndex) => {
        const lo = scale(tier.fromLitres);
        const hi = tier.toLitres === null ? null : scale(tier.toLitres);
        const inBlock = Math.max(0, (hi === null ? litres : Math.min(litres, hi)) - lo);
        if (inBlock === 0) return;
        const net = volumeCharge(inBlock, tier.unitPriceKurus);
        waterNet += net;
        lines.push(
          line({
            ...seg,
            component: 'WATER',
            tier: tierIndex + 1,
            quantityM3: litresToM3(inBlock),
            blockFromM3: litresToM3(lo),
            blockToM3: hi === null ? null : litresToM3(hi),
            unitPriceKurus: tier.unitPriceKurus,
            netKurus: net,
            vatRateBp: v.waterVatRateBp,
          }),
        );
      });

    const minimum = scale(v.minimumChargeKurus);
    if (minimum > fixedNet + waterNet) {
      lines.push(line({ ...seg, component: 'MINIMUM', netKurus: minimum - fixedNet - waterNet, vatRateBp: v.waterVatRateBp }));
    }

    if (v.wastewaterMode === 'PER_M3' && litres > 0) {
      lines.push(
        line({
          ...seg,
          component: 'WASTEWATER',
          quantityM3: litresToM3(litres),
          unitPriceKurus: v.wastewaterUnitPriceKurus,
          netKurus: volumeCharge(litres, v.wastewaterUnitPriceKurus),
          vatRateBp: v.wastewaterVatRateBp,
        }),
      );
    } else if (v.wastewaterMode === 'SHARE_OF_WATER' && waterNet > 0) {
      // A share of the water charge of the tiers (not of the fixed charge or the minimum top-up).
      lines.push(
        line({
          ...seg,
          component: 'WASTEWATER',
          netKurus: mulDivHalfUp(waterNet, v.wastewaterShareBp, 10_000),
          vatRateBp: v.wastewaterVatRateBp,
        }),
      );
    }

    if (litres > 0) {
      for (const fee of v.fees) {
        lines.push(
          line({
            ...seg,
            component: 'FEE',
            code: fee.code,
            quantityM3: litresToM3(litres),
            unitPriceKurus: fee.unitPriceKurus,
            netKurus: volumeCharge(litres, fee.unitPriceKurus),
            vatRateBp: fee.vatRateBp,
          }),
        );
      }
    }
  });

  const sum = (pick: (l: PricedLine) => number) => lines.reduce((acc, l) => acc + pick(l), 0);
  return {
    periodStart,
    periodEnd,
    days: basis.days,
    consumptionM3: litresToM3(consumptionLitres),
    estimatedM3: litresToM3(estimatedLitres),
    segments,
    lines,
    netKurus: sum((l) => l.netKurus),
    vatKurus: sum((l) => l.vatKurus),
    grossKurus: sum((l) => l.grossKurus),
    currency: 'TRY',
  };
}
