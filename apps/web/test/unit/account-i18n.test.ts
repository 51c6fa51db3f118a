// @vitest-environment node
import { describe } from 'vitest';
import { files, itChecksI18nKeys } from './support/i18n-keys';

/** The account pages, the forgotten-password pair, role templates and the date-range picker. */
const sources = [
  ...files('app/components/account'),
  ...files('app/pages/account'),
  'app/pages/forgot-password.vue',
  'app/pages/reset-password.vue',
  'app/components/LoginForm.vue',
  'app/components/UserMenu.vue',
  'app/components/filters/DateRangePicker.vue',
  'app/components/users/PermissionMatrix.vue',
  'app/composables/useAccount.ts',
  'app/lib/account-forms.ts',
  'app/lib/role-templates.ts',
  'app/lib/date-range.ts',
];

describe('account and date-range translations', () => {
  itChecksI18nKeys({
    localeFiles: ['account'],
    families: ['account', 'dateRange'],
    sources,
    usedPrefixes: ['account', 'dateRange'],
    minKeys: 70,
    minUsed: 60,
  });
});
