import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node (and so Pothos, outside Vite) loads graphql's CommonJS build; Vite would
  // pick index.mjs for our files, and two copies of graphql refuse each other's types.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
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
