import type { NumberFormatName } from '~/lib/format';
import { DEFAULT_TIME_ZONE } from '@water/shared';
import { formatCoordinate, formatCoordinates, formatDateTimeOrDash, localName } from '~/lib/format';

type Num = number | null | undefined;

/**
 * The one formatter pages use (lib/format.ts): numbers through the i18n named formats in the page's
 * language, a dash for a missing value, units appended where the brief fixes them.
 */
export function useFormat() {
  const { n, t, locale } = useI18n();
  const number = (value: Num, format: NumberFormatName = 'ratio') => (value == null ? '—' : n(value, format));
  return {
    number,
    integer: (value: Num) => number(value, 'integer'),
    volume: (value: Num) => number(value, 'volume'),
    /** m³ with the unit, e.g. "12,345 m³". */
    volumeM3: (value: Num) => (value == null ? '—' : t('format.m3', { value: n(value, 'volume') })),
    flowRate: (value: Num) => number(value, 'flowRate'),
    /** m³/h with the unit. */
    flowRateM3h: (value: Num) => (value == null ? '—' : t('format.m3h', { value: n(value, 'flowRate') })),
    ratio: (value: Num) => number(value, 'ratio'),
    pressure: (value: Num) => number(value, 'pressure'),
    length: (value: Num) => number(value, 'length'),
    signal: (value: Num) => number(value, 'signal'),
    /** A 0–100 value such as a battery level, with the language's percent sign ("%59", "59%"). */
    percent: (value: Num) => (value == null ? '—' : n(value / 100, { style: 'percent', maximumFractionDigits: 0 })),
    /** A 0–1 share with one decimal. */
    share: (value: Num) => number(value, 'share'),
    coordinate: (value: Num) => formatCoordinate(value) ?? '—',
    coordinates: formatCoordinates,
    dateTime: (value: string | Date | null | undefined, timeZone: string = DEFAULT_TIME_ZONE) => formatDateTimeOrDash(value, timeZone),
    /** A definition's name (e.g. a subscription group's) in the page's language, else in the other. */
    localName: (name: string | null | undefined, nameEn: string | null | undefined) => localName(locale.value, name, nameEn),
  };
}
