import type { ApiFailure } from '~/lib/api-error';
import { computed, reactive, ref, watch } from 'vue';
import { createSubmitState, errorFor } from '~/lib/form-errors';
import { snapshot } from '~/lib/form-model';

export interface DialogFormOptions<V extends object, K extends string> {
  /** Whether the dialog is open: each opening starts again from `initial`. */
  open: () => boolean;
  /** The values of the edited entry (or of a new one). */
  initial: () => V;
  /** Translated client messages by field; an empty one means the field is fine. */
  validate: (values: V) => Partial<Record<K, string | undefined>>;
  /** Saves valid values; called only when `validate` found nothing. */
  save: (values: V) => Promise<unknown>;
  /** After a successful save (close the dialog, refresh the list). */
  saved: () => unknown;
  /** Whether closing would lose work; by default, whether any value differs from `initial`. */
  dirty?: (values: V) => boolean;
}

/**
 * The state of a form in a dialog: values reset at each opening, client checks shown once the user tried
 * to save, the API's field messages next to the same fields, and whether anything changed.
 */
export function createDialogForm<V extends object, K extends string>(options: DialogFormOptions<V, K>) {
  const submit = createSubmitState();
  const copy = (values: V) => JSON.parse(JSON.stringify(values)) as V;
  const values = reactive(copy(options.initial())) as V;
  const checked = ref(false);
  // Successful saves so far: the dialog around the form confirms each one with the saved notice.
  const saves = ref(0);

  watch(options.open, (open) => {
    if (!open) return;
    Object.assign(values, copy(options.initial()));
    submit.reset();
    checked.value = false;
  });

  const issues = computed(() => options.validate(values));
  const dirty = computed(() => (options.dirty ? options.dirty(values) : snapshot(values) !== snapshot(options.initial())));

  /** The message next to a field: the client check once tried, else the API's. */
  function error(field: K): string | undefined {
    return (checked.value ? issues.value[field] : undefined) ?? errorFor(submit.fieldErrors.value, field);
  }

  async function run() {
    checked.value = true;
    if (Object.values(issues.value).some(Boolean)) return;
    const done = await submit.run(async () => {
      await options.save(values);
      return true;
    });
    if (!done) return;
    saves.value++;
    await options.saved();
  }

  return {
    values,
    dirty,
    error,
    run,
    pending: submit.pending,
    saves,
    failure: computed<ApiFailure | null>(() => submit.failure.value),
  };
}

export type DialogForm = Pick<ReturnType<typeof createDialogForm>, 'pending' | 'dirty' | 'failure' | 'run' | 'saves'>;

/** The events of a dialog component bound with `v-model:open` that tells its parent when it saved. */
export interface DialogEmits {
  (e: 'update:open', value: boolean): void;
  (e: 'saved'): void;
}

/**
 * createDialogForm for a dialog component with an `open` prop and DialogEmits: it starts again at each
 * opening, and after a save it closes and emits `saved`.
 */
export function createDialogFormFor<V extends object, K extends string>(
  props: { open: boolean },
  emits: DialogEmits,
  options: Omit<DialogFormOptions<V, K>, 'open' | 'saved'>,
) {
  return createDialogForm<V, K>({
    ...options,
    open: () => props.open,
    saved: () => {
      emits('update:open', false);
      emits('saved');
    },
  });
}
