// @vitest-environment node
import { describe } from 'vitest';
import { files, itChecksI18nKeys } from './support/i18n-keys';

/** The notification centre (issue 19): the bell, the list and the preferences. */
const sources = [
  ...files('app/pages/notifications'),
  ...files('app/components/notifications'),
  'app/composables/useNotifications.ts',
  'app/lib/notifications.ts',
];

describe('notification translations', () => {
  itChecksI18nKeys({
    localeFiles: ['notifications'],
    families: ['notifications'],
    sources,
    usedPrefixes: ['notifications', 'common'],
    minKeys: 30,
    minUsed: 25,
  });
});
