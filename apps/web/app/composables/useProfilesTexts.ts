/** Translated texts of the profile tables and pages, and of their refusals. */
export function useProfilesTexts() {
  return useCrudTexts({
    errors: {
      unavailable: 'profiles.errors.unavailable',
      forbidden: 'profiles.errors.forbidden',
      notFound: 'profiles.errors.notFound',
      conflict: 'profiles.errors.conflict',
      invalid: 'profiles.errors.invalid',
      other: 'profiles.errors.other',
    },
    table: { empty: 'profiles.table.empty', errorTitle: 'profiles.table.errorTitle' },
  });
}
