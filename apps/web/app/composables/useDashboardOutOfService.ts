import type { OutOfServiceStatus } from '~/composables/useDashboardSummary';
import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';
import { STATUS_LABELS } from '~/lib/enum-labels';

export type AssetKind = 'meter' | 'device';

/** A meter or device that is not in use (GET /api/dashboard/out-of-service). */
export type OutOfServiceRow = ApiSchema<'OutOfServicePageDto'>['items'][number];
export type OutOfServicePage = ApiSchema<'OutOfServicePageDto'>;

export interface OutOfServiceQuery {
  kind: AssetKind;
  status?: OutOfServiceStatus;
  page: number;
}

export const OUT_OF_SERVICE_PAGE_SIZE = 30;

// The statuses' words are the asset pages' (enum-labels.ts): one key per code on every page.
export const OUT_OF_SERVICE_LABELS: Readonly<Record<OutOfServiceStatus, string>> = {
  PASSIVE: STATUS_LABELS.PASSIVE,
  WAREHOUSE: STATUS_LABELS.WAREHOUSE,
  MAINTENANCE: STATUS_LABELS.MAINTENANCE,
  PLANNED: STATUS_LABELS.PLANNED,
  DEPLOYED_NOT_STARTED: STATUS_LABELS.DEPLOYED_NOT_STARTED,
  USED: STATUS_LABELS.USED,
};

/** Brief 2.1.7: the meters or devices not in use, one page, fetched only while the list is open. */
export function useDashboardOutOfService(tenantId: MaybeRefOrGetter<string | null>, query: MaybeRefOrGetter<OutOfServiceQuery | null>) {
  const { $api } = useNuxtApp();
  const params = computed((): ApiQuery<'/api/dashboard/out-of-service'> | null => {
    const q = toValue(query);
    const id = toValue(tenantId);
    if (!q || !id) return null;
    return { tenantId: id, kind: q.kind, page: q.page, pageSize: OUT_OF_SERVICE_PAGE_SIZE, ...(q.status ? { status: q.status } : {}) };
  });
  const { data, error, status, refresh } = useAsyncData(
    () => `dashboard-out-of-service:${JSON.stringify(params.value)}`,
    async () => (params.value ? unwrap(await $api.GET('/api/dashboard/out-of-service', { params: { query: params.value } })) : null),
    { lazy: true },
  );
  return {
    page: computed(() => data.value ?? null),
    loading: computed(() => status.value === 'pending'),
    failed: computed(() => !!error.value),
    refresh,
  };
}

const OUT_OF_SERVICE_KINDS: readonly AssetKind[] = ['meter', 'device'];

/** Reads the open out-of-service list from the URL (`oos`, `oosStatus`, `oosPage`); null when closed. */
export function readOutOfServiceQuery(query: Record<string, unknown>, statuses: readonly string[]): OutOfServiceQuery | null {
  const kind = typeof query.oos === 'string' ? query.oos : '';
  if (!(OUT_OF_SERVICE_KINDS as readonly string[]).includes(kind)) return null;
  const status =
    typeof query.oosStatus === 'string' && statuses.includes(query.oosStatus) ? (query.oosStatus as OutOfServiceStatus) : undefined;
  const page = Number(query.oosPage);
  return { kind: kind as AssetKind, status, page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1 };
}

/**
 * The dashboard's out-of-service list lives in the URL of the dashboard itself, so the card's
 * counts link to it and the list can be shared or reloaded.
 */
export function useOutOfServiceRoute(statuses: readonly string[]) {
  const route = useRoute();
  const router = useRouter();
  const current = computed(() => readOutOfServiceQuery(route.query, statuses));

  function others() {
    const { oos: _oos, oosStatus: _status, oosPage: _page, ...rest } = route.query;
    return rest;
  }

  /** The route of a list (for links): a kind, optionally one status. */
  function linkTo(kind: AssetKind, status?: OutOfServiceStatus) {
    return { query: { ...others(), oos: kind, ...(status ? { oosStatus: status } : {}) } };
  }

  function show(next: OutOfServiceQuery) {
    return router.replace({
      query: {
        ...others(),
        oos: next.kind,
        ...(next.status ? { oosStatus: next.status } : {}),
        ...(next.page > 1 ? { oosPage: String(next.page) } : {}),
      },
    });
  }

  return { current, linkTo, show, close: () => router.replace({ query: others() }) };
}
