// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ASSET_AREAS, recordName, recordParams } from '~/lib/asset-areas';
import { ENUM_LABELS, enumLabel, labelKey } from '~/lib/enum-labels';
import { files, itChecksI18nKeys } from './support/i18n-keys';

const AREAS = ['customers', 'subscriptions', 'meters', 'devices'] as const;

describe('asset areas', () => {
  it('names a record by its area field, as the texts take it', () => {
    expect(recordName(ASSET_AREAS.customers, { displayName: 'Ayşe Yılmaz' })).toBe('Ayşe Yılmaz');
    expect(recordParams(ASSET_AREAS.meters, { serialNo: 'M-1' })).toEqual({ serialNo: 'M-1' });
    expect(recordParams(ASSET_AREAS.subscriptions, { subscriptionNo: 'S-9' })).toEqual({ subscriptionNo: 'S-9' });
  });

  it('keeps each control id and testid once across the areas', () => {
    const ids = AREAS.flatMap((a) => [...ASSET_AREAS[a].filters.map((f) => f.id), ...Object.values(ASSET_AREAS[a].testids)]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('enum labels', () => {
  const t = (key: string) => `«${key}»`;

  it('translates a known code, shows an unknown one as it is and a missing one as a dash', () => {
    expect(enumLabel(t, 'status', 'WAREHOUSE')).toBe('«enums.status.warehouse»');
    expect(enumLabel(t, 'alarmType', 'NEW_KIND')).toBe('NEW_KIND');
    expect(enumLabel(t, 'meterType', null)).toBe('—');
    expect(labelKey(ENUM_LABELS.transport, 'MQTT')).toBe('enums.transport.mqtt');
  });
});

describe('asset and enum translations', () => {
  itChecksI18nKeys({
    localeFiles: ['assets', 'admin'],
    families: ['enums', ...AREAS],
    sources: [
      ...AREAS.flatMap((a) => [...files(`app/pages/${a}`), ...files(`app/components/${a}`)]),
      ...files('app/components/assets'),
      'app/lib/asset-areas.ts',
      'app/lib/enum-labels.ts',
    ],
    usedPrefixes: ['enums', 'assets', ...AREAS],
    minKeys: 200,
    minUsed: 150,
  });
});

describe('shared CRUD texts', () => {
  itChecksI18nKeys({
    localeFiles: ['admin'],
    families: ['crud'],
    sources: ['app/composables/useCrudTexts.ts'],
    usedPrefixes: ['crud'],
    minKeys: 15,
    minUsed: 15,
  });
});
