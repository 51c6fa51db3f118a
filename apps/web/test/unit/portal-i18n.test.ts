// @vitest-environment node
import { describe } from 'vitest';
import { files, itChecksI18nKeys } from './support/i18n-keys';

/** The customer portal (issue 19): every screen, its forms and the texts derived from the API's codes. */
const sources = [
  ...files('app/pages/portal'),
  ...files('app/components/portal'),
  'app/layouts/portal.vue',
  ...files('app/composables').filter((f) => /usePortal/.test(f)),
  ...files('app/lib').filter((f) => /portal-/.test(f)),
];

describe('portal translations', () => {
  itChecksI18nKeys({
    localeFiles: ['portal'],
    families: ['portal'],
    sources,
    usedPrefixes: ['portal'],
    minKeys: 150,
    minUsed: 150,
  });
});
