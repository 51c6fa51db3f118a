import type { DataTableTexts } from '~/components/ui/data-table';
import type { ApiFailure } from '~/lib/api-error';
import type { DetailTexts } from '~/lib/crud';
import { failureMessage } from '~/lib/form-errors';

/** Translated texts of the profile tables and of their refusals. */
export function useProfilesTexts() {
  const { t } = useI18n();

  function table(caption: string, extra: { search?: string; create?: string; empty?: string } = {}): DataTableTexts {
    return {
      caption,
      search: extra.search,
      create: extra.create,
      empty: extra.empty ?? t('profiles.table.empty'),
      errorTitle: t('profiles.table.errorTitle'),
      errorDescription: t('profiles.table.errorDescription'),
      retry: t('profiles.table.retry'),
      pagination: t('profiles.table.pagination'),
      previous: t('profiles.table.previous'),
      next: t('profiles.table.next'),
      range: (from, to, total) => t('profiles.table.range', { from, to, total }),
      pageOf: (page, pages) => t('profiles.table.pageOf', { page, pages }),
    };
  }

  function failure(value: ApiFailure | null | undefined): string | null {
    return failureMessage(value, {
      unavailable: t('profiles.errors.unavailable'),
      forbidden: t('profiles.errors.forbidden'),
      notFound: t('profiles.errors.notFound'),
      conflict: t('profiles.errors.conflict'),
      invalid: t('profiles.errors.invalid'),
      other: t('profiles.errors.other'),
    });
  }

  /** Texts of a record page's header (CrudDetailHeader): its delete dialog names the record. */
  function detail(deleteTitle: string, deleteDescription: string): DetailTexts {
    return {
      edit: t('profiles.actions.edit'),
      delete: t('profiles.actions.delete'),
      cancel: t('profiles.actions.cancel'),
      deleteTitle,
      deleteDescription,
      failure,
    };
  }

  return { table, failure, detail };
}
