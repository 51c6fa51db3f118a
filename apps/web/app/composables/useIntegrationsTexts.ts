/** Translated refusals of the integrations, uplinks and audit log pages. */
export function useIntegrationsTexts() {
  return useCrudTexts({
    errors: {
      unavailable: 'integrations.errors.unavailable',
      forbidden: 'integrations.errors.forbidden',
      notFound: 'integrations.errors.notFound',
      conflict: 'integrations.errors.conflict',
      invalid: 'integrations.errors.invalid',
      other: 'integrations.errors.other',
    },
  });
}
