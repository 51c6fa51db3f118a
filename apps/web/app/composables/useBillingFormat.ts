import { DEFAULT_TIME_ZONE, formatDateTime } from '@water/shared';
import { kurusToLira } from '~/lib/billing-money';

/**
 * The one formatter of the billing screens (issue 18): money from kuruş through the i18n `money`
 * format (TRY, two decimals, the language's separators), days as DD.MM.YYYY, instants as
 * DD.MM.YYYY HH:mm:ss in the tenant's zone, volumes in m³ with three decimals.
 */
export function useBillingFormat() {
  const { n } = useI18n();
  const money = (kurus: number | bigint | string | null | undefined) =>
    kurus === null || kurus === undefined ? '—' : n(kurusToLira(kurus), 'money');
  /** A calendar day (YYYY-MM-DD, no zone) as DD.MM.YYYY. */
  const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10).split('-').reverse().join('.') : '—');
  const instant = (iso: string | null | undefined, timeZone = DEFAULT_TIME_ZONE) => (iso ? formatDateTime(iso, timeZone) : '—');
  const volume = (m3: number | string | null | undefined) => (m3 === null || m3 === undefined || m3 === '' ? '—' : n(Number(m3), 'volume'));
  const percent = (value: number) => `%${n(value, 'rate')}`;
  /** A billing period [start, end) as its days: 01.03.2026 – 31.03.2026. */
  const period = (start: string, end: string) => {
    const last = new Date(`${end.slice(0, 10)}T00:00:00Z`);
    last.setUTCDate(last.getUTCDate() - 1);
    return `${day(start)} – ${day(last.toISOString())}`;
  };
  return { money, day, instant, volume, percent, period };
}
