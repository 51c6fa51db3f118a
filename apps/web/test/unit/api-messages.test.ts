// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_ERROR_CODES, IN_USE_NOUNS } from '@water/shared';
import { createI18n } from 'vue-i18n';
import { describe, expect, it } from 'vitest';
import { translateApiError } from '~/lib/api-messages';

const locales = fileURLToPath(new URL('../../i18n/locales', import.meta.url));

/** The messages of a language as nuxt.config.ts loads them: the shared file and one per area, merged. */
function messages(lang: 'tr' | 'en'): Record<string, unknown> {
  const files = [`${lang}.json`, ...readdirSync(join(locales, lang)).map((name) => join(lang, name))];
  return Object.assign({}, ...files.map((file) => JSON.parse(readFileSync(join(locales, file), 'utf8'))));
}

/** The real vue-i18n over the real locale files, in one language. */
function i18nIn(locale: 'tr' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages: { [locale]: messages(locale) }, missingWarn: false, fallbackWarn: false });
  const g = i18n.global;
  return { t: g.t as (key: string, named?: Record<string, unknown>, plural?: number) => string, te: g.te, locale };
}

/** Issue 21: the API's refusals in the page's language, from their codes (packages/shared api-errors.ts). */
describe('API messages in the page language', () => {
  it('has a Turkish and an English text for every code and every in-use noun', () => {
    for (const lang of ['tr', 'en'] as const) {
      const { te } = i18nIn(lang);
      for (const code of API_ERROR_CODES) expect(te(`apiErrors.${code}`), `${lang} apiErrors.${code}`).toBe(true);
      for (const noun of IN_USE_NOUNS) expect(te(`apiErrors.nouns.${noun}`), `${lang} apiErrors.nouns.${noun}`).toBe(true);
    }
  });

  it('translates a conflict and its field, keeping the English as apiMessage', () => {
    const body = {
      statusCode: 409,
      error: 'Conflict',
      message: 'IP rating IP68 already exists',
      code: 'alreadyExists',
      details: [{ path: ['code'], message: 'already exists', code: 'alreadyExists' }],
    };
    const tr = translateApiError(body, i18nIn('tr'));
    expect(tr).toMatchObject({
      statusCode: 409,
      message: 'Bu değer zaten kayıtlı.',
      apiMessage: 'IP rating IP68 already exists',
      details: [{ path: ['code'], message: 'Bu değer zaten kayıtlı.', apiMessage: 'already exists' }],
    });
  });

  it('names the limit and counts what a record is used by, in either language', () => {
    const tooLong = {
      message: 'labelEn: Too big',
      details: [{ path: ['labelEn'], message: 'Too big', code: 'tooLong', params: { max: 100 } }],
    };
    expect(translateApiError(tooLong, i18nIn('tr')).details[0]!.message).toBe('En fazla 100 karakter olabilir.');
    const inUse = { message: 'meter brand Baylan is used by …', code: 'inUse', params: { meterProfile: 2, meter: 1 }, details: [] };
    expect(translateApiError(inUse, i18nIn('tr')).message).toBe('Kullanımda olduğu için yapılamaz: 2 sayaç profili ve 1 sayaç.');
    expect(translateApiError(inUse, i18nIn('en')).message).toBe('Not possible while it is in use: 2 meter profiles and 1 meter.');
    const one = { message: '1 stored x value would not match', code: 'storedValuesRejected', params: { count: 1 }, details: [] };
    const three = { ...one, params: { count: 3 } };
    expect(translateApiError(one, i18nIn('en')).message).toBe('1 stored value does not match the new pattern.');
    expect(translateApiError(three, i18nIn('en')).message).toBe('3 stored values do not match the new pattern.');
    expect(translateApiError(three, i18nIn('tr')).message).toBe('Kayıtlı 3 değer yeni desene uymuyor.');
  });

  it('prefers the console’s own words for a known field message, and leaves a reason without a code as it came', () => {
    const body = {
      message: 'a meter of this brand with serial number X already exists',
      code: 'alreadyExists',
      details: [
        { path: ['serialNo'], message: 'already used for this brand', code: 'alreadyExists' },
        { path: ['from'], message: 'from must be before to' },
        { path: ['x'], message: 'odd', code: 'notACode' },
      ],
    };
    const tr = translateApiError(body, i18nIn('tr'));
    expect(tr.details.map((d) => d.message)).toEqual(['Bu markada bu seri numarası zaten kayıtlı.', 'from must be before to', 'odd']);
    expect(translateApiError('not a body', i18nIn('tr'))).toBe('not a body');
    // Nothing to translate: the same object, so the plugin leaves the answer alone.
    const plain = { statusCode: 401, error: 'Unauthorized', message: 'authentication required', details: [] };
    expect(translateApiError(plain, i18nIn('tr'))).toBe(plain);
    expect(translateApiError(null, i18nIn('tr'))).toBeNull();
  });
});
