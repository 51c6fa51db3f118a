import { defineConfig } from 'vitest/config';

// Browser tests: Debian's Chromium (playwright-core) against the BUILT console and the real API,
// worker and a freshly seeded database started by test/e2e/support/stack.ts.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/support/stack.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
