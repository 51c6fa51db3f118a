import { PHONE_REGEX } from '@water/shared';
import { detailField, type ApiFailure } from '~/lib/api-error';
import { looksLikeEmail } from '~/lib/email-shape';

/**
 * The account pages' forms, pure (no Nuxt): values as typed, checks answering i18n keys by field,
 * the API bodies, and how the API's refusals read in the page's language.
 */
export type Language = 'tr' | 'en';
export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export interface ProfileValues {
  name: string;
  surname: string;
  phone: string;
  language: Language;
}

export function profileValues(user: { name: string; surname: string; phone: string | null; language?: string }): ProfileValues {
  return { name: user.name, surname: user.surname, phone: user.phone ?? '', language: user.language === 'en' ? 'en' : 'tr' };
}

const normalizePhone = (phone: string) => phone.replace(/[\s()-]/g, '');

export function validateProfile(v: ProfileValues): FieldErrors<keyof ProfileValues> {
  const errors: FieldErrors<keyof ProfileValues> = {};
  if (!v.name.trim()) errors.name = 'account.errors.required';
  else if (v.name.trim().length > 100) errors.name = 'account.errors.tooLong';
  if (!v.surname.trim()) errors.surname = 'account.errors.required';
  else if (v.surname.trim().length > 100) errors.surname = 'account.errors.tooLong';
  if (v.phone.trim() && !PHONE_REGEX.test(normalizePhone(v.phone))) errors.phone = 'account.errors.phone';
  return errors;
}

export function profilePayload(v: ProfileValues) {
  const phone = normalizePhone(v.phone.trim());
  return { name: v.name.trim(), surname: v.surname.trim(), phone: phone || null, language: v.language };
}

/** At least 8 characters with a letter and a digit: the API's rule, told before the round trip. */
export function passwordProblem(password: string): string | null {
  if (!password) return 'account.errors.required';
  if (password.length < 8) return 'account.errors.passwordShort';
  if (password.length > 200) return 'account.errors.tooLong';
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) return 'account.errors.passwordMix';
  return null;
}

export interface PasswordChangeValues {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export const emptyPasswordChange = (): PasswordChangeValues => ({ currentPassword: '', newPassword: '', confirmPassword: '' });

export function validatePasswordChange(v: PasswordChangeValues): FieldErrors<keyof PasswordChangeValues> {
  const errors: FieldErrors<keyof PasswordChangeValues> = {};
  if (!v.currentPassword) errors.currentPassword = 'account.errors.required';
  const problem = passwordProblem(v.newPassword);
  if (problem) errors.newPassword = problem;
  else if (v.newPassword === v.currentPassword) errors.newPassword = 'account.errors.passwordSame';
  if (v.confirmPassword !== v.newPassword) errors.confirmPassword = 'account.errors.passwordMismatch';
  return errors;
}

export interface PasswordResetValues {
  password: string;
  confirmPassword: string;
}

export function validatePasswordReset(v: PasswordResetValues): FieldErrors<keyof PasswordResetValues> {
  const errors: FieldErrors<keyof PasswordResetValues> = {};
  const problem = passwordProblem(v.password);
  if (problem) errors.password = problem;
  if (v.confirmPassword !== v.password) errors.confirmPassword = 'account.errors.passwordMismatch';
  return errors;
}

export function validateResetEmail(email: string): string | null {
  if (!email.trim()) return 'account.errors.required';
  return looksLikeEmail(email.trim()) ? null : 'account.errors.email';
}

/** A refusal of the account routes as an i18n key (+ params), and the fields it names. */
export function accountFailure(
  failure: ApiFailure,
  context: 'profile' | 'password' | 'resetRequest' | 'resetConfirm',
): { key: string; params?: Record<string, number>; fields: string[] } {
  const fields = (failure.body?.details ?? []).map((d) => detailField(d.path));
  if (failure.status === 429)
    return failure.retryAfterSeconds === null
      ? { key: 'account.errors.rateLimitedNoTime', fields }
      : { key: 'account.errors.rateLimited', params: { seconds: failure.retryAfterSeconds }, fields };
  if (failure.status === 0 || failure.status >= 500) return { key: 'account.errors.unavailable', fields };
  if (failure.status === 401) return { key: 'account.errors.signedOut', fields };
  if (failure.status === 400) {
    if (context === 'password' && fields.includes('currentPassword')) return { key: 'account.errors.currentWrong', fields };
    if (context === 'resetConfirm' && fields.includes('token')) return { key: 'account.errors.linkInvalid', fields };
    return { key: 'account.errors.invalid', fields };
  }
  return { key: 'account.errors.unknown', fields };
}
