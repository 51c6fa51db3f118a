import type { ApiErrorCode, ApiErrorParams } from '@water/shared';
import { API_ERROR_CODES, IN_USE_NOUNS } from '@water/shared';
import { apiMessageKey } from '~/lib/asset-errors';

/** The few i18n calls the translation needs (vue-i18n's composer fits). */
export interface ApiMessageI18n {
  t: (key: string, named?: Record<string, unknown>, plural?: number) => string;
  locale: string;
}

interface Reasoned {
  message?: unknown;
  code?: unknown;
  params?: unknown;
}

const CODES = new Set<string>(API_ERROR_CODES);
const NOUNS = new Set<string>(IN_USE_NOUNS);

/**
 * One API sentence in the page's language: a message the console knows word for word (the asset forms' field
 * messages) by its own key, else a reason with a code (packages/shared api-errors.ts) by `apiErrors.<code>`,
 * else the API's English as it came (a reason without a code yet).
 */
export function apiMessage(item: Reasoned, i18n: ApiMessageI18n): string | undefined {
  const message = typeof item.message === 'string' ? item.message : undefined;
  const known = message ? apiMessageKey(message) : null;
  if (known) return i18n.t(known);
  if (typeof item.code !== 'string' || !CODES.has(item.code)) return message;
  const code = item.code as ApiErrorCode;
  const params = item.params && typeof item.params === 'object' ? (item.params as ApiErrorParams) : {};
  if (code === 'inUse') return i18n.t('apiErrors.inUse', { list: usageList(params, i18n) });
  return i18n.t(`apiErrors.${code}`, params);
}

/** "2 meter profiles and 40 meters" in the page's language, from the `inUse` counts. */
function usageList(params: ApiErrorParams, i18n: ApiMessageI18n): string {
  const parts = Object.entries(params)
    .filter(([noun, n]) => NOUNS.has(noun) && typeof n === 'number' && n > 0)
    .map(([noun, n]) => i18n.t(`apiErrors.nouns.${noun}`, { count: n }, n as number));
  return new Intl.ListFormat(i18n.locale, { style: 'long', type: 'conjunction' }).format(parts);
}

/**
 * An API error body with its message and each detail's message in the page's language (the English stays as
 * `apiMessage` for whoever needs the original). Anything else, and a body with nothing to translate, comes back
 * as it was (the same object).
 */
export function translateApiError<T>(body: T, i18n: ApiMessageI18n): T {
  if (!body || typeof body !== 'object' || typeof (body as Reasoned).message !== 'string') return body;
  const b = body as Reasoned & { details?: unknown };
  let changed = false;
  const translate = <R extends Reasoned>(item: R): R => {
    if (!item || typeof item !== 'object' || typeof item.message !== 'string') return item;
    const message = apiMessage(item, i18n);
    if (message === item.message) return item;
    changed = true;
    return { ...item, message, apiMessage: item.message };
  };
  const details = Array.isArray(b.details) ? b.details.map((d: Reasoned) => translate(d)) : b.details;
  const translated = translate(b);
  return changed ? ({ ...translated, details } as T) : body;
}
