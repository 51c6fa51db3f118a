import type { ErrorDetail } from '../../core/http/errors';
import { m3ToLitres, percentToBp } from './pricing/money';
import { dayNumber } from './pricing/periods';
import type { PricingVersion, WastewaterMode } from './pricing/pricing';
import type { TariffVersionInput } from './tariffs.dto';

/** Tariff rules that need no database: tier blocks, version overlaps, version states. Pure. */

export interface StoredVersion {
  id: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

/** Problems of a tier list: it starts at 0 m³, each block starts where the last ended, only the last is open. */
export function tierProblems(tiers: { fromM3: number; toM3: number | null }[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  tiers.forEach((tier, i) => {
    const from = m3ToLitres(tier.fromM3);
    const to = tier.toM3 === null ? null : m3ToLitres(tier.toM3);
    if (i === 0 && from !== 0) out.push({ path: ['tiers', i, 'fromM3'], message: 'the first tier starts at 0 m³' });
    if (i > 0) {
      const previous = tiers[i - 1].toM3;
      if (previous === null) out.push({ path: ['tiers', i - 1, 'toM3'], message: 'only the last tier is open-ended' });
      else if (from > m3ToLitres(previous)) out.push({ path: ['tiers', i, 'fromM3'], message: `leaves a gap after ${previous} m³` });
      else if (from < m3ToLitres(previous))
        out.push({ path: ['tiers', i, 'fromM3'], message: `overlaps the tier ending at ${previous} m³` });
    }
    if (to !== null && to <= from) out.push({ path: ['tiers', i, 'toM3'], message: 'ends after it starts' });
    if (i === tiers.length - 1 && to !== null) out.push({ path: ['tiers', i, 'toM3'], message: 'the last tier is open-ended (toM3 null)' });
  });
  return out;
}

/** Problems of the rest of a version: dates in order, the wastewater fields its mode uses, distinct fee codes. */
export function versionProblems(v: TariffVersionInput): ErrorDetail[] {
  const out = tierProblems(v.tiers);
  if (v.effectiveTo && v.effectiveTo <= v.effectiveFrom) out.push({ path: ['effectiveTo'], message: 'after effectiveFrom' });
  const codes = new Set<string>();
  v.fees.forEach((f, i) => {
    if (codes.has(f.code)) out.push({ path: ['fees', i, 'code'], message: 'appears twice' });
    codes.add(f.code);
  });
  return out;
}

/** The versions among `others` whose days overlap [from, to). */
export function overlapping(others: StoredVersion[], from: string, to: string | null): StoredVersion[] {
  const a0 = dayNumber(from);
  const a1 = to ? dayNumber(to) : Number.POSITIVE_INFINITY;
  return others.filter((o) => {
    const b0 = dayNumber(o.effectiveFrom);
    const b1 = o.effectiveTo ? dayNumber(o.effectiveTo) : Number.POSITIVE_INFINITY;
    return a0 < b1 && b0 < a1;
  });
}

export type VersionState = 'PAST' | 'CURRENT' | 'FUTURE';

/** FUTURE: not yet in force (a draft, free to change); CURRENT: in force today; PAST: ended before today. */
export function versionState(v: Pick<StoredVersion, 'effectiveFrom' | 'effectiveTo'>, today: string): VersionState {
  if (v.effectiveFrom > today) return 'FUTURE';
  if (v.effectiveTo !== null && v.effectiveTo <= today) return 'PAST';
  return 'CURRENT';
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A version as the database stores it: basis points, kuruş, ordinals. */
export interface VersionRecord {
  effectiveFrom: string;
  effectiveTo: string | null;
  fixedChargeKurus: number;
  fixedVatRateBp: number;
  waterVatRateBp: number;
  wastewaterMode: WastewaterMode;
  wastewaterUnitPriceKurus: number;
  wastewaterShareBp: number;
  wastewaterVatRateBp: number;
  minimumChargeKurus: number;
  latePaymentInterestBp: number;
  note: string | null;
  tiers: { ordinal: number; fromM3: number; toM3: number | null; unitPriceKurus: number }[];
  fees: { ordinal: number; code: string; name: string; unitPriceKurus: number; vatRateBp: number }[];
}

export function toVersionRecord(v: TariffVersionInput): VersionRecord {
  return {
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo ?? null,
    fixedChargeKurus: v.fixedChargeKurus,
    fixedVatRateBp: percentToBp(v.fixedVatRate),
    waterVatRateBp: percentToBp(v.waterVatRate),
    wastewaterMode: v.wastewaterMode,
    wastewaterUnitPriceKurus: v.wastewaterUnitPriceKurus,
    wastewaterShareBp: percentToBp(v.wastewaterSharePercent),
    wastewaterVatRateBp: percentToBp(v.wastewaterVatRate),
    minimumChargeKurus: v.minimumChargeKurus,
    latePaymentInterestBp: percentToBp(v.latePaymentInterestRate),
    note: v.note ?? null,
    tiers: v.tiers.map((t, i) => ({ ordinal: i + 1, fromM3: t.fromM3, toM3: t.toM3, unitPriceKurus: t.unitPriceKurus })),
    fees: v.fees.map((f, i) => ({
      ordinal: i + 1,
      code: f.code,
      name: f.name,
      unitPriceKurus: f.unitPriceKurus,
      vatRateBp: percentToBp(f.vatRate),
    })),
  };
}

/** The input that would store `r` again (to merge a partial update of a draft). */
export function toVersionInput(r: VersionRecord): TariffVersionInput {
  return {
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
    fixedChargeKurus: r.fixedChargeKurus,
    fixedVatRate: r.fixedVatRateBp / 100,
    waterVatRate: r.waterVatRateBp / 100,
    wastewaterMode: r.wastewaterMode,
    wastewaterUnitPriceKurus: r.wastewaterUnitPriceKurus,
    wastewaterSharePercent: r.wastewaterShareBp / 100,
    wastewaterVatRate: r.wastewaterVatRateBp / 100,
    minimumChargeKurus: r.minimumChargeKurus,
    latePaymentInterestRate: r.latePaymentInterestBp / 100,
    note: r.note,
    tiers: r.tiers.map((t) => ({ fromM3: t.fromM3, toM3: t.toM3, unitPriceKurus: t.unitPriceKurus })),
    fees: r.fees.map((f) => ({ code: f.code, name: f.name, unitPriceKurus: f.unitPriceKurus, vatRate: f.vatRateBp / 100 })),
  };
}

export function toPricingVersion(id: string, r: VersionRecord): PricingVersion {
  return {
    id,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
    fixedChargeKurus: r.fixedChargeKurus,
    fixedVatRateBp: r.fixedVatRateBp,
    tiers: r.tiers.map((t) => ({
      fromLitres: m3ToLitres(t.fromM3),
      toLitres: t.toM3 === null ? null : m3ToLitres(t.toM3),
      unitPriceKurus: t.unitPriceKurus,
    })),
    waterVatRateBp: r.waterVatRateBp,
    wastewaterMode: r.wastewaterMode,
    wastewaterUnitPriceKurus: r.wastewaterUnitPriceKurus,
    wastewaterShareBp: r.wastewaterShareBp,
    wastewaterVatRateBp: r.wastewaterVatRateBp,
    fees: r.fees.map((f) => ({ code: f.code, name: f.name, unitPriceKurus: f.unitPriceKurus, vatRateBp: f.vatRateBp })),
    minimumChargeKurus: r.minimumChargeKurus,
  };
}
