// @vitest-environment node
import { describe } from 'vitest';
import { files, itChecksI18nKeys } from './support/i18n-keys';

/** The billing screens (issue 18): tariffs, runs, invoices, payments, dunning, reports. */
const sources = [
  ...files('app/pages/billing'),
  ...files('app/components/billing'),
  ...files('app/composables').filter((path) => /useBilling|useTariff|useInvoice|usePayment/.test(path)),
  ...files('app/lib').filter((path) => path.includes('billing-')),
  'app/lib/navigation.ts',
];

describe('billing translations', () => {
  itChecksI18nKeys({
    localeFiles: ['dashboard', 'assets', 'admin', 'ops', 'meter-data', 'alarm-work', 'billing'],
    families: ['billing'],
    sources,
    usedPrefixes: ['billing', 'common', 'nav'],
    minKeys: 150,
    minUsed: 120,
  });
});
