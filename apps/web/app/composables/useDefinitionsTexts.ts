/** Translated texts of the definitions tables and dialogs, and of their refusals. */
export function useDefinitionsTexts() {
  return useCrudTexts({
    errors: {
      unavailable: 'definitions.errors.unavailable',
      forbidden: 'definitions.errors.forbidden',
      notFound: 'definitions.errors.notFound',
      conflict: 'definitions.errors.conflict',
      invalid: 'definitions.errors.invalid',
      other: 'definitions.errors.other',
    },
    table: { empty: 'definitions.table.empty', errorTitle: 'definitions.table.errorTitle' },
  });
}
