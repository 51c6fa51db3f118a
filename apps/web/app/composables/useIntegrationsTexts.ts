import type { ApiFailure } from '~/lib/api-error';
import { failureMessage } from '~/lib/form-errors';

/** Translated refusals of the integrations, uplinks and audit log pages. */
export function useIntegrationsTexts() {
  const { t } = useI18n();
  function failure(value: ApiFailure | null | undefined): string | null {
    return failureMessage(value, {
      unavailable: t('integrations.errors.unavailable'),
      forbidden: t('integrations.errors.forbidden'),
      notFound: t('integrations.errors.notFound'),
      conflict: t('integrations.errors.conflict'),
      invalid: t('integrations.errors.invalid'),
      other: t('integrations.errors.other'),
    });
  }
  return { failure };
}
