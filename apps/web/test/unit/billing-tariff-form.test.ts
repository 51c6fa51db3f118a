import { describe, expect, it } from 'vitest';
import type { TariffVersionView, TierValues } from '~/lib/billing-tariff-form';
import { monthPeriod, previewPayload, previousMonth, validatePreview } from '~/lib/billing-preview-form';
import {
  addTier,
  createTariffVersionForm,
  emptyVersionValues,
  nextVersionValues,
  removeTier,
  tierIssues,
  validateTariff,
  validateVersion,
  versionEditMode,
  versionPayload,
  versionValuesFrom,
} from '~/lib/billing-tariff-form';

const tiers = (...rows: [string, string, string][]): TierValues[] =>
  rows.map(([fromM3, toM3, unitPriceKurus]) => ({ fromM3, toM3, unitPriceKurus }));
const keys = (issues: Record<string, { key: string }>) => Object.fromEntries(Object.entries(issues).map(([k, v]) => [k, v.key]));

const STORED: TariffVersionView = {
  id: '00000000-0000-4000-8000-000000000001',
  effectiveFrom: '2025-01-01',
  effectiveTo: null,
  state: 'CURRENT',
  fixedChargeKurus: 2550,
  fixedVatRate: 10,
  tiers: [
    { fromM3: 0, toM3: 10, unitPriceKurus: 1995 },
    { fromM3: 10, toM3: 20.5, unitPriceKurus: 2990 },
    { fromM3: 20.5, toM3: null, unitPriceKurus: 4500 },
  ],
  waterVatRate: 10,
  wastewaterMode: 'PER_M3',
  wastewaterUnitPriceKurus: 1150,
  wastewaterSharePercent: 0,
  wastewaterVatRate: 10,
  fees: [{ code: 'CTV', name: 'Çevre', unitPriceKurus: 90, vatRate: 0 }],
  minimumChargeKurus: 5000,
  latePaymentInterestRate: 3.5,
  note: null,
};

describe('tariff tiers: the no-gap rule before submit', () => {
  it('accepts tiers from 0 m³ that follow each other, the last open-ended', () => {
    expect(tierIssues(tiers(['0', '10', '19,95'], ['10', '20,5', '29,90'], ['20,5', '', '45']))).toEqual({});
    expect(tierIssues(tiers(['0', '', '12']))).toEqual({});
  });

  it('names the tier that leaves a gap or overlaps, with the bound it should start at', () => {
    const issues = tierIssues(tiers(['0', '10', '1'], ['12', '20', '2'], ['19', '', '3']));
    expect(issues['tiers.1.fromM3']).toEqual({ key: 'billing.validation.tierGap', params: { m3: '10' } });
    expect(issues['tiers.2.fromM3']).toEqual({ key: 'billing.validation.tierOverlap', params: { m3: '20' } });
  });

  it('wants the first tier at 0 m³, an end on every tier but the last, none on the last, ends above starts', () => {
    expect(keys(tierIssues(tiers(['1', '', '1'])))).toEqual({ 'tiers.0.fromM3': 'billing.validation.firstTierFromZero' });
    expect(keys(tierIssues(tiers(['0', '', '1'], ['', '', '1'])))).toEqual({
      'tiers.0.toM3': 'billing.validation.tierEndRequired',
      'tiers.1.fromM3': 'billing.validation.required',
    });
    expect(keys(tierIssues(tiers(['0', '10', '1'])))).toEqual({ 'tiers.0.toM3': 'billing.validation.lastTierOpen' });
    expect(keys(tierIssues(tiers(['0', '0', '1'], ['0', '', '1'])))).toEqual({ 'tiers.0.toM3': 'billing.validation.tierEndAfterStart' });
    expect(keys(tierIssues([]))).toEqual({ tiers: 'billing.validation.tiersRequired' });
  });

  it('checks prices and volumes as typed (two decimals of TL, three of m³)', () => {
    expect(keys(tierIssues(tiers(['0', '10,0001', '1,234'], ['10,0001', '', ''])))).toEqual({
      'tiers.0.toM3': 'billing.validation.volume',
      'tiers.0.unitPriceKurus': 'billing.validation.money',
      'tiers.1.fromM3': 'billing.validation.volume',
      'tiers.1.unitPriceKurus': 'billing.validation.required',
    });
  });

  it('adds a row starting where the last ends and removes one without opening a gap', () => {
    const rows = tiers(['0', '10', '1'], ['10', '20', '2'], ['20', '', '3']);
    removeTier(rows, 1);
    expect(rows.map((r) => [r.fromM3, r.toM3])).toEqual([
      ['0', '10'],
      ['10', ''],
    ]);
    addTier(rows);
    expect(rows[2]).toEqual({ fromM3: '', toM3: '', unitPriceKurus: '' });
    rows[2]!.toM3 = '25';
    addTier(rows);
    expect(rows[3]!.fromM3).toBe('25');
    removeTier(rows, 0);
    expect(rows[0]!.fromM3).toBe('0');
    const one = tiers(['0', '', '1']);
    removeTier(one, 0);
    expect(one).toHaveLength(1);
    // Removing the last tier makes the one before it open-ended.
    const two = tiers(['0', '10', '1'], ['10', '', '2']);
    removeTier(two, 1);
    expect(two).toEqual(tiers(['0', '', '1']));
  });
});

