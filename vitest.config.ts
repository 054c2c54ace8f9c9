import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node (and so Pothos, outside Vite) loads graphql's CommonJS build; Vite would
  // pick index.mjs for our files, and two copies of graphql refuse each other's types.
  // @axme/client from its source (packages/client/src), as bin/axme and tsconfig.json's
  // @axme/source condition have it, never a stale packages/client/dist.
  resolve: {
    alias: [
      { find: /^graphql$/, replacement: 'graphql/index.js' },
      { find: /^@axme\/client$/, replacement: fileURLToPath(new URL('./packages/client/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/chaos/**', 'test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // each file opens its own database (PGlite instance or PostgreSQL schema)
    pool: 'forks',
    reporters: ['default'],
  },
});
