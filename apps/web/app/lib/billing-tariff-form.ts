import type { ApiBody, ApiSchema } from '~/lib/api-client';
import type { FieldIssue, FieldIssues } from '~/lib/form-model';
import { computed, reactive, ref } from 'vue';
import { snapshot } from '~/lib/form-model';
import {
  bpToPercent,
  kurusInputText,
  litresToM3,
  m3InputText,
  MAX_KURUS,
  parseLitres,
  parseMoney,
  parsePercentBp,
  percentInputText,
} from '~/lib/billing-money';

/**
 * The tariff editor's logic (issue 18), pure: a version's values as typed text (money in TL, rates in
 * percent, tier bounds in m³), the checks the API makes (tiers start at 0 m³ and follow each other with
 * no gap or overlap, the last one open-ended), and the API bodies in kuruş, percent and m³ numbers.
 * Value keys are the API's field names, so a refusal's path ("tiers.2.fromM3") lands on its input.
 */

export type TariffView = ApiSchema<'TariffDto'>;
export type TariffVersionView = TariffView['versions'][number];
export type TariffVersionBody = ApiBody<'/api/tariffs/{id}/versions', 'post'>;
export type TariffCreateBody = ApiBody<'/api/tariffs', 'post'>;
export type TariffVersionPatch = ApiBody<'/api/tariffs/{id}/versions/{versionId}', 'patch'>;
export type WastewaterMode = NonNullable<TariffVersionBody['wastewaterMode']>;
export type SubscriptionType = TariffCreateBody['subscriptionType'];

export const WASTEWATER_MODES: readonly WastewaterMode[] = ['NONE', 'PER_M3', 'SHARE_OF_WATER'];
export const SUBSCRIPTION_TYPES: readonly SubscriptionType[] = ['INDIVIDUAL', 'ORGANIZATIONAL'];
export const MAX_TIERS = 20;
export const MAX_FEES = 10;

export interface TierValues {
  fromM3: string;
  /** Empty on the last, open-ended tier. */
  toM3: string;
  /** TL */
  unitPriceKurus: string;
}

export interface FeeValues {
  code: string;
  name: string;
  /** TL per m³ */
  unitPriceKurus: string;
  vatRate: string;
}

/** One tariff version as typed: money in TL, rates in percent, bounds in m³ (text, either decimal separator). */
export interface TariffVersionValues {
  effectiveFrom: string;
  effectiveTo: string;
  fixedChargeKurus: string;
  fixedVatRate: string;
  tiers: TierValues[];
  waterVatRate: string;
  wastewaterMode: WastewaterMode;
  wastewaterUnitPriceKurus: string;
  wastewaterSharePercent: string;
  wastewaterVatRate: string;
  fees: FeeValues[];
  minimumChargeKurus: string;
  latePaymentInterestRate: string;
  note: string;
}

export interface TariffValues {
  tenantId: string;
  code: string;
  name: string;
  subscriptionType: SubscriptionType;
  /** '' for every group of the type. */
  subscriptionGroupId: string;
  isExample: boolean;
  version: TariffVersionValues;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9_.-]{1,30}$/;

export function emptyTier(fromM3 = ''): TierValues {
  return { fromM3, toM3: '', unitPriceKurus: '' };
}

export function emptyVersionValues(effectiveFrom = ''): TariffVersionValues {
  return {
    effectiveFrom,
    effectiveTo: '',
    fixedChargeKurus: '0',
    fixedVatRate: '0',
    tiers: [emptyTier('0')],
    waterVatRate: '0',
    wastewaterMode: 'NONE',
    wastewaterUnitPriceKurus: '0',
    wastewaterSharePercent: '0',
    wastewaterVatRate: '0',
    fees: [],
    minimumChargeKurus: '0',
    latePaymentInterestRate: '0',
    note: '',
  };
}

