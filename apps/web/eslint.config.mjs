// @ts-check
import { createConfigForNuxt } from '@nuxt/eslint-config/flat';
import prettier from 'eslint-config-prettier/flat';

/**
 * The console's ESLint config: Nuxt's (@nuxt/eslint-config: JavaScript, typescript-eslint, eslint-plugin-vue,
 * import-x and the Nuxt file-name rules) built by `createConfigForNuxt`, which needs neither the @nuxt/eslint
 * module nor a `nuxt prepare` run, so linting works offline and before .nuxt/ exists. ESLint 10 picks this file
 * for everything under apps/web (the root eslint.config.mjs covers the rest of the repository).
 * Formatting is Prettier's alone: eslint-config-prettier comes last and turns off every rule that would fight it.
 */
// Node 20 (our engines floor) has no Object.groupBy, which eslint-flat-config-utils (under @nuxt/eslint-config)
// calls while it builds the config; Node 21+ has it and this does nothing there.
if (!Object.groupBy) {
  Object.groupBy = (items, keyOf) => {
    const groups = Object.create(null);
    let i = 0;
    for (const item of items) (groups[keyOf(item, i++)] ??= []).push(item);
    return groups;
  };
}

export default createConfigForNuxt({
  // The root config's level (typescript-eslint `recommended`), not `strict`.
  features: { typescript: { strict: false } },
  dirs: { src: ['./app'], servers: ['./server'] },
})
  .prepend({ ignores: ['.nuxt/', '.output/', 'dist/', 'coverage/', 'node_modules/', 'test/e2e/.results/'] })
  .append(
    {
      rules: {
        // Optional props are typed `T | undefined` through defineProps<…>(); a default would only restate undefined.
        'vue/require-default-prop': 'off',
        // Forms and confirmations hand their state down as one object prop on purpose (reactive form values,
        // createConfirmAction's refs) and the child edits its fields; replacing a prop itself is still an error.
        'vue/no-mutating-props': ['error', { shallowOnly: true }],
      },
    },
    {
      // Test helpers and fakes (socket stubs, browser handles) reach into untyped objects; the assertions are the check.
      files: ['test/**'],
      rules: { '@typescript-eslint/no-explicit-any': 'off' },
    },
    prettier,
  );
