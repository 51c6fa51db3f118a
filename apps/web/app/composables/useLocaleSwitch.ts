export const LOCALE_COOKIE = 'water_locale';
export const LOCALES = ['tr', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The user's language choice, kept in a cookie so SSR renders in it too. */
export function useLocaleCookie() {
  return useCookie<string | null>(LOCALE_COOKIE, {
    default: () => null,
    sameSite: 'lax',
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
  });
}

export function useLocaleSwitch() {
  const { locale, setLocale } = useI18n();
  const cookie = useLocaleCookie();

  async function switchTo(code: string): Promise<void> {
    if (!isAppLocale(code) || code === locale.value) return;
    cookie.value = code;
    await setLocale(code);
  }

  return { locale, locales: LOCALES, switchTo };
}
