// Number formats used through n(); dates use formatDateTime from @water/shared (DD.MM.YYYY HH:mm:ss).
const numberFormats = {
  integer: { maximumFractionDigits: 0 },
  // Volumes in m³ with litre resolution (BRIEF-NOTES: units).
  volume: { minimumFractionDigits: 3, maximumFractionDigits: 3 },
} as const;

export default defineI18nConfig(() => ({
  fallbackLocale: 'tr',
  numberFormats: {
    tr: numberFormats,
    en: numberFormats,
  },
}));
