import { detailField, toApiFailure } from '~/lib/api-error';
import { looksLikeEmail } from '~/lib/email-shape';
import { safeRedirect } from '~/lib/redirect';

/** State of the sign-in form: the fields, per-field messages from the API, and one form-level message. */
export function useLoginForm() {
  const { t } = useI18n();
  const route = useRoute();
  const { login } = useSession();

  const email = ref('');
  const password = ref('');
  const pending = ref(false);
  const formError = ref<{ title: string; message: string } | null>(null);
  const fieldErrors = reactive<{ email?: string; password?: string }>({});

  function reset() {
    formError.value = null;
    fieldErrors.email = undefined;
    fieldErrors.password = undefined;
  }

  function showFailure(error: unknown) {
    const failure = toApiFailure(error);
    const title = t('login.errors.title');
    if (failure.status === 401) {
      formError.value = { title, message: t('login.errors.invalidCredentials') };
    } else if (failure.status === 429) {
      formError.value = {
        title,
        message:
          failure.retryAfterSeconds === null
            ? t('login.errors.rateLimitedNoTime')
            : t('login.errors.rateLimited', { seconds: failure.retryAfterSeconds }),
      };
    } else if (failure.status === 400 || failure.status === 422) {
      // The API names the offending fields (its sentences are English): mark them in the page's language.
      for (const detail of failure.body?.details ?? []) {
        const field = detailField(detail.path);
        if (field === 'email') fieldErrors.email = t('login.errors.invalidEmail');
        else if (field === 'password') fieldErrors.password = t('login.errors.invalidInput');
      }
      formError.value = { title, message: t('login.errors.invalidInput') };
    } else if (failure.status === 0 || failure.status >= 500) {
      formError.value = { title, message: t('login.errors.unavailable') };
    } else {
      formError.value = { title, message: failure.body?.message || t('login.errors.unknown') };
    }
  }

  /** Reads the fields from the form itself: typing or browser autofill before hydration never reached the refs. */
  async function submit(event: Event) {
    const form = event.target instanceof HTMLFormElement ? new FormData(event.target) : null;
    if (form) {
      email.value = String(form.get('email') ?? '');
      password.value = String(form.get('password') ?? '');
    }
    reset();
    if (!email.value.trim()) fieldErrors.email = t('login.errors.required');
    else if (!looksLikeEmail(email.value.trim())) fieldErrors.email = t('login.errors.invalidEmail');
    if (!password.value) fieldErrors.password = t('login.errors.required');
    if (fieldErrors.email || fieldErrors.password) return;

    pending.value = true;
    try {
      await login({ email: email.value.trim(), password: password.value });
      await navigateTo(safeRedirect(route.query.redirect), { replace: true });
    } catch (error) {
      showFailure(error);
    } finally {
      pending.value = false;
    }
  }

  return { email, password, pending, formError, fieldErrors, submit };
}
