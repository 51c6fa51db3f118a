// @vitest-environment node
import { describe } from 'vitest';
import { files, itChecksI18nKeys } from './support/i18n-keys';

/** The dashboard map: its card, search, area filter, legend and Leaflet component (issue 21). */
const sources = [
  ...files('app/components/map'),
  'app/components/dashboard/DashboardMapCard.vue',
  'app/composables/useMapStatus.ts',
  'app/composables/useMapSearch.ts',
  'app/composables/useMapAreas.ts',
  'app/lib/map-controls.ts',
];

describe('dashboard map translations', () => {
  itChecksI18nKeys({
    localeFiles: ['dashboard'],
    families: ['map'],
    sources,
    usedPrefixes: ['map'],
    minKeys: 35,
    minUsed: 35,
  });
});
