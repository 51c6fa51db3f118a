import type { ApiFailure } from '~/lib/api-error';
import type { DetailTexts } from '~/lib/crud';
import type { FormModel } from '~/lib/form-editor';
import { createFormEditor } from '~/lib/form-editor';
import { failureMessage } from '~/lib/form-errors';

/** Translated refusals of the tenant pages. */
export function useTenantsTexts() {
  const { t } = useI18n();
  function failure(value: ApiFailure | null | undefined): string | null {
    return failureMessage(value, {
      unavailable: t('tenants.errors.unavailable'),
      forbidden: t('tenants.errors.forbidden'),
      notFound: t('tenants.errors.notFound'),
      conflict: t('tenants.errors.conflict'),
      invalid: t('tenants.errors.invalid'),
      other: t('tenants.errors.other'),
    });
  }

  /** Texts of a record page's header (CrudDetailHeader): its delete dialog names the record. */
  function detail(deleteTitle: string, deleteDescription: string): DetailTexts {
    return {
      edit: t('tenants.actions.edit'),
      delete: t('tenants.actions.delete'),
      cancel: t('tenants.actions.cancel'),
      deleteTitle,
      deleteDescription,
      failure,
    };
  }
  /** The not-found and error texts of a record's page (ProfilesLoadState). */
  const load = () => ({
    notFoundTitle: t('tenants.detail.notFoundTitle'),
    notFoundDescription: t('tenants.detail.notFoundDescription'),
    errorTitle: t('tenants.detail.errorTitle'),
  });

  return { failure, detail, load };
}

/** Saving a tenant form (see createFormEditor); a saved tenant makes cached tenant data stale. */
export function useTenantsEditor<F extends string, T>(form: FormModel<F>, save: () => Promise<T>, afterSave: (saved: T) => unknown) {
  const { t } = useI18n();
  const texts = useTenantsTexts();
  return createFormEditor(
    form,
    save,
    (saved) => {
      clearNuxtData((key) => key.startsWith('tenants'));
      return afterSave(saved);
    },
    {
      translate: (issue) => t(issue.key, issue.params ?? {}),
      unsavedChanges: () => t('tenants.form.unsavedChanges'),
      invalid: () => t('tenants.errors.invalid'),
      failure: texts.failure,
      labels: {
        saveFailed: t('tenants.form.saveFailed'),
        cancel: t('tenants.actions.cancel'),
        save: t('tenants.actions.save'),
        saving: t('tenants.actions.saving'),
      },
    },
  );
}
