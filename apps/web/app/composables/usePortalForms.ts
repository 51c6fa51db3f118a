import type { Issues, Refusal } from '~/lib/portal-forms';
import { toApiFailure } from '~/lib/api-error';
import { hasIssues, refusalOf } from '~/lib/portal-forms';

/**
 * A portal form's state: its values, the problems found before sending (shown once the customer tried),
 * the refusal of the API in the page's language, and whether it is being sent.
 */
export function usePortalForm<V extends Record<string, unknown>>(
  initial: V,
  validate: (values: V) => Issues<Extract<keyof V, string>>,
  context: 'login' | 'code' | 'other' = 'other',
) {
  const { t } = useI18n();
  const values = reactive({ ...initial }) as V;
  const tried = ref(false);
  const pending = ref(false);
  const refusal = ref<Refusal | null>(null);
  const issues = computed(() => validate(values as V));

  /** The translated problem of a field, once the customer tried to send. */
  const error = (field: Extract<keyof V, string>) => {
    const key = tried.value ? issues.value[field] : undefined;
    return key ? t(key) : undefined;
  };
  const refusalText = computed(() => (refusal.value ? t(refusal.value.key, refusal.value.params ?? {}) : ''));

  /** Runs `send` when the values pass; a refusal is kept for the form to show. True when it went through. */
  async function submit(send: (values: V) => Promise<unknown>): Promise<boolean> {
    tried.value = true;
    refusal.value = null;
    if (hasIssues(issues.value) || pending.value) return false;
    pending.value = true;
    try {
      await send(values as V);
      return true;
    } catch (failure) {
      refusal.value = refusalOf(toApiFailure(failure), context);
      return false;
    } finally {
      pending.value = false;
    }
  }

  function reset(next: Partial<V> = {}) {
    Object.assign(values, initial, next);
    tried.value = false;
    refusal.value = null;
  }

  return { values, issues, error, pending, refusal, refusalText, submit, reset };
}
