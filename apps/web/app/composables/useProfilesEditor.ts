import type { FormModel } from '~/lib/form-editor';
import { createFormEditor } from '~/lib/form-editor';

/** Saving a profile form (see createFormEditor) with the profiles texts; saved profiles make cached lists stale. */
export function useProfilesEditor<F extends string, T>(
  form: FormModel<F>,
  save: () => Promise<T>,
  afterSave: (saved: T) => unknown,
  options: { clearCache?: boolean } = {},
) {
  const { t } = useI18n();
  const texts = useProfilesTexts();
  return createFormEditor(
    form,
    save,
    (saved) => {
      if (options.clearCache !== false) clearNuxtData((key) => key.startsWith('profiles'));
      return afterSave(saved);
    },
    {
      translate: (issue) => t(issue.key, issue.params ?? {}),
      unsavedChanges: () => t('profiles.form.unsavedChanges'),
      invalid: () => t('profiles.errors.invalid'),
      failure: texts.failure,
      labels: {
        saveFailed: t('profiles.form.saveFailed'),
        cancel: t('profiles.actions.cancel'),
        save: t('profiles.actions.save'),
        saving: t('profiles.actions.saving'),
      },
    },
  );
}
