import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import type { RunStatus } from '~/lib/billing-run';
import type { BillingSettingsBody } from '~/lib/billing-settings-form';
import { unwrap } from '~/lib/api-client';
import { applyRunProgress, isRunActive } from '~/lib/billing-run';
import { useSessionStore } from '~/stores/session';

export type BillingRun = ApiSchema<'BillingRunDto'>;

const POLL_MS = 2_000;

/** The billing runs of the selected tenant's subtree, newest period first (page in the URL). */
export function useBillingRunList(status: MaybeRefOrGetter<RunStatus | ''>) {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const route = useRoute();
  const page = computed(() => Math.max(1, Number(route.query.page) || 1));
  const query = computed(() => {
    const q: ApiQuery<'/api/billing-runs'> = { page: page.value, pageSize: 30 };
    if (store.selectedTenantId) q.tenantId = store.selectedTenantId;
    const s = toValue(status);
    if (s) q.status = s;
    return q;
  });
  const {
    data,
    error,
    status: fetchStatus,
    refresh,
  } = useAsyncData(
    () => `billing:runs:${JSON.stringify(query.value)}`,
    async () => unwrap(await $api.GET('/api/billing-runs', { params: { query: query.value } })),
  );
  return { page: computed(() => data.value ?? null), pending: computed(() => fetchStatus.value === 'pending'), error, refresh };
}

export function useBillingRunMutations() {
  const { $api } = useNuxtApp();
  return {
    start: async (tenantId: string, period: string) => unwrap(await $api.POST('/api/billing-runs', { body: { tenantId, period } })),
    issue: async (id: string) => unwrap(await $api.POST('/api/billing-runs/{id}/issue', { params: { path: { id } } })),
  };
}

/**
 * One run followed while the worker is on it: `billing-run.progress` live events move its counters and
 * the run is asked for again every two seconds (users without live access, a dropped connection); the
 * stored run is taken once the step ends, and `onSettled` runs (to reload the drafts).
 */
export function useBillingRun(id: MaybeRefOrGetter<string>, onSettled?: (run: BillingRun) => unknown) {
  const { $api } = useNuxtApp();
  const live = useLive();
  const { data, error, refresh } = useAsyncData(
    () => `billing:run:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/billing-runs/{id}', { params: { path: { id: toValue(id) } } })),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  // Called only while the run is followed: once it stops being active, the step is over.
  async function poll() {
    stop();
    await refresh();
    const run = data.value;
    if (!run) return;
    if (isRunActive(run.status)) timer = setTimeout(poll, POLL_MS);
    else await onSettled?.(run);
  }
  /** Follows the run from now on (after starting or issuing it). */
  function follow(run?: BillingRun) {
    if (run) data.value = run;
    stop();
    timer = setTimeout(poll, POLL_MS);
  }
  live.on('billing-run.progress', (event) => {
    const run = data.value;
    if (!run) return;
    const next = applyRunProgress(run, event);
    if (next === run) return;
    data.value = next;
    if (!isRunActive(next.status)) void poll();
  });
  onMounted(() => {
    if (data.value && isRunActive(data.value.status)) follow();
  });
  onBeforeUnmount(stop);
  return { run: data, error, refresh, follow };
}

/** The billing settings in force at a tenant (its own, an ancestor's or the defaults) and saving its own. */
export function useBillingSettings(tenantId: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();
  const { data, error, refresh } = useAsyncData(
    () => `billing:settings:${toValue(tenantId)}`,
    async () => {
      const id = toValue(tenantId);
      return id ? unwrap(await $api.GET('/api/tenants/{id}/billing-settings', { params: { path: { id } } })) : null;
    },
  );
  const save = async (body: BillingSettingsBody) =>
    unwrap(await $api.PUT('/api/tenants/{id}/billing-settings', { params: { path: { id: toValue(tenantId)! } }, body }));
  return { settings: data, error, refresh, save };
}
