// The dashboard's build: `npm run build:ui` writes ui/dist, which the server serves
// under /ui (src/graphql/plugins/ui.ts). `npx vite --config ui/vite.config.ts` runs it
// against a server on :4000 with live reload.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const target = process.env.AXME_URL ?? 'http://localhost:4000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/graphql': { target, ws: true } } },
});
