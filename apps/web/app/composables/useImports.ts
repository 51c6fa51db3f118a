import type { ImportKind, ImportOptions, ImportProgressLike } from '~/lib/import-wizard';
import type { ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';
import { applyProgress, importQuery, isRunning } from '~/lib/import-wizard';
import { useSessionStore } from '~/stores/session';

export type ImportJob = ApiSchema<'ImportJobDto'>;

/** The API's default IMPORT_MAX_BYTES: larger files are refused before they are sent. */
export const IMPORT_MAX_BYTES = 64 * 1024 * 1024;
const POLL_MS = 2000;

/** The latest import jobs of the caller's tenants, newest first. */
export function useImportJobs() {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const { data, error, status, refresh } = useAsyncData(
    () => `imports:list:${store.selectedTenantId}`,
    async () => unwrap(await $api.GET('/api/imports', { params: { query: { pageSize: 10 } } })),
  );
  return { jobs: computed(() => data.value?.items ?? []), error, pending: computed(() => status.value === 'pending'), refresh };
}

const UPLOAD_PATHS = {
  READINGS: '/api/imports/readings',
  METERS: '/api/imports/meters',
  CUSTOMERS: '/api/imports/customers',
  DEVICES: '/api/imports/devices',
} as const satisfies Record<ImportKind, string>;

/** Starting an import (a dry run by default) and confirming a passed dry run. */
export function useImportMutations() {
  const { $api } = useNuxtApp();
  return {
    async upload(kind: ImportKind, file: File, options: ImportOptions): Promise<ImportJob> {
      const form = new FormData();
      form.append('file', file, file.name);
      return unwrap(
        await $api.POST(UPLOAD_PATHS[kind], {
          params: { query: importQuery(options) as never },
          body: form as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      );
    },
    async confirm(id: string): Promise<ImportJob> {
      return unwrap(await $api.POST('/api/imports/{id}/confirm', { params: { path: { id } } }));
    },
  };
}

/**
 * One job followed to its end: `import.progress` live events move its counters (and the progress bar),
 * and while it runs the job is also asked for every two seconds, for users without live access or a
 * dropped connection. Ends with the job as the API stored it.
 */
export function useImportJob(onFinished?: (job: ImportJob) => unknown) {
  const { $api } = useNuxtApp();
  const live = useLive();
  const job = ref<ImportJob | null>(null);
  const progress = ref<ImportProgressLike | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  async function poll() {
    stop();
    const current = job.value;
    if (!current) return;
    try {
      const fresh = unwrap(await $api.GET('/api/imports/{id}', { params: { path: { id: current.id } } }));
      if (job.value?.id !== fresh.id) return;
      job.value = fresh;
    } catch {
      // A lost answer is asked again below.
    }
    if (job.value && isRunning(job.value)) timer = setTimeout(poll, POLL_MS);
    else if (job.value) await onFinished?.(job.value);
  }

  live.on('import.progress', (event) => {
    if (!job.value || event.jobId !== job.value.id) return;
    progress.value = event;
    job.value = applyProgress(job.value, event);
    // The end: take the stored job (timestamps, message) at once.
    if (event.status !== 'RUNNING') void poll();
  });
  live.onReady((resumed) => {
    if (resumed && job.value && isRunning(job.value)) void poll();
  });
  onBeforeUnmount(stop);

  return {
    job,
    progress,
    /** Follows `next` (a job just started, or one named in the URL). */
    follow(next: ImportJob | null) {
      stop();
      job.value = next;
      progress.value = null;
      if (next && isRunning(next)) timer = setTimeout(poll, POLL_MS);
    },
    async load(id: string) {
      const found = unwrap(await $api.GET('/api/imports/{id}', { params: { path: { id } } }));
      job.value = found;
      progress.value = null;
      if (isRunning(found)) timer = setTimeout(poll, POLL_MS);
      return found;
    },
  };
}

/** The per-row error report of a job, as a download through this site's proxy. */
export function importErrorsHref(id: string): string {
  return `/api/imports/${encodeURIComponent(id)}/errors.csv`;
}
