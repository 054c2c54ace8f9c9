import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The chaos suite: real PostgreSQL and Redis, child processes killed at random.
// Files run one after another so their kills and stalls do not starve each other on small machines.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^graphql$/, replacement: 'graphql/index.js' },
      { find: /^@axme\/client$/, replacement: fileURLToPath(new URL('./packages/client/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
