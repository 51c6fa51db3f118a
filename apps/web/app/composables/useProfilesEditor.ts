import type { FormModel } from '~/lib/form-editor';

/** Saving a profile form (see createFormEditor) with the profiles texts; saved profiles make cached lists stale. */
export function useProfilesEditor<F extends string, T>(
  form: FormModel<F>,
  save: () => Promise<T>,
  afterSave: (saved: T) => unknown,
  options: { clearCache?: boolean } = {},
) {
  const stale = options.clearCache === false ? null : (key: string) => key.startsWith('profiles');
  return useProfilesTexts().editor(form, save, afterSave, stale);
}
