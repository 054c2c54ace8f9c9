import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';

/** Where `npm run build:ui` writes the dashboard. */
export const UI_DIST = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built dashboard under /ui and sends / there. Paths without a file
 * extension are client routes and get index.html; paths that leave the folder are
 * refused. Hashed assets are cached for good, index.html never, so a new build
 * shows on the next load.
 */
export function useUi(root: string = UI_DIST): Plugin {
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const path = url.pathname;
      if (path !== '/' && path !== '/ui' && !path.startsWith('/ui/')) return;
      const text = (status: number, body: string) =>
        endResponse(new fetchAPI.Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
      if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed\n');
      if (path === '/') return endResponse(new fetchAPI.Response(null, { status: 302, headers: { location: '/ui/' } }));

      let rel: string;
      try {
        rel = decodeURIComponent(path.slice('/ui'.length));
      } catch {
        return text(400, 'bad path\n');
      }
      const file = normalize(join(base, rel));
      if (rel.includes('\0') || !file.startsWith(base)) return text(404, 'not found\n');

      const isAsset = extname(rel) !== '';
      const target = isAsset ? file : join(base, 'index.html');
      const found = await stat(target).then((s) => s.isFile(), () => false);
      if (!found) {
        if (isAsset) return text(404, 'not found\n');
        return text(503, 'the dashboard is not built: run `npm run build:ui` (npm install does it too)\n');
      }
      const body = request.method === 'HEAD' ? null : await readFile(target);
      endResponse(
        new fetchAPI.Response(body, {
          status: 200,
          headers: {
            'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
            'cache-control': target.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
            'x-content-type-options': 'nosniff',
          },
        }),
      );
    },
  };
}
