import type { FormDialogTexts } from '~/lib/crud';
import type { ApiFailure } from '~/lib/api-error';
import type { ApiSchema } from '~/lib/api-client';
import type { CorrectReadingBody, ManualReadingBody } from '~/lib/reading-edit-form';
import { unwrap } from '~/lib/api-client';
import { failureMessage } from '~/lib/form-errors';
import { useSessionStore } from '~/stores/session';

export type QualityReport = ApiSchema<'QualityReportDto'>;
export type ReadingRevision = ApiSchema<'RevisionListDto'>['items'][number];
export type MeterDataSettings = ApiSchema<'MeterDataSettingsDto'>;

/** The data-quality view of the selected tenant's subtree over its last `days` days. */
export function useQualityReport(days: MaybeRefOrGetter<number>) {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const { data, error, status, refresh } = useAsyncData(
    () => `meter-data:quality:${store.selectedTenantId}:${toValue(days)}`,
    async () => {
      const tenantId = store.selectedTenantId;
      if (!tenantId) return null;
      return unwrap(await $api.GET('/api/meter-data/quality', { params: { query: { tenantId, days: toValue(days) } } }));
    },
  );
  return { report: data, error, pending: computed(() => status.value === 'pending'), refresh };
}

/** Who changed one reading, when, why, before and after (oldest first); nothing while `time` is null. */
export function useReadingRevisions(meterId: MaybeRefOrGetter<string>, time: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `meter-data:revisions:${toValue(meterId)}:${toValue(time)}`,
    async () => {
      const at = toValue(time);
      if (!at) return null;
      return unwrap(await $api.GET('/api/meters/{id}/readings/{time}/revisions', { params: { path: { id: toValue(meterId), time: at } } }));
    },
    { server: false },
  );
  return {
    revisions: computed(() => data.value?.items ?? []),
    loaded: computed(() => !!data.value),
    error,
    pending: computed(() => status.value === 'pending'),
    refresh,
  };
}

/** The photo of a revision, shown through this site's proxy. */
export function revisionPhotoHref(revisionId: string): string {
  return `/api/reading-revisions/${encodeURIComponent(revisionId)}/photo`;
}

/** An operator's manual reading and the correction of a stored one. */
export function useReadingMutations() {
  const { $api } = useNuxtApp();
  return {
    async enter(meterId: string, body: ManualReadingBody) {
      return unwrap(await $api.POST('/api/meters/{id}/readings', { params: { path: { id: meterId } }, body }));
    },
    async correct(meterId: string, time: string, body: CorrectReadingBody) {
      return unwrap(await $api.PATCH('/api/meters/{id}/readings/{time}', { params: { path: { id: meterId, time } }, body }));
    },
    /** Runs the rules again over a range as a job (202); the readings change when it is done. */
    async revalidate(meterId: string, body: { from: string; to: string; estimate: boolean }) {
      return unwrap(await $api.POST('/api/meters/{id}/revalidate', { params: { path: { id: meterId } }, body }));
    },
  };
}

/** The validation rules' settings of a tenant. */
export function useMeterDataSettings(tenantId: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `meter-data:settings:${toValue(tenantId)}`,
    async () => {
      const id = toValue(tenantId);
      return id ? unwrap(await $api.GET('/api/tenants/{id}/meter-data-settings', { params: { path: { id } } })) : null;
    },
  );
  async function save(subscriptionGroupId: string | null, params: Record<string, Record<string, boolean | number>>) {
    const id = toValue(tenantId);
    if (!id) return;
    data.value = unwrap(
      await $api.PUT('/api/tenants/{id}/meter-data-settings', {
        params: { path: { id } },
        body: { subscriptionGroupId, params } as never,
      }),
    );
  }
  return { settings: data, error, pending: computed(() => status.value === 'pending'), refresh, save };
}

/** Translated texts of the meter-data screens' dialogs and refusals. */
export function useMeterDataTexts() {
  const { t } = useI18n();
  function failure(value: ApiFailure | null | undefined): string | null {
    return failureMessage(value, {
      unavailable: t('meterData.errors.unavailable'),
      forbidden: t('meterData.errors.forbidden'),
      notFound: t('meterData.errors.notFound'),
      conflict: t('meterData.errors.conflict'),
      invalid: t('meterData.errors.invalid'),
      other: t('meterData.errors.other'),
    });
  }
  const dialog = (): FormDialogTexts => ({
    close: t('meterData.actions.close'),
    cancel: t('meterData.actions.cancel'),
    save: t('meterData.actions.save'),
    saving: t('meterData.actions.saving'),
    discardChanges: t('meterData.actions.discardChanges'),
    unsavedChanges: t('meterData.actions.unsavedChanges'),
    failure,
  });
  return { failure, dialog };
}
