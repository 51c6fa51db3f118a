import type { ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';

/** One raw reading (GET /api/meters/:id/readings, /api/devices/:id/readings), newest first. */
export type Reading = ApiSchema<'ReadingPageDto'>['items'][number];

const PAGE_SIZE = 30;
const PARAM = 'readingsPage';

/** The paged reading table of a meter or a device; its page lives in the URL (?readingsPage=) so a view can be shared. */
export function useReadingHistory(owner: 'meters' | 'devices', id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const route = useRoute();
  const router = useRouter();
  const page = computed(() => {
    const value = Number(route.query[PARAM]);
    return Number.isInteger(value) && value >= 1 ? value : 1;
  });
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:readings:${owner}:${toValue(id)}:${page.value}`,
    async () => {
      const params = { path: { id: toValue(id) }, query: { page: page.value, pageSize: PAGE_SIZE } };
      return unwrap(
        owner === 'meters'
          ? await $api.GET('/api/meters/{id}/readings', { params })
          : await $api.GET('/api/devices/{id}/readings', { params }),
      );
    },
  );
  function setPage(next: number) {
    const query = { ...route.query };
    if (next > 1) query[PARAM] = String(next);
    else delete query[PARAM];
    return router.replace({ query });
  }
  return {
    result: useAssetLastPage(data),
    page,
    pageSize: PAGE_SIZE,
    setPage,
    error,
    pending: computed(() => status.value === 'pending'),
    refresh,
  };
}
