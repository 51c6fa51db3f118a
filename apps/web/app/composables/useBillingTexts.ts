import type { DataTableTexts } from '~/components/ui/data-table';
import type { ApiFailure } from '~/lib/api-error';
import type { FormModel } from '~/lib/form-editor';
import { createFormEditor } from '~/lib/form-editor';
import { useNoticeStore } from '~/stores/notice';
import type { FieldIssue } from '~/lib/form-model';
import { createInlineForm } from '~/lib/billing-inline-form';
import { failureMessage } from '~/lib/form-errors';

/** Translated refusals and frame texts of the billing screens. */
export function useBillingTexts() {
  const { t } = useI18n();
  function failure(value: ApiFailure | null | undefined): string | null {
    return failureMessage(value, {
      unavailable: t('billing.errors.unavailable'),
      forbidden: t('billing.errors.forbidden'),
      notFound: t('billing.errors.notFound'),
      conflict: t('billing.errors.conflict'),
      invalid: t('billing.errors.invalid'),
      other: t('billing.errors.other'),
    });
  }
  const dialog = () => ({
    close: t('billing.actions.close'),
    cancel: t('billing.actions.cancel'),
    save: t('billing.actions.save'),
    saving: t('billing.actions.saving'),
    discardChanges: t('billing.form.discardChanges'),
    unsavedChanges: t('billing.form.unsavedChanges'),
    failure,
  });
  function table(caption: string, search?: string): DataTableTexts {
    return {
      caption,
      search,
      empty: t('billing.table.empty'),
      errorTitle: t('billing.table.errorTitle'),
      errorDescription: t('billing.table.errorDescription'),
      retry: t('billing.table.retry'),
      pagination: t('billing.table.pagination'),
      previous: t('billing.table.previous'),
      next: t('billing.table.next'),
      range: (from, to, total) => t('billing.table.range', { from, to, total }),
      pageOf: (page, pages) => t('billing.table.pageOf', { page, pages }),
    };
  }
  const confirm = (label: string) => ({ confirm: label, cancel: t('billing.actions.cancel'), failure });
  return { failure, dialog, confirm, table };
}

/** Saving a billing form (see createFormEditor); saved billing data makes cached billing data stale. */
export function useBillingEditor<F extends string, T>(form: FormModel<F>, save: () => Promise<T>, afterSave: (saved: T) => unknown) {
  const { t } = useI18n();
  const texts = useBillingTexts();
  const notice = useNoticeStore();
  return createFormEditor(
    form,
    save,
    (saved) => {
      clearNuxtData((key) => key.startsWith('billing:'));
      notice.show(t('common.saved'));
      return afterSave(saved);
    },
    {
      translate: (issue) => t(issue.key, issue.params ?? {}),
      unsavedChanges: () => t('billing.form.unsavedChanges'),
      invalid: () => t('billing.errors.invalid'),
      failure: texts.failure,
      labels: {
        saveFailed: t('billing.form.saveFailed'),
        cancel: t('billing.actions.cancel'),
        save: t('billing.actions.save'),
        saving: t('billing.actions.saving'),
      },
    },
  );
}

/** An inline billing form (createInlineForm) whose `error(field)` answers the translated message to show. */
export function useBillingInlineForm<V>(values: V, validate: (values: V) => Record<string, FieldIssue>) {
  const { t } = useI18n();
  const form = createInlineForm(values, validate);
  function error(field: string): string | undefined {
    const problem = form.problem(field);
    return typeof problem === 'object' ? t(problem.key, problem.params ?? {}) : problem;
  }
  return { ...form, error };
}
