import type { ApiErrorBody } from '#shared/types/auth';
import type { ApiFailure } from '~/lib/api-error';
import type { Ref } from 'vue';
import { computed, ref } from 'vue';
import { toApiFailure } from '~/lib/api-error';

/** API field messages keyed by their dotted path: "modelCode", "address.postalCode", "memberships.1.tenantId". */
export type FieldErrors = Record<string, string>;

export function fieldErrorsFrom(body: ApiErrorBody | null | undefined): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of body?.details ?? []) {
    const key = Array.isArray(detail.path) ? detail.path.join('.') : String(detail.path);
    if (key && !(key in errors)) errors[key] = detail.message;
  }
  return errors;
}

/** The message for a field: its own, or the first one about something inside it ("allowedMeterProfileIds.2"). */
export function errorFor(errors: FieldErrors, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const inner = Object.keys(errors).find((key) => key.startsWith(`${field}.`));
  return inner ? errors[inner] : undefined;
}

/** The index named by an error inside an array field: "allowedMeterProfileIds.2" gives 2. */
export function errorIndex(errors: FieldErrors, field: string): number | null {
  const key = Object.keys(errors).find((k) => k.startsWith(`${field}.`));
  const index = key ? Number(key.slice(field.length + 1).split('.')[0]) : Number.NaN;
  return Number.isInteger(index) ? index : null;
}

/**
 * State of one form submission: pending while it runs, the API's refusal afterwards with its field
 * messages. `run` resolves to the action's result, or undefined when it failed.
 */
export function createSubmitState() {
  const pending = ref(false);
  const failure = ref<ApiFailure | null>(null);
  const fieldErrors = computed(() => fieldErrorsFrom(failure.value?.body));

  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    pending.value = true;
    failure.value = null;
    try {
      return await action();
    } catch (error) {
      failure.value = toApiFailure(error);
      return undefined;
    } finally {
      pending.value = false;
    }
  }

  function reset() {
    failure.value = null;
  }

  return { pending, failure, fieldErrors, run, reset };
}

/** What went wrong, for choosing a translated headline; the API's own message is the detail. */
export type FailureKind = 'unavailable' | 'forbidden' | 'notFound' | 'conflict' | 'invalid' | 'other';

export function failureKind(failure: ApiFailure | null | undefined): FailureKind {
  const status = failure?.status ?? 0;
  if (status === 0 || status >= 500) return 'unavailable';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'invalid';
  return 'other';
}

/**
 * The message to show for a refusal: the API's own message where it explains the case (a conflict,
 * bad input), else the caller's translated text for the kind of failure.
 */
export function failureMessage(failure: ApiFailure | null | undefined, texts: Record<FailureKind, string>): string | null {
  if (!failure) return null;
  const kind = failureKind(failure);
  if ((kind === 'conflict' || kind === 'invalid' || kind === 'other') && failure.body?.message) return failure.body.message;
  return texts[kind];
}

/**
 * A confirmed action on one target (delete this brand, remove that membership): `ask` opens the
 * confirmation, `confirm` runs the action and closes it on success, or keeps it open with the refusal.
 */
export function createConfirmAction<T>(action: (target: T) => Promise<unknown>, onDone?: (target: T) => unknown) {
  const target = ref(null) as Ref<T | null>;
  const submit = createSubmitState();
  const open = computed({
    get: () => target.value !== null,
    set: (value: boolean) => {
      if (!value && !submit.pending.value) target.value = null;
    },
  });

  function ask(value: T) {
    submit.reset();
    target.value = value;
  }

  async function confirm() {
    const current = target.value;
    if (current === null) return;
    const done = await submit.run(async () => {
      await action(current);
      return true;
    });
    if (!done) return;
    target.value = null;
    await onDone?.(current);
  }

  /** Closes the confirmation unless the action is running. */
  function cancel() {
    open.value = false;
  }

  return { target, open, ask, confirm, cancel, pending: submit.pending, failure: submit.failure };
}

export type ConfirmAction = Pick<ReturnType<typeof createConfirmAction<never>>, 'open' | 'pending' | 'failure' | 'confirm' | 'cancel'>;
