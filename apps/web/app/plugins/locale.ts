import { isAppLocale, useLocaleCookie } from '~/composables/useLocaleSwitch';

/** Applies the language from the cookie before the first render (SSR and hydration alike); Turkish otherwise. */
export default defineNuxtPlugin({
  name: 'water:locale',
  dependsOn: ['i18n:plugin', 'i18n:plugin:route-locale-detect'],
  async setup(nuxtApp) {
    const chosen = useLocaleCookie().value;
    if (isAppLocale(chosen) && chosen !== nuxtApp.$i18n.locale.value) await nuxtApp.$i18n.setLocale(chosen);
  },
});