/** The values of a stored version (to edit it, or to start the next version from it). */
export function versionValuesFrom(v: TariffVersionView, separator: '.' | ',' = ','): TariffVersionValues {
  const money = (k: number) => kurusInputText(k, separator);
  const rate = (p: number) => percentInputText(p, separator);
  return {
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo ?? '',
    fixedChargeKurus: money(v.fixedChargeKurus),
    fixedVatRate: rate(v.fixedVatRate),
    tiers: v.tiers.map((t) => ({
      fromM3: m3InputText(t.fromM3, separator),
      toM3: m3InputText(t.toM3, separator),
      unitPriceKurus: money(t.unitPriceKurus),
    })),
    waterVatRate: rate(v.waterVatRate),
    wastewaterMode: v.wastewaterMode,
    wastewaterUnitPriceKurus: money(v.wastewaterUnitPriceKurus),
    wastewaterSharePercent: rate(v.wastewaterSharePercent),
    wastewaterVatRate: rate(v.wastewaterVatRate),
    fees: v.fees.map((f) => ({ code: f.code, name: f.name, unitPriceKurus: money(f.unitPriceKurus), vatRate: rate(f.vatRate) })),
    minimumChargeKurus: money(v.minimumChargeKurus),
    latePaymentInterestRate: rate(v.latePaymentInterestRate),
    note: v.note ?? '',
  };
}

/** The next version starts from the latest one's prices, on the day after it or on `from`. */
export function nextVersionValues(tariff: TariffView | null, from: string, separator: '.' | ',' = ','): TariffVersionValues {
  const latest = tariff?.versions.reduce<TariffVersionView | null>((a, v) => (!a || v.effectiveFrom > a.effectiveFrom ? v : a), null);
  if (!latest) return emptyVersionValues(from);
  return {
    ...versionValuesFrom(latest, separator),
    effectiveFrom: latest.effectiveTo && latest.effectiveTo > from ? latest.effectiveTo : from,
    effectiveTo: '',
    note: '',
  };
}

// ─── Rows ───────────────────────────────────────────────────────────────────────

/** Adds a tier after the last one, starting where the last one ends (the last one may then need an end). */
export function addTier(tiers: TierValues[]): void {
  if (tiers.length >= MAX_TIERS) return;
  tiers.push(emptyTier(tiers[tiers.length - 1]?.toM3 ?? '0'));
}

/** Removes a tier; the next one then starts where the previous one ends, so no gap opens. The last tier stays. */
export function removeTier(tiers: TierValues[], index: number): void {
  if (tiers.length <= 1 || index < 0 || index >= tiers.length) return;
  tiers.splice(index, 1);
  const next = tiers[index];
  if (next) next.fromM3 = index === 0 ? '0' : tiers[index - 1]!.toM3;
  else tiers[tiers.length - 1]!.toM3 = '';
}

export function addFee(fees: FeeValues[]): void {
  if (fees.length < MAX_FEES) fees.push({ code: '', name: '', unitPriceKurus: '', vatRate: '0' });
}

export function removeFee(fees: FeeValues[], index: number): void {
  fees.splice(index, 1);
}

// ─── Checks ─────────────────────────────────────────────────────────────────────

type Issues = Record<string, FieldIssue>;

function moneyIssue(text: string, required = true): FieldIssue | undefined {
  const kurus = parseMoney(text);
  if (kurus === null) return required ? { key: 'billing.validation.required' } : undefined;
  if (Number.isNaN(kurus)) return { key: 'billing.validation.money' };
  if (kurus > MAX_KURUS) return { key: 'billing.validation.tooLarge' };
  return undefined;
}

function percentIssue(text: string): FieldIssue | undefined {
  const bp = parsePercentBp(text);
  if (bp === null) return { key: 'billing.validation.required' };
  if (Number.isNaN(bp)) return { key: 'billing.validation.percent' };
  if (bp > 10_000) return { key: 'billing.validation.percentMax' };
  return undefined;
}

/** The volume a tier bound names, in litres, shown back in m³ in messages. */
function bound(text: string): number | null {
  const litres = parseLitres(text);
  return litres === null || Number.isNaN(litres) ? null : litres;
}

/**
 * The no-gap rule: the first tier starts at 0 m³, each next one starts where the previous one ends,
 * every tier ends after it starts, only the last one is open-ended (its "to" empty).
 */
