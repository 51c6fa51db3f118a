import type { AlarmType } from '@water/shared';
import type { AlarmListFilters } from '~/lib/alarm-work';
import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import { alarmListApiQuery, readAlarmFilters, writeAlarmFilters } from '~/lib/alarm-work';
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

export const ALARM_PAGE_SIZE = 30;

/** The alarms of the selected tenant's subtree, newest first; page and filters (lib/alarm-work) in the URL. */
export function useAlarmList() {
  const { $api } = useNuxtApp();
  const route = useRoute();
  const router = useRouter();
  const session = useSessionStore();

  const filters = computed(() => readAlarmFilters(route.query));
  const apiQuery = computed(() => {
    const query: ApiQuery<'/api/alarms'> = alarmListApiQuery(filters.value, ALARM_PAGE_SIZE);
    if (session.selectedTenantId) query.tenantId = session.selectedTenantId;
    return query;
  });

  const { data, error, status, refresh } = useAsyncData(
    () => `alarms:${JSON.stringify(apiQuery.value)}`,
    async () => unwrap(await $api.GET('/api/alarms', { params: { query: apiQuery.value } })),
  );

  function update(next: Partial<AlarmListFilters>) {
    const page = 'page' in next ? next.page! : 1;
    return router.replace({ query: writeAlarmFilters({ ...filters.value, ...next, page }) });
  }

  return {
    filters,
    /** The API query as fetched, which the list's export takes too. */
    apiQuery,
    page: computed(() => data.value ?? null),
    loading: computed(() => status.value === 'pending'),
    failed: computed(() => !!error.value),
    refresh,
    update,
  };
}
