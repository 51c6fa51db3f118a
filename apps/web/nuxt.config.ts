import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';

// The shared package ships CommonJS in dist/; the bundlers compile its TypeScript source instead, so
// Vite and Nitro get real ES modules. Type-checking keeps using the package's own dist/*.d.ts (its
// public contract, checked under its own tsconfig), which is why the alias is not a top-level `alias`.
const sharedSource = fileURLToPath(new URL('../../packages/shared/src/index.ts', import.meta.url));

export default defineNuxtConfig({
  compatibilityDate: '2025-11-01',
  ssr: true,
  devtools: { enabled: false },
  telemetry: false,

  modules: ['@pinia/nuxt', '@nuxtjs/i18n', 'shadcn-nuxt'],

  css: ['~/assets/css/main.css'],

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
    // NUXT_CONSOLE_PROXY_SECRET: the API's CONSOLE_PROXY_SECRET; with it each browser's own address is
    // passed to the API (X-Console-Client-IP), so sign-in limits count browsers, not this server.
    consoleProxySecret: '',
    // NUXT_TRUST_PROXY_HOPS: reverse proxies of our own in front of this server (their X-Forwarded-For
    // entries are believed); 0: the socket's peer is the browser.
    trustProxyHops: 0,
    public: {
      // NUXT_PUBLIC_LIVE_URL: the API origin the browser opens Socket.io on (path /api/socket.io); this
      // server proxies HTTP only. Empty: this site's own origin (a reverse proxy routes /api/socket.io).
      liveUrl: 'http://localhost:3001',
      // NUXT_PUBLIC_INGEST_URL: the API origin as network servers reach it, for the webhook URLs the
      // integrations page shows. Empty: NUXT_PUBLIC_LIVE_URL, or this site's own origin when that is empty too.
      ingestUrl: '',
      // NUXT_PUBLIC_MAP_TILES_URL: raster tile template of the dashboard map; empty shows the map without tiles.
      mapTilesUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      // NUXT_PUBLIC_MAP_TILES_ATTRIBUTION: credit line the tile provider requires.
      mapTilesAttribution: '© OpenStreetMap contributors',
    },
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
      // One shared file plus one per console area, so areas can grow without touching each other.
      {
        code: 'tr',
        language: 'tr-TR',
        name: 'Türkçe',
        files: [
          'tr.json',
          'tr/dashboard.json',
          'tr/assets.json',
          'tr/admin.json',
          'tr/ops.json',
          'tr/meter-data.json',
          'tr/alarm-work.json',
          'tr/billing.json',
          'tr/notifications.json',
          'tr/portal.json',
          'tr/account.json',
        ],
      },
      {
        code: 'en',
        language: 'en-GB',
        name: 'English',
        files: [
          'en.json',
          'en/dashboard.json',
          'en/assets.json',
          'en/admin.json',
          'en/ops.json',
          'en/meter-data.json',
          'en/alarm-work.json',
          'en/billing.json',
          'en/notifications.json',
          'en/portal.json',
          'en/account.json',
        ],
      },
    ],
    // Turkish unless the user picked another language; the choice lives in the water_locale cookie
    // (app/plugins/locale.ts), so the browser's Accept-Language never overrides it.
    detectBrowserLanguage: false,
  },

  vite: {
    plugins: [tailwindcss()],
    resolve: { alias: { '@water/shared': sharedSource } },
    // Rollup merges chunks under 20 KB into the chunks that import them (side-effect-free code only, so
    // nothing runs where it did not): a page's first load modulepreloaded ~70 chunks of 0.5–2 KB, and on
    // slow 4G each costs a round trip on one of six connections (B11 mobile, issue 21).
    build: { rollupOptions: { output: { experimentalMinChunkSize: 20_000 } } },
  },

  nitro: {
    alias: { '@water/shared': sharedSource },
    // Brotli and gzip copies of every public asset, written at build time; the server picks one by the
    // request's Accept-Encoding (issue 21: ~1.1 MB of JavaScript went out uncompressed on first load).
    compressPublicAssets: { brotli: true, gzip: true },
  },

  typescript: {
    strict: true,
  },

  experimental: {
    // Page chunks are fetched when a link is hovered or focused, not when it scrolls into view: the sidebar's
    // ~20 links otherwise pulled ~130 chunks (~200 KB compressed) into every desktop first load (B11).
    defaults: { nuxtLink: { prefetchOn: { visibility: false, interaction: true } } },
  },
});
