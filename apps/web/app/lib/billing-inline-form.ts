import type { FieldIssue } from '~/lib/form-model';
import { computed, ref } from 'vue';
import { createSubmitState, errorFor } from '~/lib/form-errors';

/**
 * A small form inside a page (start a run, price a consumption, the cash desk): client issues shown once
 * the user tried to send it, else the API's message for the same field; `run` sends only valid values.
 */
export function createInlineForm<V>(values: V, validate: (values: V) => Record<string, FieldIssue>) {
  const checked = ref(false);
  const submit = createSubmitState();
  const issues = computed(() => validate(values));

  /** The client issue of a field (once tried), or the API's message for it. */
  function problem(field: string): FieldIssue | string | undefined {
    return (checked.value ? issues.value[field] : undefined) ?? errorFor(submit.fieldErrors.value, field);
  }

  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    checked.value = true;
    if (Object.keys(issues.value).length) return undefined;
    return submit.run(action);
  }

  return {
    problem,
    run,
    pending: submit.pending,
    failure: submit.failure,
    /** Back to a fresh form: nothing tried, no refusal. */
    reset() {
      checked.value = false;
      submit.reset();
    },
  };
}

/** Translated messages of client issues by field, as createDialogForm's `validate` answers them. */
export function issueMessages<K extends string>(
  issues: Partial<Record<string, FieldIssue>>,
  fields: readonly K[],
  t: (key: string, params: Record<string, unknown>) => string,
): Partial<Record<K, string>> {
  return Object.fromEntries(fields.map((f) => [f, issues[f] ? t(issues[f]!.key, issues[f]!.params ?? {}) : undefined])) as Partial<
    Record<K, string>
  >;
}
