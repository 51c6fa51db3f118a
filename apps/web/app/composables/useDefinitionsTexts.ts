import type { DataTableTexts } from '~/components/ui/data-table';
import type { ApiFailure } from '~/lib/api-error';
import type { FormDialogTexts } from '~/lib/crud';
import { failureMessage } from '~/lib/form-errors';

/** Translated texts of the definitions tables and of their refusals. */
export function useDefinitionsTexts() {
  const { t } = useI18n();

  function table(caption: string, extra: { search?: string; create?: string; empty?: string } = {}): DataTableTexts {
    return {
      caption,
      search: extra.search,
      create: extra.create,
      empty: extra.empty ?? t('definitions.table.empty'),
      errorTitle: t('definitions.table.errorTitle'),
      errorDescription: t('definitions.table.errorDescription'),
      retry: t('definitions.table.retry'),
      pagination: t('definitions.table.pagination'),
      previous: t('definitions.table.previous'),
      next: t('definitions.table.next'),
      range: (from, to, total) => t('definitions.table.range', { from, to, total }),
      pageOf: (page, pages) => t('definitions.table.pageOf', { page, pages }),
    };
  }

  function failure(value: ApiFailure | null | undefined): string | null {
    return failureMessage(value, {
      unavailable: t('definitions.errors.unavailable'),
      forbidden: t('definitions.errors.forbidden'),
      notFound: t('definitions.errors.notFound'),
      conflict: t('definitions.errors.conflict'),
      invalid: t('definitions.errors.invalid'),
      other: t('definitions.errors.other'),
    });
  }

  /** Texts of the definitions' edit dialogs (CrudFormDialog). */
  const dialog = (): FormDialogTexts => ({
    close: t('definitions.actions.close'),
    cancel: t('definitions.actions.cancel'),
    save: t('definitions.actions.save'),
    saving: t('definitions.actions.saving'),
    discardChanges: t('definitions.form.discardChanges'),
    unsavedChanges: t('definitions.form.unsavedChanges'),
    failure,
  });

  return { table, failure, dialog };
}
