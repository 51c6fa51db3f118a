import { MONEY_NUMBER_FORMAT } from '../app/lib/billing-money';

// Number formats used through n(); dates use formatDateTime from @water/shared (DD.MM.YYYY HH:mm:ss).
const numberFormats = {
  integer: { maximumFractionDigits: 0 },
  // Volumes in m³ with litre resolution (BRIEF-NOTES: units).
  volume: { minimumFractionDigits: 3, maximumFractionDigits: 3 },
  // Billing amounts (issue 18): Turkish lira with kuruş, the language's separators.
  money: MONEY_NUMBER_FORMAT,
  // Tax and interest rates in percent, up to two decimals.
  rate: { maximumFractionDigits: 2 },
} as const;

export default defineI18nConfig(() => ({
  fallbackLocale: 'tr',
  numberFormats: {
    tr: numberFormats,
    en: numberFormats,
  },
}));
