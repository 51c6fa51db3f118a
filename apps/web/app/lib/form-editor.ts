import type { ComputedRef } from 'vue';
import type { ChecklistOption } from '~/components/ui/checklist';
import type { ApiFailure } from '~/lib/api-error';
import type { FieldIssue, FieldIssues } from '~/lib/form-model';
import { computed, ref } from 'vue';
import { createSubmitState, errorFor, errorIndex } from '~/lib/form-errors';
import { useUnsavedChanges } from '~/lib/unsaved-changes';

/** The parts of a form model an editor needs (values, client issues, validity, changes). */
export interface FormModel<F extends string> {
  values: object;
  issues: ComputedRef<FieldIssues<F>>;
  valid: ComputedRef<boolean>;
  dirty: ComputedRef<boolean>;
}

export interface FormEditorTexts {
  translate: (issue: FieldIssue) => string;
  unsavedChanges: () => string;
  /** Summary when the API marked fields: they carry the details. */
  invalid: () => string;
  failure: (failure: ApiFailure | null) => string | null;
  /** The frame's texts (CrudEditorForm), already translated. */
  labels: { saveFailed: string; cancel: string; save: string; saving: string };
}

/** The value at a dotted path of the form values ("address.city"). */
function valueAt(values: object, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), values);
}

/**
 * Saving a form: client checks first (shown once the user tried to save), then the API, whose field
 * messages are shown next to the same fields; asks before leaving with unsaved changes.
 */
export function createFormEditor<F extends string, T>(
  form: FormModel<F>,
  save: () => Promise<T>,
  afterSave: (saved: T) => unknown,
  texts: FormEditorTexts,
) {
  const submit = createSubmitState();
  const checked = ref(false);
  const guard = useUnsavedChanges(() => form.dirty.value && !submit.pending.value, texts.unsavedChanges);

  /** The message next to a field: the client check, else the API's. */
  function error(field: F): string | undefined {
    const issue = checked.value ? form.issues.value[field] : undefined;
    if (issue) return texts.translate(issue);
    return errorFor(submit.fieldErrors.value, field);
  }

  /** For a list field the API names the refused item ("allowedTenantIds.2"): say which one. */
  function listError(field: F, options: readonly ChecklistOption[]): string | undefined {
    const message = error(field);
    const index = errorIndex(submit.fieldErrors.value, field);
    const selected = valueAt(form.values, field);
    if (!message || index === null || !Array.isArray(selected)) return message;
    const label = options.find((o) => o.value === selected[index])?.label;
    return label ? `${label}: ${message}` : message;
  }

  async function run(): Promise<boolean> {
    checked.value = true;
    if (!form.valid.value) return false;
    const saved = await submit.run(save);
    if (saved === undefined) return false;
    guard.release();
    await afterSave(saved);
    return true;
  }

  return {
    error,
    listError,
    run,
    pending: submit.pending,
    labels: texts.labels,
    failure: computed(() => (Object.keys(submit.fieldErrors.value).length ? texts.invalid() : texts.failure(submit.failure.value))),
  };
}

export type FormEditor = Pick<ReturnType<typeof createFormEditor>, 'run' | 'pending' | 'failure' | 'labels'>;
