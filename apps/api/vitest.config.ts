import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// NestJS dependency injection needs decorator metadata, which esbuild does not emit: compile with SWC.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration suites each create a database and boot the app: one file at a time on 2 cores.
    fileParallelism: false,
    pool: 'forks',
  },
});
