import type { DataTableTexts } from '~/components/ui/data-table';
import type { FormDialogTexts } from '~/lib/crud';
import type { ApiFailure } from '~/lib/api-error';
import type { ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';
import { toApiFailure } from '~/lib/api-error';
import { failureMessage } from '~/lib/form-errors';
import { useSessionStore } from '~/stores/session';

/** An alarm with its timeline (GET /api/alarms/:id). */
export type AlarmDetail = ApiSchema<'AlarmDetailDto'>;
export type AlarmTimelineEntry = AlarmDetail['timeline'][number];
export type BulkAcknowledgeResult = ApiSchema<'BulkAcknowledgeResultDto'>;
export type AlarmAssignee = ApiSchema<'AlarmAssigneeListDto'>['items'][number];

/** One alarm with its timeline; `replace` takes the alarm a write answered, so no second request is needed. */
export function useAlarm(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, refresh } = useAsyncData(
    () => `alarm:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/alarms/{id}', { params: { path: { id: toValue(id) } } })),
  );
  const replace = (alarm: AlarmDetail) => (data.value = alarm);
  return { alarm: data, error, refresh, replace };
}

/** The users the alarm may be given to; asked only when `enabled` (the assign right). */
export function useAlarmAssignees(id: MaybeRefOrGetter<string>, enabled: MaybeRefOrGetter<boolean>) {
  const { $api } = useNuxtApp();
  const { data } = useAsyncData(
    () => `alarm-assignees:${toValue(id)}:${toValue(enabled)}`,
    async () =>
      toValue(enabled) ? unwrap(await $api.GET('/api/alarms/{id}/assignees', { params: { path: { id: toValue(id) } } })).items : [],
    { server: false },
  );
  return computed<AlarmAssignee[]>(() => data.value ?? []);
}

/** The writes on one alarm; each answers the alarm as it is now. */
export function useAlarmMutations(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const path = () => ({ path: { id: toValue(id) } });
  return {
    acknowledge: async (body: { comment?: string }) => unwrap(await $api.POST('/api/alarms/{id}/acknowledge', { params: path(), body })),
    assign: async (userId: string | null) => unwrap(await $api.PUT('/api/alarms/{id}/assignee', { params: path(), body: { userId } })),
    note: async (body: { text: string }) => unwrap(await $api.POST('/api/alarms/{id}/notes', { params: path(), body })),
    close: async (body: { reason: string }) => unwrap(await $api.POST('/api/alarms/{id}/close', { params: path(), body })),
  };
}

/** Acknowledges the selected alarms at once; `result` keeps the outcome per alarm to show. */
export function useBulkAcknowledge() {
  const { $api } = useNuxtApp();
  const pending = ref(false);
  const failure = ref<ApiFailure | null>(null);
  const result = ref<BulkAcknowledgeResult | null>(null);
  async function run(ids: string[]) {
    if (pending.value || !ids.length) return false;
    pending.value = true;
    failure.value = null;
    result.value = null;
    try {
      result.value = unwrap(await $api.POST('/api/alarms/acknowledge', { body: { ids } }));
      return true;
    } catch (error) {
      failure.value = toApiFailure(error);
      return false;
    } finally {
      pending.value = false;
    }
  }
  return { pending, failure, result, run };
}

/** Whether the signed-in user may work on alarms (DASHBOARD update), as the API checks it. */
export function useAlarmWorkRight() {
  const session = useSessionStore();
  return computed(() => session.can('DASHBOARD', 'update'));
}

/** Translated refusals, dialog and table texts of the alarm screens. */
export function useAlarmWorkTexts() {
  const { t, n } = useI18n();
  function failure(value: ApiFailure | null | undefined): string | null {
    return failureMessage(value, {
      unavailable: t('alarmWork.errors.unavailable'),
      forbidden: t('alarmWork.errors.forbidden'),
      notFound: t('alarmWork.errors.notFound'),
      conflict: t('alarmWork.errors.conflict'),
      invalid: t('alarmWork.errors.invalid'),
      other: t('alarmWork.errors.other'),
    });
  }
  const dialog = (save: string): FormDialogTexts => ({
    close: t('alarmWork.actions.closeDialog'),
    cancel: t('alarmWork.actions.cancel'),
    save,
    saving: t('alarmWork.actions.saving'),
    discardChanges: t('alarmWork.actions.discardChanges'),
    unsavedChanges: t('alarmWork.actions.unsavedChanges'),
    failure,
  });
  const table = (): DataTableTexts => ({
    caption: t('alarms.title'),
    empty: t('alarms.empty'),
    errorTitle: t('alarms.error'),
    retry: t('common.retry'),
    pagination: t('dashboard.table.pagination'),
    previous: t('dashboard.table.previous'),
    next: t('dashboard.table.next'),
    range: (from, to, total) => t('dashboard.table.range', { from: n(from, 'integer'), to: n(to, 'integer'), total: n(total, 'integer') }),
    pageOf: (p, pages) => t('dashboard.table.pageOf', { page: n(p, 'integer'), pages: n(pages, 'integer') }),
  });
  return { failure, dialog, table };
}
