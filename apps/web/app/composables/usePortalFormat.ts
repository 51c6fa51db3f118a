import { storeToRefs } from 'pinia';
import { usePortalStore } from '~/stores/portal';

/**
 * The portal's formatter: money from kuruş, days as DD.MM.YYYY, volumes in m³, and instants in the
 * utility's time zone (the billing screens' rules, with the zone of the customer's utility).
 */
export function usePortalFormat() {
  const base = useBillingFormat();
  const { timeZone } = storeToRefs(usePortalStore());
  return { ...base, instant: (iso: string | null | undefined) => base.instant(iso, timeZone.value), timeZone };
}
