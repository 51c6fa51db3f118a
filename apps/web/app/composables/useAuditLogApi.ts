import type { UsersRow } from '~/composables/useUsersApi';
import type { PagedList } from '~/lib/list-query';
import { AUDIT_LIST, auditExportHref, auditListQuery } from '~/lib/audit-log';

/** One entry of GET /api/audit-log (apps/api modules/audit-log/audit-log.dto.ts); secrets come masked. */
export interface AuditEntry {
  id: string;
  createdAt: string;
  action: string;
  entityType: string;
  entityId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
}

const PAGE_SIZE = 30;

/** The audit log, newest first, filtered by the URL's query; the export link carries the same filters. */
export function useAuditLog() {
  const { $api } = useNuxtApp();
  const list = useAssetListQuery(AUDIT_LIST);
  const query = computed(() => auditListQuery(list.state.value.filters, list.state.value.page, PAGE_SIZE));
  const { data, error, status, refresh } = useAsyncData(
    () => `audit-log:${JSON.stringify(query.value)}`,
    () => $api<PagedList<AuditEntry>>('/api/audit-log', { query: query.value }),
  );
  return {
    state: list.state,
    pageSize: PAGE_SIZE,
    setPage: list.setPage,
    setFilter: list.setFilter,
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
    $api<PagedList<UsersRow>>('/api/users', { query: { page: 1, pageSize: 200, sort: 'name' } }).then((page) => page.items),
  );
  return computed(() => (data.value ?? []).map((u) => ({ value: u.id, label: `${u.name} ${u.surname}` })));
}
