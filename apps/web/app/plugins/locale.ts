import { isAppLocale, useLocaleCookie } from '~/composables/useLocaleSwitch';

/** Applies the language from the cookie before the first render (SSR and hydration alike); Turkish otherwise. */
export default defineNuxtPlugin({
  name: 'water:locale',
  dependsOn: ['i18n:plugin', 'i18n:plugin:route-locale-detect'],
  async setup() {
    const { $i18n } = useNuxtApp();
    const chosen = useLocaleCookie().value;
    if (isAppLocale(chosen) && chosen !== $i18n.locale.value) await $i18n.setLocale(chosen);
  },
});
