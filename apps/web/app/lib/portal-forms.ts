import { isValidTaxId, PHONE_REGEX } from '@water/shared';
import { looksLikeEmail } from '~/lib/email-shape';

/**
 * The portal's forms (issue 19), checked here before the API so the customer reads the problem in
 * their language. The API checks everything again; these only spare a round trip.
 */

/** The privacy notice (KVKK aydınlatma metni) the sign-up shows; its acceptance is recorded with this version. */
export const PRIVACY_NOTICE_VERSION = '2026-12';

/** Shortest password the API takes. */
export const MIN_PASSWORD_LENGTH = 10;

export type Issues<F extends string> = Partial<Record<F, string>>;

export interface SignupStartValues {
  subscriptionNo: string;
  identityNo: string;
  email: string;
}

/** A TC ID (11 digits, both check digits) or a tax number (10 digits, its check digit). */
export function isIdentityNo(value: string): boolean {
  // isValidTaxId takes both: 11 digits are checked as a TC ID, 10 as a tax number.
  return isValidTaxId(value.trim());
}

export function validateSignupStart(v: SignupStartValues): Issues<keyof SignupStartValues> {
  const out: Issues<keyof SignupStartValues> = {};
  if (!v.subscriptionNo.trim()) out.subscriptionNo = 'portal.form.required';
  if (!v.identityNo.trim()) out.identityNo = 'portal.form.required';
  else if (!isIdentityNo(v.identityNo)) out.identityNo = 'portal.signup.identityInvalid';
  if (!v.email.trim()) out.email = 'portal.form.required';
  else if (!looksLikeEmail(v.email.trim())) out.email = 'portal.form.emailInvalid';
  return out;
}

/** The six digits of an e-mailed code, whatever spaces the customer typed or pasted around them. */
export function normalizeCode(value: string): string {
  return value.replace(/\s+/g, '');
}

export function validateCode(code: string): Issues<'code'> {
  const c = normalizeCode(code);
  if (!c) return { code: 'portal.form.required' };
  return /^\d{6}$/.test(c) ? {} : { code: 'portal.code.invalidShape' };
}

export interface NewPasswordValues {
  password: string;
  confirm: string;
}

export function validateNewPassword(v: NewPasswordValues): Issues<keyof NewPasswordValues> {
  const out: Issues<keyof NewPasswordValues> = {};
  if (v.password.length < MIN_PASSWORD_LENGTH) out.password = 'portal.password.tooShort';
  if (v.confirm !== v.password) out.confirm = 'portal.password.mismatch';
  return out;
}

export function validateLogin(v: { email: string; password: string }): Issues<'email' | 'password'> {
  const out: Issues<'email' | 'password'> = {};
  if (!v.email.trim()) out.email = 'portal.form.required';
  else if (!looksLikeEmail(v.email.trim())) out.email = 'portal.form.emailInvalid';
  if (!v.password) out.password = 'portal.form.required';
  return out;
}

/** A phone in E.164 (+905321234567); spaces, dashes and brackets typed for readability are dropped. Empty clears it. */
export function normalizePhone(value: string): string {
  return value.replace(/[\s\-()]/g, '');
}

export function validatePhone(value: string): Issues<'phone'> {
  const v = normalizePhone(value);
  return !v || PHONE_REGEX.test(v) ? {} : { phone: 'portal.profile.phoneInvalid' };
}

/** A challenge id from an invitation or reset link (?challenge=<uuid>); anything else is ignored. */
export function challengeFromQuery(value: unknown): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? v.toLowerCase() : null;
}

export const hasIssues = (issues: object) => Object.keys(issues).length > 0;

/** What a refused call tells the customer: an i18n key and its parameters. */
export interface Refusal {
  key: string;
  params?: Record<string, string | number>;
}

/**
 * The message of a refusal. One text for every wrong code and one for wrong credentials, as the API
 * gives one answer for them (nothing tells which part was wrong); a rate limit says when to try again.
 */
export function refusalOf(
  failure: { status: number; body: { message?: string } | null; retryAfterSeconds: number | null },
  context: 'login' | 'code' | 'other' = 'other',
): Refusal {
  const { status } = failure;
  if (status === 429)
    return { key: 'portal.errors.tooMany', params: { minutes: Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 60) / 60)) } };
  if (status === 0 || status === 502 || status === 503 || status === 504) return { key: 'portal.errors.unavailable' };
  if (context === 'login' && (status === 401 || status === 400)) return { key: 'portal.errors.credentials' };
  if (context === 'code' && status === 400 && /code/i.test(failure.body?.message ?? '')) return { key: 'portal.errors.code' };
  if (status === 400) return { key: 'portal.errors.invalid', params: { message: failure.body?.message ?? '' } };
  if (status === 401) return { key: 'portal.errors.session' };
  if (status === 404) return { key: 'portal.errors.notFound' };
  if (status === 409) return { key: 'portal.errors.conflict' };
  return { key: 'portal.errors.failed' };
}
