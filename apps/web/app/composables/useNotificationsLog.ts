import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import type { LogFilters } from '~/lib/delivery-log';
import { unwrap } from '~/lib/api-client';
import { toApiFailure, type ApiFailure } from '~/lib/api-error';
import { logApiQuery, readLogFilters, writeLogFilters } from '~/lib/delivery-log';

export type DeliveryLogEntry = ApiSchema<'DeliveryLogPageDto'>['items'][number];
export type TemplatePreview = ApiSchema<'TemplatePreviewDto'>;

const PAGE = 50;

/**
 * The delivery log of the selected tenant's subtree, filtered from the URL; "more" follows the API's
 * keyset cursor and appends (the first page is fetched with the page, the rest on demand).
 */
export function useDeliveryLog(tenantId: MaybeRefOrGetter<string | null | undefined>) {
  const { $api } = useNuxtApp();
  const route = useRoute();
  const router = useRouter();
  const filters = computed(() => readLogFilters(route.query));
  const query = computed<ApiQuery<'/api/notification-deliveries'>>(() => ({
    ...logApiQuery(filters.value, toValue(tenantId) ?? null),
    limit: PAGE,
  }));
  const { data, error, status, refresh } = useAsyncData(
    () => `notifications:log:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/notification-deliveries', { params: { query: query.value } })),
  );
  const more = ref<DeliveryLogEntry[]>([]);
  const cursor = ref<string | null>(null);
  const moreFailure = ref<ApiFailure | null>(null);
  const loadingMore = ref(false);
  watch(
    data,
    (page) => {
      more.value = [];
      cursor.value = page?.nextCursor ?? null;
    },
    { immediate: true },
  );

  async function loadMore() {
    if (!cursor.value || loadingMore.value) return;
    loadingMore.value = true;
    moreFailure.value = null;
    try {
      const page = unwrap(await $api.GET('/api/notification-deliveries', { params: { query: { ...query.value, cursor: cursor.value } } }));
      more.value = [...more.value, ...page.items];
      cursor.value = page.nextCursor;
    } catch (err) {
      moreFailure.value = toApiFailure(err);
    } finally {
      loadingMore.value = false;
    }
  }

  return {
    filters,
    setFilters: (f: LogFilters) => router.replace({ query: writeLogFilters(f) }),
    items: computed(() => [...(data.value?.items ?? []), ...more.value]),
    loaded: computed(() => !!data.value),
    hasMore: computed(() => !!cursor.value),
    pending: computed(() => status.value === 'pending' || loadingMore.value),
    error,
    moreFailure,
    loadMore,
    refresh,
  };
}

/** The events that can be previewed, and the rendered message of one event in one language. */
export function useTemplatePreview(choice: MaybeRefOrGetter<{ audience: string; event: string; language: string; alarmType: string }>) {
  const { $api } = useNuxtApp();
  const catalogue = useAsyncData('notifications:templates', async () => unwrap(await $api.GET('/api/notification-templates')));
  const preview = useAsyncData(
    () => `notifications:preview:${JSON.stringify(toValue(choice))}`,
    async () => {
      const c = toValue(choice);
      if (!c.event) return null;
      const query = {
        audience: c.audience,
        event: c.event,
        language: c.language,
        alarmType: c.alarmType,
      } as ApiQuery<'/api/notification-templates/preview'>;
      return unwrap(await $api.GET('/api/notification-templates/preview', { params: { query } }));
    },
  );
  return {
    catalogue: computed(() => catalogue.data.value ?? null),
    preview: computed(() => preview.data.value ?? null),
    pending: computed(() => preview.status.value === 'pending'),
    error: computed(() => catalogue.error.value ?? preview.error.value),
    refresh: () => Promise.all([catalogue.refresh(), preview.refresh()]),
  };
}
