import type { AlarmType } from '@water/shared';
import type { LocationQuery } from 'vue-router';
import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import { ALARM_TYPES } from '@water/shared';
import { unwrap } from '~/lib/api-client';
import { toApiFailure } from '~/lib/api-error';
import { useSessionStore } from '~/stores/session';

/** An alarm as the API lists it (GET /api/alarms). */
export type AlarmRow = ApiSchema<'AlarmRowDto'>;
export type AlarmPage = ApiSchema<'AlarmPageDto'>;

export const ALARM_TYPE_LABELS: Readonly<Record<AlarmType, string>> = {
  TAMPER: 'alarms.types.TAMPER',
  LOW_BATTERY: 'alarms.types.LOW_BATTERY',
  TILT: 'alarms.types.TILT',
  REVERSE_FLOW: 'alarms.types.REVERSE_FLOW',
  LEAK: 'alarms.types.LEAK',
  BURST: 'alarms.types.BURST',
  HIGH_USAGE: 'alarms.types.HIGH_USAGE',
  NO_SIGNAL: 'alarms.types.NO_SIGNAL',
};

/**
 * Acknowledging alarms (POST /api/alarms/:id/acknowledge, DASHBOARD update). An alarm someone else
 * acknowledged first (409) counts as done: the lists are refreshed either way.
 */
export function useAlarmAcknowledge(onDone: () => unknown) {
  const { $api } = useNuxtApp();
  const session = useSessionStore();
  const busy = ref<string | null>(null);
  const failed = ref(false);
  const allowed = computed(() => session.can('DASHBOARD', 'update'));

  async function acknowledge(id: string) {
    if (busy.value) return;
    busy.value = id;
    failed.value = false;
    try {
      unwrap(await $api.POST('/api/alarms/{id}/acknowledge', { params: { path: { id } } }));
    } catch (error) {
      if (toApiFailure(error).status !== 409) failed.value = true;
    } finally {
      busy.value = null;
      await onDone();
    }
  }

  return { allowed, busy, failed, acknowledge };
}

// ─── The alarms list (/alarms) ───────────────────────────────────────────────────

export const ALARM_STATE_FILTERS = ['open', 'cleared', 'all'] as const;
export type AlarmStateFilter = (typeof ALARM_STATE_FILTERS)[number];
/**
 * What each filter asks the API (issue 21 split its states): "open" here is every alarm still raised,
 * which the API now calls `active` (its `open` is unacknowledged only); "cleared" takes the closed too.
 */
export const ALARM_STATE_QUERY: Readonly<Record<AlarmStateFilter, string>> = { open: 'active', cleared: 'cleared,closed', all: 'all' };
export const ALARM_ACK_FILTERS = ['all', 'yes', 'no'] as const;
export type AlarmAckFilter = (typeof ALARM_ACK_FILTERS)[number];

export interface AlarmListState {
  page: number;
  state: AlarmStateFilter;
  type?: AlarmType;
  acknowledged: AlarmAckFilter;
}

export const ALARM_PAGE_SIZE = 30;

function first(value: LocationQuery[string] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

/** Page and filters of the alarms list from the URL; open alarms by default. */
export function readAlarmListQuery(query: LocationQuery): AlarmListState {
  const page = Number(first(query.page));
  const state = first(query.state);
  const type = first(query.type);
  const acknowledged = first(query.acknowledged);
  return {
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    state: (ALARM_STATE_FILTERS as readonly string[]).includes(state ?? '') ? (state as AlarmStateFilter) : 'open',
    type: (ALARM_TYPES as readonly string[]).includes(type ?? '') ? (type as AlarmType) : undefined,
    acknowledged: (ALARM_ACK_FILTERS as readonly string[]).includes(acknowledged ?? '') ? (acknowledged as AlarmAckFilter) : 'all',
  };
}

export function writeAlarmListQuery(state: AlarmListState): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.page > 1) query.page = String(state.page);
  if (state.state !== 'open') query.state = state.state;
  if (state.type) query.type = state.type;
  if (state.acknowledged !== 'all') query.acknowledged = state.acknowledged;
  return query;
}

/** The alarms of the selected tenant's subtree, newest first, page and filters in the URL. */
export function useAlarmList() {
  const { $api } = useNuxtApp();
  const route = useRoute();
  const router = useRouter();
  const session = useSessionStore();

  const state = computed(() => readAlarmListQuery(route.query));
  const apiQuery = computed(() => {
    const s = state.value;
    const query: ApiQuery<'/api/alarms'> = {
      page: s.page,
      pageSize: ALARM_PAGE_SIZE,
      state: ALARM_STATE_QUERY[s.state],
      order: 'desc',
      sort: 'startedAt',
    };
    if (session.selectedTenantId) query.tenantId = session.selectedTenantId;
    if (s.type) query.type = s.type;
    if (s.acknowledged !== 'all') query.acknowledged = s.acknowledged === 'yes' ? 'true' : 'false';
    return query;
  });

  const { data, error, status, refresh } = useAsyncData(
    () => `alarms:${JSON.stringify(apiQuery.value)}`,
    async () => unwrap(await $api.GET('/api/alarms', { params: { query: apiQuery.value } })),
  );

  function update(next: Partial<AlarmListState>) {
    const page = 'page' in next ? next.page! : 1;
    return router.replace({ query: writeAlarmListQuery({ ...state.value, ...next, page }) });
  }

  return {
    state,
    /** The API query as fetched, which the list's export takes too. */
    apiQuery,
    page: computed(() => data.value ?? null),
    loading: computed(() => status.value === 'pending'),
    failed: computed(() => !!error.value),
    refresh,
    update,
  };
}
