import type { DataTableTexts } from '~/components/ui/data-table';
import type { ApiFailure } from '~/lib/api-error';
import type { CatalogueTexts, DetailTexts, FormDialogTexts, SecretDialogTexts } from '~/lib/crud';
import type { FormModel } from '~/lib/form-editor';
import { createFormEditor } from '~/lib/form-editor';
import { failureMessage } from '~/lib/form-errors';
import { useNoticeStore } from '~/stores/notice';

/** The i18n keys an area brings to its texts; everything else is the shared `crud.*` texts. */
export interface CrudTextKeys {
  /** A refusal of each kind (failureMessage), said in the area's words ("The profile was not found…"). */
  errors: Record<'unavailable' | 'forbidden' | 'notFound' | 'conflict' | 'invalid' | 'other', string>;
  /** A list's empty line and load error title. */
  table?: { empty: string; errorTitle: string };
  /** A record page's not-found and error texts. */
  load?: { notFoundTitle: string; notFoundDescription: string; errorTitle: string };
  /** A secret shown once (CrudSecretDialog): the titles take the owner's `{name}`. */
  secret?: Record<'createdTitle' | 'rotatedTitle' | 'description' | 'onceTitle' | 'once' | 'secret' | 'done', string>;
}

/**
 * The translated texts of an area's CRUD screens, from its own keys and the shared ones: a list's
 * (`table`), a refusal (`failure`), a record header's (`detail`), an edit dialog's (`dialog`), a record
 * page's load state (`load`), and a page form's editor (`editor`). One factory instead of one copy per area.
 */
export function useCrudTexts(keys: CrudTextKeys) {
  const { t } = useI18n();
  const notice = useNoticeStore();

  function failure(value: ApiFailure | null | undefined): string | null {
    const { errors } = keys;
    return failureMessage(value, {
      unavailable: t(errors.unavailable),
      forbidden: t(errors.forbidden),
      notFound: t(errors.notFound),
      conflict: t(errors.conflict),
      invalid: t(errors.invalid),
      other: t(errors.other),
    });
  }

  function table(caption: string, extra: { search?: string; create?: string; empty?: string } = {}): DataTableTexts {
    return {
      caption,
      search: extra.search,
      create: extra.create,
      empty: extra.empty ?? (keys.table ? t(keys.table.empty) : ''),
      errorTitle: keys.table ? t(keys.table.errorTitle) : '',
      errorDescription: t('crud.table.errorDescription'),
      retry: t('crud.table.retry'),
      pagination: t('crud.table.pagination'),
      previous: t('crud.table.previous'),
      next: t('crud.table.next'),
      range: (from, to, total) => t('crud.table.range', { from, to, total }),
      pageOf: (page, pages) => t('crud.table.pageOf', { page, pages }),
    };
  }

  /** Texts of a record page's header (CrudDetailHeader): its delete dialog names the record. */
  const detail = (deleteTitle: string, deleteDescription: string): DetailTexts => ({
    edit: t('crud.actions.edit'),
    delete: t('crud.actions.delete'),
    cancel: t('crud.actions.cancel'),
    deleteTitle,
    deleteDescription,
    failure,
  });

  /** Texts of an edit dialog (CrudFormDialog). */
  const dialog = (): FormDialogTexts => ({
    close: t('crud.actions.close'),
    cancel: t('crud.actions.cancel'),
    save: t('crud.actions.save'),
    saving: t('crud.actions.saving'),
    discardChanges: t('crud.form.discardChanges'),
    unsavedChanges: t('crud.form.unsavedChanges'),
    failure,
  });

  /** The row actions of a catalogue (CrudCatalogueTable) besides its table and delete texts. */
  const catalogueActions = (): Pick<CatalogueTexts, 'actions' | 'delete' | 'cancel' | 'failure'> => ({
    actions: t('crud.actions.label'),
    delete: t('crud.actions.delete'),
    cancel: t('crud.actions.cancel'),
    failure,
  });

  /** The not-found and error texts of a record's page (ProfilesLoadState). */
  const load = () => ({
    notFoundTitle: keys.load ? t(keys.load.notFoundTitle) : '',
    notFoundDescription: keys.load ? t(keys.load.notFoundDescription) : '',
    errorTitle: keys.load ? t(keys.load.errorTitle) : '',
  });

  /** Texts of the dialog showing `name`'s secret once, after its creation or a rotation. */
  function secret(name: string, rotated = false): SecretDialogTexts {
    const k = keys.secret;
    if (!k) throw new Error('useCrudTexts: this area has no secret texts');
    return {
      title: t(rotated ? k.rotatedTitle : k.createdTitle, { name }),
      description: t(k.description),
      onceTitle: t(k.onceTitle),
      once: t(k.once),
      secret: t(k.secret),
      done: t(k.done),
      close: t('crud.actions.close'),
    };
  }

  /** Saving a page form (createFormEditor) in the area's words; `stale` says which cached data a save outdates. */
  function editor<F extends string, T>(
    form: FormModel<F>,
    save: () => Promise<T>,
    afterSave: (saved: T) => unknown,
    stale: ((key: string) => boolean) | null,
  ) {
    return createFormEditor(
      form,
      save,
      (saved) => {
        if (stale) clearNuxtData(stale);
        notice.show(t('common.saved'));
        return afterSave(saved);
      },
      {
        translate: (issue) => t(issue.key, issue.params ?? {}),
        unsavedChanges: () => t('crud.form.unsavedChanges'),
        invalid: () => t(keys.errors.invalid),
        failure,
        labels: {
          saveFailed: t('crud.form.saveFailed'),
          cancel: t('crud.actions.cancel'),
          save: t('crud.actions.save'),
          saving: t('crud.actions.saving'),
        },
      },
    );
  }

  return { failure, table, detail, dialog, catalogueActions, load, editor, secret };
}
