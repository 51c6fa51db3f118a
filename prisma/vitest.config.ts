import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites create their own databases; run files one after another to keep a 2-core machine calm.
    fileParallelism: false,
  },
});
