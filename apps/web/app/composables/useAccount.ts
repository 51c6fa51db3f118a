import type { ApiBody } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';
import { toApiFailure } from '~/lib/api-error';
import { accountFailure, type Language } from '~/lib/account-forms';
import { useSessionStore } from '~/stores/session';

type ProfileBody = ApiBody<'/api/auth/me', 'patch'>;
// This server's own routes (server/api/session), typed as plain strings: Nitro's route inference over them is too deep for tsc.
const PASSWORD_ROUTE: string = '/api/session/password';
const RESET_ROUTE: string = '/api/session/password-reset';
type Context = Parameters<typeof accountFailure>[1];

/** A refusal as the page shows it: one message in the page's language and the fields the API named. */
export interface AccountRefusal {
  message: string;
  fields: string[];
}

/** Runs one account call with its pending flag and its refusal read in the page's language. */
function useAccountCall(context: Context) {
  const { t } = useI18n();
  const pending = ref(false);
  const refusal = ref<AccountRefusal | null>(null);
  async function run(call: () => Promise<unknown>): Promise<boolean> {
    pending.value = true;
    refusal.value = null;
    try {
      await call();
      return true;
    } catch (error) {
      const failure = accountFailure(toApiFailure(error), context);
      refusal.value = { message: t(failure.key, failure.params ?? {}), fields: failure.fields };
      return false;
    } finally {
      pending.value = false;
    }
  }
  return { pending, refusal, run };
}

/** The signed-in user's profile: saved through the API, the session's copy replaced; the console follows its language. */
export function useAccountProfile() {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const { switchTo } = useLocaleSwitch();
  const call = useAccountCall('profile');
  async function save(body: ProfileBody): Promise<boolean> {
    return call.run(async () => {
      store.setMe(unwrap(await $api.PATCH('/api/auth/me', { body })));
      if (body.language) await switchTo(body.language);
    });
  }
  return { user: computed(() => store.user), pending: call.pending, refusal: call.refusal, save };
}

/** Changes the password through this server (it keeps the new session's tokens in the cookies). */
export function usePasswordChange() {
  const call = useAccountCall('password');
  const change = (currentPassword: string, newPassword: string) =>
    call.run(async () => {
      await $fetch(PASSWORD_ROUTE, { method: 'POST', body: { currentPassword, newPassword } });
    });
  return { pending: call.pending, refusal: call.refusal, change };
}

/** The forgotten-password pair of pages: ask for a link, then set the password through it. */
export function usePasswordReset() {
  const { locale } = useI18n();
  const call = useAccountCall('resetRequest');
  const confirmCall = useAccountCall('resetConfirm');
  const request = (email: string) =>
    call.run(async () => {
      await $fetch(RESET_ROUTE, { method: 'POST', body: { email: email.trim(), language: locale.value as Language } });
    });
  const confirm = (token: string, password: string) =>
    confirmCall.run(async () => {
      await $fetch(RESET_ROUTE, { method: 'POST', body: { token, password } });
    });
  return {
    request,
    requestPending: call.pending,
    requestRefusal: call.refusal,
    confirm,
    confirmPending: confirmCall.pending,
    confirmRefusal: confirmCall.refusal,
  };
}
