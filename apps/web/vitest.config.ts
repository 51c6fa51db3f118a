import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

// Unit tests run without Nuxt: aliases mirror nuxt.config.ts, and '#app' is a small stand-in (test/unit/support).
export default defineConfig({
  plugins: [vue()],
  // A fixed tsconfig for esbuild, so tests do not depend on the .nuxt/ files `nuxt prepare` generates.
  esbuild: {
    tsconfigRaw: JSON.stringify({ compilerOptions: { target: 'es2022', useDefineForClassFields: true, verbatimModuleSyntax: true } }),
  },
  resolve: {
    alias: {
      '@water/shared': path('../../packages/shared/src/index.ts'),
      '#shared': path('./shared'),
      '#app': path('./test/unit/support/nuxt-app.ts'),
      '~': path('./app'),
      '@': path('./app'),
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['test/unit/**/*.test.ts'],
  },
});
