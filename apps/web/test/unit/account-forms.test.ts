import { describe, expect, it } from 'vitest';
import {
  accountFailure,
  passwordProblem,
  profilePayload,
  profileValues,
  validatePasswordChange,
  validatePasswordReset,
  validateProfile,
  validateResetEmail,
} from '~/lib/account-forms';

describe('account forms', () => {
  it('edits the profile: trims, checks the phone, sends null for no phone', () => {
    const v = profileValues({ name: 'Ali', surname: 'Veli', phone: null, language: 'en' });
    expect(v).toEqual({ name: 'Ali', surname: 'Veli', phone: '', language: 'en' });
    expect(validateProfile(v)).toEqual({});
    expect(profilePayload({ ...v, name: ' Ali ' })).toEqual({ name: 'Ali', surname: 'Veli', phone: null, language: 'en' });
    expect(profilePayload({ ...v, phone: '+90 532 123 45 67' }).phone).toBe('+905321234567');
    expect(validateProfile({ ...v, name: ' ', phone: '0532' })).toEqual({ name: 'account.errors.required', phone: 'account.errors.phone' });
  });

  it('asks for a password of 8+ characters with a letter and a digit, different from the current one, typed twice', () => {
    expect(passwordProblem('')).toBe('account.errors.required');
    expect(passwordProblem('abc1')).toBe('account.errors.passwordShort');
    expect(passwordProblem('abcdefgh')).toBe('account.errors.passwordMix');
    expect(passwordProblem('abcdefg1')).toBeNull();
    expect(validatePasswordChange({ currentPassword: 'Old12345', newPassword: 'Old12345', confirmPassword: 'Old12345' })).toEqual({
      newPassword: 'account.errors.passwordSame',
    });
    expect(validatePasswordChange({ currentPassword: '', newPassword: 'New12345', confirmPassword: 'New1234' })).toEqual({
      currentPassword: 'account.errors.required',
      confirmPassword: 'account.errors.passwordMismatch',
    });
    expect(validatePasswordReset({ password: 'New12345', confirmPassword: 'New12345' })).toEqual({});
    expect(validateResetEmail('a@b')).toBe('account.errors.email');
    expect(validateResetEmail('ali@example.com')).toBeNull();
  });

  it('reads the API’s refusals in the page’s language', () => {
    const body = (path: string[]) => ({ statusCode: 400, error: 'Bad Request', message: 'x', details: [{ path, message: 'x' }] });
    expect(accountFailure({ status: 400, body: body(['currentPassword']), retryAfterSeconds: null }, 'password').key).toBe(
      'account.errors.currentWrong',
    );
    expect(accountFailure({ status: 400, body: body(['token']), retryAfterSeconds: null }, 'resetConfirm').key).toBe(
      'account.errors.linkInvalid',
    );
    expect(accountFailure({ status: 429, body: null, retryAfterSeconds: 60 }, 'resetRequest')).toEqual({
      key: 'account.errors.rateLimited',
      params: { seconds: 60 },
      fields: [],
    });
    expect(accountFailure({ status: 502, body: null, retryAfterSeconds: null }, 'profile').key).toBe('account.errors.unavailable');
  });
});
