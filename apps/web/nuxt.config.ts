import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';

// The shared package ships CommonJS in dist/; the console compiles its TypeScript source instead,
// so Vite and Nitro bundle real ES modules and tree-shake them.
const sharedSource = fileURLToPath(new URL('../../packages/shared/src/index.ts', import.meta.url));

export default defineNuxtConfig({
  compatibilityDate: '2025-11-01',
  ssr: true,
  devtools: { enabled: false },
  telemetry: false,

  modules: ['@pinia/nuxt', '@nuxtjs/i18n', 'shadcn-nuxt'],

  css: ['~/assets/css/main.css'],

  alias: {
    '@water/shared': sharedSource,
  },

  app: {
    head: {
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }],
    },
  },

  runtimeConfig: {
    // Server only. NUXT_API_BASE: where the NestJS API listens.
    apiBase: 'http://127.0.0.1:3001',
    // NUXT_SESSION_COOKIE_SECURE: "true"/"false"; empty means Secure in production builds only.
    sessionCookieSecure: '',
  },

  shadcn: {
    prefix: 'Ui',
    componentDir: './app/components/ui',
  },

  i18n: {
    defaultLocale: 'tr',
    vueI18n: './i18n.config.ts',
    strategy: 'no_prefix',
    locales: [
      { code: 'tr', language: 'tr-TR', name: 'Türkçe', file: 'tr.json' },
      { code: 'en', language: 'en-GB', name: 'English', file: 'en.json' },
    ],
    // Turkish unless the user picked another language; the choice lives in the water_locale cookie
    // (app/plugins/locale.ts), so the browser's Accept-Language never overrides it.
    detectBrowserLanguage: false,
  },

  vite: {
    plugins: [tailwindcss()],
  },

  typescript: {
    strict: true,
  },
});
