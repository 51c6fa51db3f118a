// @vitest-environment node
import { describe } from 'vitest';
import { files, itChecksI18nKeys } from './support/i18n-keys';

/** The meter-data screens (issue 17): data quality, rule settings, imports, reading edits, exports. */
const sources = [
  ...files('app/pages/data-quality'),
  ...files('app/pages/imports'),
  ...files('app/components/meter-data'),
  ...files('app/components/imports'),
  'app/components/crud/ExportLinks.vue',
  'app/components/assets/ReadingsTable.vue',
  'app/components/readings/ReadingsTable.vue',
  'app/components/charts/ConsumptionChart.vue',
  'app/composables/useMeterData.ts',
  'app/composables/useImports.ts',
  'app/lib/reading-quality.ts',
  'app/lib/reading-edit-form.ts',
  'app/lib/import-wizard.ts',
  'app/lib/meter-data-settings-form.ts',
  'app/lib/revalidate-form.ts',
  'app/lib/navigation.ts',
];

describe('meter data translations', () => {
  itChecksI18nKeys({
    localeFiles: ['dashboard', 'assets', 'admin', 'ops', 'meter-data'],
    families: ['meterData', 'imports'],
    sources,
    usedPrefixes: ['meterData', 'imports', 'common', 'nav'],
    minKeys: 150,
    minUsed: 150,
  });
});
