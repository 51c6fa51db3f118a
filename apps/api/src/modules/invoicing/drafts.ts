import { litresToM3, mulDivHalfUp, vatOf, volumeCharge } from '../billing/pricing/money';
import { daysBetween } from '../billing/pricing/periods';
import { price, type PricedLine, type PricingResult, type PricingVersion } from '../billing/pricing/pricing';

/**
 * A subscription's draft invoice for one period: what the billing run (and a re-issue) computes. Pure;
 * the rules are in docs/decisions.md, "Billing: runs and invoices".
 */

export type NoReadingPolicy = 'ESTIMATE' | 'MINIMUM';
export type InvoiceLanguage = 'tr' | 'en';
export type DraftComponent = PricedLine['component'] | 'CORRECTION';

export interface DraftInput {
  /** The service days inside the period: [serviceStart, serviceEnd), ISO dates. */
  serviceStart: string;
  serviceEnd: string;
  versions: PricingVersion[];
  /** The period's daily rollups of the subscription; null when it has none (no readings). */
  metered: { litres: number; estimatedLitres: number } | null;
  policy: NoReadingPolicy;
  /** Rollups of the 90 days before the period: litres over the days that have one. */
  history: { litres: number; days: number } | null;
  /** Earlier invoiced periods: consumption billed (with corrections carried) and what the rollups hold now, litres. */
  earlier: { billedLitres: number; currentLitres: number } | null;
  language: InvoiceLanguage;
}

export interface DraftLine {
  component: DraftComponent;
  tier: number | null;
  code: string | null;
  description: string;
  tariffVersionId: string | null;
  segmentStart: string | null;
  segmentEnd: string | null;
  /** Signed m³ with three decimals. */
  quantityM3: string | null;
  unitPriceKurus: number | null;
  netKurus: number;
  vatRateBp: number;
  vatKurus: number;
  grossKurus: number;
}

export interface Draft {
  /** How the consumption was found: the rollups, the no-reading estimate, or none (minimum charge). */
  basis: 'METERED' | 'ESTIMATED' | 'MINIMUM';
  consumptionLitres: number;
  estimatedLitres: number;
  lines: DraftLine[];
  netKurus: number;
  vatKurus: number;
  grossKurus: number;
}

const TEXTS = {
  tr: {
    FIXED: 'Sabit ücret',
    WATER: (tier: number) => `Su bedeli, ${tier}. kademe`,
    WASTEWATER: 'Atık su bedeli',
    MINIMUM: 'Asgari ücret farkı',
    CORRECTION: 'Tüketim düzeltmesi (önceki dönemler)',
  },
  en: {
    FIXED: 'Fixed charge',
    WATER: (tier: number) => `Water, tier ${tier}`,
    WASTEWATER: 'Wastewater charge',
    MINIMUM: 'Minimum charge top-up',
    CORRECTION: 'Consumption correction (earlier periods)',
  },
} as const;

/** "12.345" or "-0.250" m³ → litres (signed); the rollups' sums come as text. */
export function signedLitres(m3: string | null | undefined): number {
  if (m3 === null || m3 === undefined || m3 === '') return 0;
  const match = /^(-?)(\d+)(?:\.(\d{1,3})\d*)?$/.exec(m3.trim());
  if (!match) throw new RangeError(`not an m³ amount: ${m3}`);
  const litres = Number(match[2]) * 1000 + Number((match[3] ?? '').padEnd(3, '0'));
  return match[1] ? -litres : litres;
}

export function signedM3(litres: number): string {
  return litres < 0 ? `-${litresToM3(-litres)}` : litresToM3(litres);
}

/** The no-reading estimate: the average day of the history (days with data) times the service days, half-up to the litre. */
export function estimateLitres(history: DraftInput['history'], serviceDays: number): number {
  if (!history || history.days <= 0 || history.litres <= 0) return 0;
  return mulDivHalfUp(history.litres, serviceDays, history.days);
}

