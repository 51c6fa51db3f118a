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
    secret: {
      createdTitle: 'integrations.secret.createdTitle',
      rotatedTitle: 'integrations.secret.rotatedTitle',
      description: 'integrations.secret.description',
      onceTitle: 'integrations.secret.onceTitle',
      once: 'integrations.secret.once',
      secret: 'integrations.secret.secret',
      done: 'integrations.secret.done',
    },
  });
}
