// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { databaseImports, plugin as water } from './apps/api/lint/boundaries.mjs';

/**
 * ESLint for the API, the database package, the shared packages and the benchmarks. apps/web has its own
 * eslint.config.mjs (Nuxt's config), which ESLint 10 picks for the files under it.
 * Formatting is Prettier's alone: eslint-config-prettier comes last and turns off every rule that would fight it.
 */
export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/.test-build/',
    '**/coverage/',
    '**/migrations/',
    'open-api/',
    'packages/api-client/openapi.d.ts',
    'prisma/src/generated/',
    'bench/results/',
    'backups/',
    'apps/web/',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // Type-aware rules (floating promises, unsafe any, needless assertions) where a tsconfig owns the file: the
    // compiled source. Tests, benchmarks and scripts are outside every tsconfig and get the syntactic rules only.
    files: ['apps/api/src/**/*.ts', 'prisma/src/**/*.ts', 'packages/shared/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `async` marks what callers expect a promise from (Nest lifecycle hooks, Fastify hooks) even when nothing is awaited yet.
      '@typescript-eslint/require-await': 'off',
      // `_` marks what a signature needs but the body does not use (callbacks, destructuring to omit a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Test helpers type HTTP bodies and SQL rows as `any` by default (`request<T = any>`): a test reads the JSON an
    // endpoint answered, and its assertions are the check; naming every response shape would duplicate the DTOs.
    files: ['apps/api/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The write-path benchmark loads the API's compiled repository from dist/ by path, at run time.
    files: ['bench/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs', 'bench/lib/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Device payload decoders: plain ES5 scripts run in the decoder sandbox, which calls their top-level decodeUplink.
    files: ['prisma/decoders/*.js'],
    languageOptions: { sourceType: 'script', ecmaVersion: 5, globals: {} },
    rules: { 'no-unused-vars': ['error', { varsIgnorePattern: '^decodeUplink$' }], '@typescript-eslint/no-unused-vars': 'off' },
  },

  // The API's module boundaries (apps/api/lint/boundaries.mjs, CONTRIBUTING.md "Data access").
  {
    files: ['apps/api/src/**/*.ts'],
    plugins: { water },
    rules: { 'water/no-foreign-repository': 'error' },
  },
  {
    files: ['apps/api/src/**/*.ts'],
    ignores: ['apps/api/src/**/*.repository.ts', 'apps/api/src/core/database/**', 'apps/api/src/bin/**', 'apps/api/src/**/*.test.ts'],
    rules: databaseImports,
  },

  prettier,
);
