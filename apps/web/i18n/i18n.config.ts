import { NUMBER_FORMATS } from '../app/lib/format';

// Number formats used through n() (app/lib/format.ts, the one formatter); dates use formatDateTime from @water/shared.
const numberFormats = NUMBER_FORMATS;

export default defineI18nConfig(() => ({
  fallbackLocale: 'tr',
  numberFormats: {
    tr: numberFormats,
    en: numberFormats,
  },
}));
