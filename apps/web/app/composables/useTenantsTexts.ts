import type { FormModel } from '~/lib/form-editor';

/** Translated texts of the tenant pages and of their refusals. */
export function useTenantsTexts() {
  return useCrudTexts({
    errors: {
      unavailable: 'tenants.errors.unavailable',
      forbidden: 'tenants.errors.forbidden',
      notFound: 'tenants.errors.notFound',
      conflict: 'tenants.errors.conflict',
      invalid: 'tenants.errors.invalid',
      other: 'tenants.errors.other',
    },
    load: {
      notFoundTitle: 'tenants.detail.notFoundTitle',
      notFoundDescription: 'tenants.detail.notFoundDescription',
      errorTitle: 'tenants.detail.errorTitle',
    },
  });
}

/** Saving a tenant form (see createFormEditor); a saved tenant makes cached tenant data stale. */
export function useTenantsEditor<F extends string, T>(form: FormModel<F>, save: () => Promise<T>, afterSave: (saved: T) => unknown) {
  return useTenantsTexts().editor(form, save, afterSave, (key) => key.startsWith('tenants'));
}