describe('tariff version form', () => {
  it('shows a stored version as text and sends it back exactly, in kuruş, percent and m³', () => {
    const values = versionValuesFrom(STORED);
    expect(values.fixedChargeKurus).toBe('25,50');
    expect(values.tiers.map((t) => [t.fromM3, t.toM3, t.unitPriceKurus])).toEqual([
      ['0', '10', '19,95'],
      ['10', '20,5', '29,90'],
      ['20,5', '', '45,00'],
    ]);
    expect(values.latePaymentInterestRate).toBe('3,5');
    expect(validateVersion(values)).toEqual({});
    const { id: _id, state: _state, ...body } = STORED;
    expect(versionPayload(values)).toEqual(body);
  });

  it('checks wastewater fields by mode, fee codes, dates and rates', () => {
    const values = { ...emptyVersionValues('2026-01-01'), tiers: tiers(['0', '', '10']) };
    values.wastewaterMode = 'SHARE_OF_WATER';
    values.wastewaterSharePercent = '101';
    values.effectiveTo = '2025-12-31';
    values.fees = [
      { code: 'CTV', name: 'x', unitPriceKurus: '0,90', vatRate: '0' },
      { code: 'CTV', name: '', unitPriceKurus: '-1', vatRate: '20,125' },
    ];
    expect(keys(validateVersion(values))).toEqual({
      effectiveTo: 'billing.validation.endAfterStart',
      wastewaterSharePercent: 'billing.validation.percentMax',
      'fees.1.code': 'billing.validation.duplicateCode',
      'fees.1.name': 'billing.validation.required',
      'fees.1.unitPriceKurus': 'billing.validation.money',
      'fees.1.vatRate': 'billing.validation.percent',
    });
    // The fields of another mode are neither checked nor sent.
    values.wastewaterMode = 'NONE';
    values.fees = [];
    values.effectiveTo = '';
    expect(validateVersion(values)).toEqual({});
    expect(versionPayload(values)).toMatchObject({
      wastewaterMode: 'NONE',
      wastewaterSharePercent: 0,
      wastewaterVatRate: 0,
      effectiveTo: null,
    });
  });

  it('prefixes the paths of a new tariff’s first version, as the API names them', () => {
    const issues = validateTariff({
      tenantId: '',
      code: 'bad code',
      name: '',
      subscriptionType: 'INDIVIDUAL',
      subscriptionGroupId: '',
      isExample: false,
      version: { ...emptyVersionValues(''), tiers: tiers(['5', '', '1']) },
    });
    expect(Object.keys(issues).sort()).toEqual(['code', 'name', 'tenantId', 'version.effectiveFrom', 'version.tiers.0.fromM3']);
  });

  it('lets a version in force change only its end, a draft everything, a past one nothing', () => {
    expect(versionEditMode(null)).toBe('new');
    expect(versionEditMode({ ...STORED, state: 'FUTURE' })).toBe('draft');
    expect(versionEditMode(STORED)).toBe('close');
    expect(versionEditMode({ ...STORED, state: 'PAST' })).toBe('readonly');
    const closing = createTariffVersionForm(() => versionValuesFrom(STORED), 'close');
    closing.values.effectiveTo = '2026-07-01';
    expect(closing.patch()).toEqual({ effectiveTo: '2026-07-01' });
    closing.values.effectiveTo = '2024-01-01';
    expect(Object.keys(closing.issues.value)).toEqual(['effectiveTo']);
    const draft = createTariffVersionForm(() => versionValuesFrom({ ...STORED, state: 'FUTURE' }), 'draft');
    expect(draft.dirty.value).toBe(false);
    draft.values.tiers[0]!.unitPriceKurus = '20';
    expect(draft.dirty.value).toBe(true);
    expect(draft.patch()).toMatchObject({ tiers: [{ unitPriceKurus: 2000 }, {}, {}] });
  });

  it('starts a new version from the latest one’s prices, after its end', () => {
    const tariff = {
      versions: [STORED, { ...STORED, id: 'b', effectiveFrom: '2024-01-01', effectiveTo: '2025-01-01', fixedChargeKurus: 1 }],
    };
    const next = nextVersionValues(tariff as never, '2026-03-01');
    expect(next.effectiveFrom).toBe('2026-03-01');
    expect(next.fixedChargeKurus).toBe('25,50');
    expect(nextVersionValues({ versions: [{ ...STORED, effectiveTo: '2026-06-01' }] } as never, '2026-03-01').effectiveFrom).toBe(
      '2026-06-01',
    );
    expect(nextVersionValues(null, '2026-03-01').tiers).toEqual(tiers(['0', '', '']));
  });
});

describe('price this consumption', () => {
  it('turns a month into the API period [first day, first day of the next month)', () => {
    expect(monthPeriod('2026-02')).toEqual({ periodStart: '2026-02-01', periodEnd: '2026-03-01' });
    expect(monthPeriod('2025-12')).toEqual({ periodStart: '2025-12-01', periodEnd: '2026-01-01' });
    expect(monthPeriod('2025-13')).toBeNull();
    expect(previousMonth('2026-01-15')).toBe('2025-12');
    expect(previousMonth('2026-03-31')).toBe('2026-02');
  });

  it('checks the consumption and sends m³ numbers', () => {
    expect(Object.keys(validatePreview({ month: '', consumptionM3: '', estimatedM3: '' }))).toEqual(['periodStart', 'consumptionM3']);
    expect(validatePreview({ month: '2026-02', consumptionM3: '5', estimatedM3: '6' }).estimatedM3?.key).toBe(
      'billing.validation.estimatedAtMost',
    );
    expect(previewPayload({ month: '2026-02', consumptionM3: '18,5', estimatedM3: '' })).toEqual({
      periodStart: '2026-02-01',
      periodEnd: '2026-03-01',
      consumptionM3: 18.5,
      estimatedM3: 0,
    });
  });
});