/** The unit price of the last litre priced (the highest tier reached in the last segment), with its version and VAT rate. */
export function marginalPrice(
  result: PricingResult,
  versions: PricingVersion[],
): { versionId: string; unitPriceKurus: number; vatRateBp: number } {
  const last = result.segments[result.segments.length - 1];
  const version = versions.find((v) => v.id === last.versionId)!;
  const water = result.lines.filter((l) => l.component === 'WATER' && l.versionId === last.versionId);
  const top = water.reduce<PricedLine | undefined>((best, l) => (!best || (l.tier ?? 0) > (best.tier ?? 0) ? l : best), undefined);
  const first = [...version.tiers].sort((a, b) => a.fromLitres - b.fromLitres)[0];
  return { versionId: version.id, unitPriceKurus: top?.unitPriceKurus ?? first.unitPriceKurus, vatRateBp: version.waterVatRateBp };
}

export function computeDraft(input: DraftInput): Draft {
  const serviceDays = daysBetween(input.serviceStart, input.serviceEnd);
  let basis: Draft['basis'] = 'METERED';
  let litres = 0;
  let estimated = 0;
  if (input.metered) {
    // A period whose corrected rollups went below zero bills none; the correction of a later period carries the rest.
    litres = Math.max(0, input.metered.litres);
    estimated = Math.min(litres, Math.max(0, input.metered.estimatedLitres));
  } else if (input.policy === 'ESTIMATE') {
    basis = 'ESTIMATED';
    litres = estimateLitres(input.history, serviceDays);
    estimated = litres;
  } else {
    basis = 'MINIMUM';
  }
  const result = price({
    versions: input.versions,
    periodStart: input.serviceStart,
    periodEnd: input.serviceEnd,
    consumptionLitres: litres,
    estimatedLitres: estimated,
  });
  const texts = TEXTS[input.language];
  const feeName = (versionId: string, code: string | null) =>
    input.versions.find((v) => v.id === versionId)?.fees.find((f) => f.code === code)?.name ?? code ?? '';
  const lines: DraftLine[] = result.lines.map((l) => ({
    component: l.component,
    tier: l.tier,
    code: l.code,
    description:
      l.component === 'WATER' ? texts.WATER(l.tier ?? 1) : l.component === 'FEE' ? feeName(l.versionId, l.code) : texts[l.component],
    tariffVersionId: l.versionId,
    segmentStart: l.segmentStart,
    segmentEnd: l.segmentEnd,
    quantityM3: l.quantityM3,
    unitPriceKurus: l.unitPriceKurus,
    netKurus: l.netKurus,
    vatRateBp: l.vatRateBp,
    vatKurus: l.vatKurus,
    grossKurus: l.grossKurus,
  }));

  const delta = input.earlier ? input.earlier.currentLitres - input.earlier.billedLitres : 0;
  if (delta !== 0) {
    const marginal = marginalPrice(result, input.versions);
    const sign = delta < 0 ? -1 : 1;
    const net = volumeCharge(Math.abs(delta), marginal.unitPriceKurus);
    const vat = vatOf(net, marginal.vatRateBp);
    lines.push({
      component: 'CORRECTION',
      tier: null,
      code: null,
      description: texts.CORRECTION,
      tariffVersionId: marginal.versionId,
      segmentStart: null,
      segmentEnd: null,
      quantityM3: signedM3(delta),
      unitPriceKurus: marginal.unitPriceKurus,
      netKurus: sign * net,
      vatRateBp: marginal.vatRateBp,
      vatKurus: sign * vat,
      grossKurus: sign * (net + vat),
    });
  }
  const sum = (pick: (l: DraftLine) => number) => lines.reduce((acc, l) => acc + pick(l), 0);
  return {
    basis,
    consumptionLitres: litres,
    estimatedLitres: estimated,
    lines,
    netKurus: sum((l) => l.netKurus),
    vatKurus: sum((l) => l.vatKurus),
    grossKurus: sum((l) => l.grossKurus),
  };
}

/** [start, end) of the calendar month `YYYY-MM`. */
export function monthPeriod(period: string): { periodStart: string; periodEnd: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { periodStart: `${period}-01`, periodEnd: end };
}

/** The month before the one holding `today` (YYYY-MM-DD) as `YYYY-MM`. */
export function previousMonth(today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