export function tierIssues(tiers: readonly TierValues[], prefix = ''): Issues {
  const issues: Issues = {};
  const at = (i: number, field: keyof TierValues) => `${prefix}tiers.${i}.${field}`;
  if (!tiers.length) issues[`${prefix}tiers`] = { key: 'billing.validation.tiersRequired' };
  tiers.forEach((tier, i) => {
    const last = i === tiers.length - 1;
    const from = bound(tier.fromM3);
    const to = bound(tier.toM3);
    if (!tier.fromM3.trim()) issues[at(i, 'fromM3')] = { key: 'billing.validation.required' };
    else if (from === null) issues[at(i, 'fromM3')] = { key: 'billing.validation.volume' };
    else if (i === 0 && from !== 0) issues[at(i, 'fromM3')] = { key: 'billing.validation.firstTierFromZero' };
    else if (i > 0) {
      const previous = bound(tiers[i - 1]!.toM3);
      if (previous !== null && from > previous)
        issues[at(i, 'fromM3')] = { key: 'billing.validation.tierGap', params: { m3: tiers[i - 1]!.toM3.trim() } };
      else if (previous !== null && from < previous)
        issues[at(i, 'fromM3')] = { key: 'billing.validation.tierOverlap', params: { m3: tiers[i - 1]!.toM3.trim() } };
    }
    if (last && tier.toM3.trim()) issues[at(i, 'toM3')] = { key: 'billing.validation.lastTierOpen' };
    else if (!last && !tier.toM3.trim()) issues[at(i, 'toM3')] = { key: 'billing.validation.tierEndRequired' };
    else if (!last && to === null) issues[at(i, 'toM3')] = { key: 'billing.validation.volume' };
    else if (!last && from !== null && to !== null && to <= from) issues[at(i, 'toM3')] = { key: 'billing.validation.tierEndAfterStart' };
    const price = moneyIssue(tier.unitPriceKurus);
    if (price) issues[at(i, 'unitPriceKurus')] = price;
  });
  return issues;
}

/** Every client check of a version; keys are API paths under `prefix` ("version." when creating a tariff). */
export function validateVersion(v: TariffVersionValues, prefix = ''): Issues {
  const issues: Issues = { ...tierIssues(v.tiers, prefix) };
  const mark = (field: string, issue: FieldIssue | undefined) => {
    if (issue) issues[`${prefix}${field}`] = issue;
  };
  if (!ISO_DATE.test(v.effectiveFrom)) mark('effectiveFrom', { key: 'billing.validation.date' });
  if (v.effectiveTo && !ISO_DATE.test(v.effectiveTo)) mark('effectiveTo', { key: 'billing.validation.date' });
  else if (v.effectiveTo && ISO_DATE.test(v.effectiveFrom) && v.effectiveTo <= v.effectiveFrom)
    mark('effectiveTo', { key: 'billing.validation.endAfterStart' });
  mark('fixedChargeKurus', moneyIssue(v.fixedChargeKurus));
  mark('fixedVatRate', percentIssue(v.fixedVatRate));
  mark('waterVatRate', percentIssue(v.waterVatRate));
  if (v.wastewaterMode === 'PER_M3') mark('wastewaterUnitPriceKurus', moneyIssue(v.wastewaterUnitPriceKurus));
  if (v.wastewaterMode === 'SHARE_OF_WATER') mark('wastewaterSharePercent', percentIssue(v.wastewaterSharePercent));
  if (v.wastewaterMode !== 'NONE') mark('wastewaterVatRate', percentIssue(v.wastewaterVatRate));
  const codes = new Set<string>();
  v.fees.forEach((fee, i) => {
    const code = fee.code.trim();
    if (!CODE.test(code)) mark(`fees.${i}.code`, { key: code ? 'billing.validation.code' : 'billing.validation.required' });
    else if (codes.has(code)) mark(`fees.${i}.code`, { key: 'billing.validation.duplicateCode' });
    codes.add(code);
    if (!fee.name.trim()) mark(`fees.${i}.name`, { key: 'billing.validation.required' });
    mark(`fees.${i}.unitPriceKurus`, moneyIssue(fee.unitPriceKurus));
    mark(`fees.${i}.vatRate`, percentIssue(fee.vatRate));
  });
  mark('minimumChargeKurus', moneyIssue(v.minimumChargeKurus));
  mark('latePaymentInterestRate', percentIssue(v.latePaymentInterestRate));
  if (v.note.length > 500) mark('note', { key: 'billing.validation.maxLength', params: { max: 500 } });
  return issues;
}

export function validateTariff(values: TariffValues): Issues {
  const issues: Issues = validateVersion(values.version, 'version.');
  if (!values.tenantId) issues.tenantId = { key: 'billing.validation.choose' };
  if (!values.code.trim()) issues.code = { key: 'billing.validation.required' };
  else if (!CODE.test(values.code.trim())) issues.code = { key: 'billing.validation.code' };
  if (!values.name.trim()) issues.name = { key: 'billing.validation.required' };
  else if (values.name.trim().length > 100) issues.name = { key: 'billing.validation.maxLength', params: { max: 100 } };
  return issues;
}

