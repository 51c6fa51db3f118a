import type { AlarmType, ValveState } from '@water/shared';
import type { PagedList } from '~/lib/list-query';

/** One raw reading (GET /api/meters/:id/readings, /api/devices/:id/readings), newest first. */
export interface Reading {
  time: string;
  deviceId: string;
  deviceSerialNo: string | null;
  meterId: string | null;
  meterSerialNo: string | null;
  subscriptionId: string | null;
  indexM3: number;
  consumptionM3: number | null;
  batteryPct: number | null;
  rssi: number | null;
  snr: number | null;
  alarms: AlarmType[];
  valveState: ValveState | null;
  source: string;
  quality: string;
}

const PAGE_SIZE = 30;
const PARAM = 'readingsPage';

/** The paged reading table of a meter or a device; its page lives in the URL (?readingsPage=) so a view can be shared. */
export function useReadingHistory(owner: 'meters' | 'devices', id: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const route = useRoute();
  const router = useRouter();
  const page = computed(() => {
    const value = Number(route.query[PARAM]);
    return Number.isInteger(value) && value >= 1 ? value : 1;
  });
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:readings:${owner}:${toValue(id)}:${page.value}`,
    () => $apiFetch<PagedList<Reading>>(`/api/${owner}/${toValue(id)}/readings`, { query: { page: page.value, pageSize: PAGE_SIZE } }),
  );
  function setPage(next: number) {
    const query = { ...route.query };
    if (next > 1) query[PARAM] = String(next);
    else delete query[PARAM];
    return router.replace({ query });
  }
  return { result: useAssetLastPage(data), page, pageSize: PAGE_SIZE, setPage, error, pending: computed(() => status.value === 'pending'), refresh };
}
