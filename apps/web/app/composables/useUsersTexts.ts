import type { DataTableTexts } from '~/components/ui/data-table';
import type { ApiFailure } from '~/lib/api-error';
import type { DetailTexts } from '~/lib/crud';
import type { FormModel } from '~/lib/form-editor';
import { createFormEditor } from '~/lib/form-editor';
import { failureMessage } from '~/lib/form-errors';

/** Translated texts of the user pages and of their refusals. */
export function useUsersTexts() {
  const { t } = useI18n();

  function table(caption: string, extra: { search?: string; create?: string } = {}): DataTableTexts {
    return {
      caption,
      search: extra.search,
      create: extra.create,
      empty: t('users.table.empty'),
      errorTitle: t('users.table.errorTitle'),
      errorDescription: t('users.table.errorDescription'),
      retry: t('users.table.retry'),
      pagination: t('users.table.pagination'),
      previous: t('users.table.previous'),
      next: t('users.table.next'),
      range: (from, to, total) => t('users.table.range', { from, to, total }),
      pageOf: (page, pages) => t('users.table.pageOf', { page, pages }),
    };
  }

  function failure(value: ApiFailure | null | undefined): string | null {
    return failureMessage(value, {
      unavailable: t('users.errors.unavailable'),
      forbidden: t('users.errors.forbidden'),
      notFound: t('users.errors.notFound'),
      conflict: t('users.errors.conflict'),
      invalid: t('users.errors.invalid'),
      other: t('users.errors.other'),
    });
  }

  /** Texts of a record page's header (CrudDetailHeader): its delete dialog names the record. */
  function detail(deleteTitle: string, deleteDescription: string): DetailTexts {
    return {
      edit: t('users.actions.edit'),
      delete: t('users.actions.delete'),
      cancel: t('users.actions.cancel'),
      deleteTitle,
      deleteDescription,
      failure,
    };
  }

  /** The not-found and error texts of a record's page (ProfilesLoadState). */
  const load = () => ({
    notFoundTitle: t('users.detail.notFoundTitle'),
    notFoundDescription: t('users.detail.notFoundDescription'),
    errorTitle: t('users.detail.errorTitle'),
  });

  return { table, failure, detail, load };
}

/** Saving a user form (see createFormEditor); a saved user makes cached user and tenant data stale. */
export function useUsersEditor<F extends string, T>(form: FormModel<F>, save: () => Promise<T>, afterSave: (saved: T) => unknown) {
  const { t } = useI18n();
  const texts = useUsersTexts();
  return createFormEditor(
    form,
    save,
    (saved) => {
      clearNuxtData((key) => key.startsWith('users') || key.startsWith('tenants'));
      return afterSave(saved);
    },
    {
      translate: (issue) => t(issue.key, issue.params ?? {}),
      unsavedChanges: () => t('users.form.unsavedChanges'),
      invalid: () => t('users.errors.invalid'),
      failure: texts.failure,
      labels: {
        saveFailed: t('users.form.saveFailed'),
        cancel: t('users.actions.cancel'),
        save: t('users.actions.save'),
        saving: t('users.actions.saving'),
      },
    },
  );
}
