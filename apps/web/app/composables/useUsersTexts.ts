import type { FormModel } from '~/lib/form-editor';

/** Translated texts of the user pages and of their refusals. */
export function useUsersTexts() {
  return useCrudTexts({
    errors: {
      unavailable: 'users.errors.unavailable',
      forbidden: 'users.errors.forbidden',
      notFound: 'users.errors.notFound',
      conflict: 'users.errors.conflict',
      invalid: 'users.errors.invalid',
      other: 'users.errors.other',
    },
    table: { empty: 'users.table.empty', errorTitle: 'users.table.errorTitle' },
    load: {
      notFoundTitle: 'users.detail.notFoundTitle',
      notFoundDescription: 'users.detail.notFoundDescription',
      errorTitle: 'users.detail.errorTitle',
    },
  });
}

/** Saving a user form (see createFormEditor); a saved user makes cached user and tenant data stale. */
export function useUsersEditor<F extends string, T>(form: FormModel<F>, save: () => Promise<T>, afterSave: (saved: T) => unknown) {
  return useUsersTexts().editor(form, save, afterSave, (key) => key.startsWith('users') || key.startsWith('tenants'));
}
