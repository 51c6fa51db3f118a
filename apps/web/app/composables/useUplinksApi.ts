import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import type { RedecodeBody, RedecodeScope, RedecodeStatus, UplinkRange, UplinkStatus } from '~/lib/uplinks';
import { unwrap } from '~/lib/api-client';
import { toApiFailure, type ApiFailure } from '~/lib/api-error';
import { DEFAULT_UPLINK_RANGE, isRedecodeFinished, isUplinkRange, isUplinkStatus, rangeBounds, summarizeRedecode } from '~/lib/uplinks';

/** One raw uplink (GET /api/uplinks), newest first. */
export type UplinkRow = ApiSchema<'UplinkPageDto'>['items'][number];

const PAGE_SIZE = 20;
// The inspector shares its page with others (the device's readings): its URL parameters carry a prefix.
const PARAMS = { status: 'uplinkStatus', range: 'uplinkRange', page: 'uplinkPage' } as const;

/**
 * The uplinks of a device or an integration, filtered by status and a time range ending now; the
 * filters live in the URL. The range's start is taken when the page is fetched, so the key stays the
 * same between the server's render and the browser's.
 */
export function useUplinkInspector(scope: MaybeRefOrGetter<RedecodeScope>) {
  const { $api } = useNuxtApp();
  const route = useRoute();
  const router = useRouter();
  const state = computed(() => {
    const status = route.query[PARAMS.status];
    const range = route.query[PARAMS.range];
    const page = Number(route.query[PARAMS.page]);
    return {
      status: isUplinkStatus(status) ? status : null,
      range: isUplinkRange(range) ? range : DEFAULT_UPLINK_RANGE,
      page: Number.isInteger(page) && page >= 1 ? page : 1,
    };
  });
  const scopeKey = computed(() => JSON.stringify(toValue(scope)));
  const { data, error, status, refresh } = useAsyncData(
    () => `uplinks:${scopeKey.value}:${state.value.status ?? 'all'}:${state.value.range}:${state.value.page}`,
    async () => {
      const { from } = rangeBounds(state.value.range, Date.now());
      const query: ApiQuery<'/api/uplinks'> = { ...toValue(scope), from, page: state.value.page, pageSize: PAGE_SIZE };
      if (state.value.status) query.status = state.value.status;
      return unwrap(await $api.GET('/api/uplinks', { params: { query } }));
    },
  );

  function commit(patch: Partial<{ status: UplinkStatus | null; range: UplinkRange; page: number }>) {
    const next = { ...state.value, ...patch };
    const query = { ...route.query };
    const set = (name: string, value: string | null) => {
      if (value) query[name] = value;
      else delete query[name];
    };
    set(PARAMS.status, next.status);
    set(PARAMS.range, next.range === DEFAULT_UPLINK_RANGE ? null : next.range);
    set(PARAMS.page, next.page > 1 ? String(next.page) : null);
    return router.replace({ query });
  }

  return {
    state,
    pageSize: PAGE_SIZE,
    result: useAssetLastPage(data),
    pending: computed(() => status.value === 'pending'),
    error,
    refresh,
    setStatus: (value: string | null) => commit({ status: isUplinkStatus(value) ? value : null, page: 1 }),
    setRange: (value: string | null) => commit({ range: isUplinkRange(value) ? value : DEFAULT_UPLINK_RANGE, page: 1 }),
    setPage: (page: number) => commit({ page }),
  };
}

const POLL_MS = 1_000;

/**
 * One re-decode run: starts it, asks for its status every second until it completed or failed, then
 * calls `onFinished` (the inspector refreshes its table and the page's readings).
 */
export function useRedecodeRun(onFinished: (status: RedecodeStatus) => unknown) {
  const { $api } = useNuxtApp();
  const run = ref<RedecodeStatus | null>(null);
  const starting = ref(false);
  const failure = ref<ApiFailure | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function poll(jobId: string) {
    if (stopped) return;
    try {
      const status: RedecodeStatus = unwrap(await $api.GET('/api/uplinks/redecode/{jobId}', { params: { path: { jobId } } }));
      if (stopped) return;
      run.value = status;
      if (isRedecodeFinished(status.state)) {
        await onFinished(status);
        return;
      }
    } catch (error) {
      failure.value = toApiFailure(error);
      return;
    }
    timer = setTimeout(() => poll(jobId), POLL_MS);
  }

  async function start(body: RedecodeBody) {
    clearTimeout(timer);
    starting.value = true;
    failure.value = null;
    run.value = null;
    try {
      const started = unwrap(await $api.POST('/api/uplinks/redecode', { body }));
      const now = new Date().toISOString();
      run.value = {
        jobId: started.jobId,
        state: 'waiting',
        progress: { total: started.total, done: 0, stored: 0, failed: 0 },
        failedReason: null,
        createdAt: now,
        finishedAt: null,
      };
      timer = setTimeout(() => poll(started.jobId), started.total === 0 ? 0 : POLL_MS);
    } catch (error) {
      failure.value = toApiFailure(error);
    } finally {
      starting.value = false;
    }
  }

  onScopeDispose(() => {
    stopped = true;
    clearTimeout(timer);
  });

  return {
    run,
    summary: computed(() => (run.value ? summarizeRedecode(run.value) : null)),
    running: computed(() => starting.value || (!!run.value && !isRedecodeFinished(run.value.state))),
    failure,
    start,
    dismiss: () => {
      run.value = null;
      failure.value = null;
    },
  };
}
