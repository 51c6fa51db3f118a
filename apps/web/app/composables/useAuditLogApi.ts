import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';
import { AUDIT_LIST, auditExportHref, auditListQuery } from '~/lib/audit-log';

/** One entry of GET /api/audit-log; secrets come masked, before/after are the record's JSON as stored. */
export type AuditEntry = ApiSchema<'AuditPageDto'>['items'][number];

const PAGE_SIZE = 30;

/** The audit log, newest first, filtered by the URL's query; the export link carries the same filters. */
export function useAuditLog() {
  const { $api } = useNuxtApp();
  const list = useAssetListQuery(AUDIT_LIST);
  const query = computed<ApiQuery<'/api/audit-log'>>(() => auditListQuery(list.state.value.filters, list.state.value.page, PAGE_SIZE));
  const { data, error, status, refresh } = useAsyncData(
    () => `audit-log:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/audit-log', { params: { query: query.value } })),
  );
  return {
    state: list.state,
    pageSize: PAGE_SIZE,
    setPage: list.setPage,
    setFilter: list.setFilter,
    setFilters: list.setFilters,
    result: useAssetLastPage(data),
    pending: computed(() => status.value === 'pending'),
    error,
    refresh,
    exportHref: computed(() => auditExportHref(list.state.value.filters)),
  };
}

/** Users to filter by: those the signed-in user may read (one page of the API's largest size). */
export function useAuditUserOptions() {
  const { $api } = useNuxtApp();
  const { data } = useAsyncData('audit-log:users', () =>
    $api.GET('/api/users', { params: { query: { page: 1, pageSize: 200, sort: 'name' } } }).then((answer) => unwrap(answer).items),
  );
  return computed(() => (data.value ?? []).map((u) => ({ value: u.id, label: `${u.name} ${u.surname}` })));
}