// ─── Bodies ─────────────────────────────────────────────────────────────────────

const kurus = (text: string) => parseMoney(text) ?? 0;
const percent = (text: string) => bpToPercent(parsePercentBp(text) ?? 0);
const m3 = (text: string) => litresToM3(parseLitres(text) ?? 0);

/** The API body of a version whose values passed validateVersion. */
export function versionPayload(v: TariffVersionValues): TariffVersionBody {
  return {
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo || null,
    fixedChargeKurus: kurus(v.fixedChargeKurus),
    fixedVatRate: percent(v.fixedVatRate),
    tiers: v.tiers.map((t, i) => ({
      fromM3: m3(t.fromM3),
      toM3: i === v.tiers.length - 1 || !t.toM3.trim() ? null : m3(t.toM3),
      unitPriceKurus: kurus(t.unitPriceKurus),
    })),
    waterVatRate: percent(v.waterVatRate),
    wastewaterMode: v.wastewaterMode,
    wastewaterUnitPriceKurus: v.wastewaterMode === 'PER_M3' ? kurus(v.wastewaterUnitPriceKurus) : 0,
    wastewaterSharePercent: v.wastewaterMode === 'SHARE_OF_WATER' ? percent(v.wastewaterSharePercent) : 0,
    wastewaterVatRate: v.wastewaterMode === 'NONE' ? 0 : percent(v.wastewaterVatRate),
    fees: v.fees.map((f) => ({
      code: f.code.trim(),
      name: f.name.trim(),
      unitPriceKurus: kurus(f.unitPriceKurus),
      vatRate: percent(f.vatRate),
    })),
    minimumChargeKurus: kurus(v.minimumChargeKurus),
    latePaymentInterestRate: percent(v.latePaymentInterestRate),
    note: v.note.trim() || null,
  };
}

export function tariffPayload(values: TariffValues): TariffCreateBody {
  return {
    tenantId: values.tenantId,
    code: values.code.trim(),
    name: values.name.trim(),
    subscriptionType: values.subscriptionType,
    subscriptionGroupId: values.subscriptionGroupId || null,
    isExample: values.isExample,
    version: versionPayload(values.version),
  };
}

// ─── Form state ─────────────────────────────────────────────────────────────────

/**
 * What a stored version lets one change: a FUTURE version is a draft (everything); a CURRENT one only
 * its end (closing it); a PAST one nothing (API rule, tariffs.service.ts).
 */
export type VersionEditMode = 'new' | 'draft' | 'close' | 'readonly';

export function versionEditMode(version: TariffVersionView | null): VersionEditMode {
  if (!version) return 'new';
  return version.state === 'FUTURE' ? 'draft' : version.state === 'CURRENT' ? 'close' : 'readonly';
}

function model<V extends object>(start: () => V, validate: (values: V) => Issues) {
  const initial = ref(start());
  const values = reactive(start()) as V;
  const issues = computed<FieldIssues>(() => validate(values));
  return {
    values,
    issues,
    valid: computed(() => Object.keys(issues.value).length === 0),
    dirty: computed(() => snapshot(values) !== snapshot(initial.value)),
  };
}

/** A new tariff with its first version. */
export function createTariffForm(start: () => TariffValues) {
  const form = model(start, validateTariff);
  return { ...form, payload: () => tariffPayload(form.values) };
}

/** A version of a tariff: new, a draft, or a version in force of which only the end may change. */
export function createTariffVersionForm(start: () => TariffVersionValues, mode: VersionEditMode) {
  const form = model(start, (v) => {
    if (mode !== 'close') return validateVersion(v);
    const issues = validateVersion(v);
    return Object.fromEntries(Object.entries(issues).filter(([key]) => key === 'effectiveTo'));
  });
  return {
    ...form,
    mode,
    payload: (): TariffVersionBody => versionPayload(form.values),
    /** The PATCH of a stored version: everything for a draft, only the end for a version in force. */
    patch: (): TariffVersionPatch =>
      mode === 'close' ? { effectiveTo: form.values.effectiveTo || null } : (versionPayload(form.values) as TariffVersionPatch),
  };
}

export type TariffVersionFormModel = ReturnType<typeof createTariffVersionForm>;
export type TariffFormModel = ReturnType<typeof createTariffForm>;
