import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

const gzipAsync = promisify(gzip);

export interface OfflineGraphiQLOptions {
  /** Where the assets are served: `<path>/<name>-<hash>.<ext>`. Default '/graphiql'. */
  path?: string;
}

/** The plugin, and the page renderer to pass as yoga's `renderGraphiQL` option. */
export type OfflineGraphiQL = Plugin & { renderGraphiQL: (options: GraphiQLOptions) => Promise<string> };

/**
 * GraphiQL that needs no internet. yoga's built-in page loads GraphiQL's script,
 * styles and Monaco's workers from unpkg, so on a closed network it never gets past
 * "Loading…". @graphql-yoga/render-graphiql ships the same prebuilt bundle as strings
 * (no build step, no dependencies); this serves each one from the server at a URL named
 * by its content hash, so browsers cache it for good and an upgrade changes the URL,
 * and renders a page that loads nothing else.
 *
 *   const graphiql = useOfflineGraphiQL();
 *   createYoga({ renderGraphiQL: graphiql.renderGraphiQL, plugins: [graphiql] });
 */
export function useOfflineGraphiQL(options: OfflineGraphiQLOptions = {}): OfflineGraphiQL {
  const prefix = `${(options.path ?? '/graphiql').replace(/\/+$/, '')}/`;
  const url = (name: string) => prefix + name;
  return {
    async onRequest({ request, url: { pathname }, endResponse, fetchAPI }) {
      if (!pathname.startsWith(prefix)) return;
      const text = (status: number, body: string, headers: Record<string, string> = {}) =>
        endResponse(new fetchAPI.Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } }));
      if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed\n', { allow: 'GET, HEAD' });
      const asset = (await bundle()).files.get(pathname.slice(prefix.length));
      if (!asset) return text(404, 'not found\n');
      const gzipped = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
      const body = gzipped ? await asset.gzipped() : asset.body;
      endResponse(
        new fetchAPI.Response(request.method === 'HEAD' ? null : body, {
          status: 200,
          headers: {
            'content-type': asset.type,
            'content-length': String(body.length),
            'cache-control': 'public, max-age=31536000, immutable',
            vary: 'accept-encoding',
            'x-content-type-options': 'nosniff',
            ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
          },
        }),
      );
    },
    // yoga sends the page with a content type only (the page names its charset itself);
    // a cached page would name assets an upgrade removed
    onResponse({ response }) {
      if (response.headers.get('content-type') === 'text/html' && !response.headers.has('cache-control')) {
        response.headers.set('cache-control', 'no-cache');
      }
    },
    async renderGraphiQL(opts) {
      const { names } = await bundle();
      const title = opts.title ?? 'GraphiQL';
      const favicon = opts.favicon ?? (names.favicon ? url(names.favicon) : null);
      const workers = { editorWorkerService: url(names.editorWorkerService!), json: url(names.jsonWorker!), graphql: url(names.graphqlWorker!) };
      const setup = `self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => { const w = ${json(workers)}; return w[label] ?? w.editorWorkerService; } };`;
      const render = `YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${json(opts)});`;
      return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${html(pageCsp([setup, render]))}">
<title>${html(stripTags(title))}</title>
${favicon ? `<link rel="icon" href="${html(favicon)}">` : ''}
<link rel="stylesheet" href="${url(names.css!)}">
</head>
<body id="body" class="no-focus-outline">
<noscript>You need to enable JavaScript to run GraphiQL.</noscript>
<div id="root">Loading GraphiQL…</div>
<script>${setup}</script>
<script src="${url(names.js!)}"></script>
<script>${render}</script>
</body>
</html>
`;
    },
  };
}

/**
 * The page's own policy, in the page (the security headers add frame-ancestors, which a
 * meta tag cannot carry): scripts from this server plus the two inline start-up scripts
 * by hash, so an injected script runs nowhere. Monaco adds <style> elements at run time.
 */
function pageCsp(inlineScripts: readonly string[]): string {
  const hashes = inlineScripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
}

interface Asset {
  body: Buffer<ArrayBuffer>;
  type: string;
  gzipped(): Promise<Buffer<ArrayBuffer>>;
}

interface Bundle {
  /** Served file name (`graphiql-<hash>.js`) to its asset. */
  files: Map<string, Asset>;
  /** The served file name of each export of render-graphiql's bundle. */
  names: Partial<Record<keyof typeof SOURCES, string>>;
}

/** render-graphiql's exports, and the name and type each is served under. */
const SOURCES = {
  js: ['graphiql', 'js', 'text/javascript; charset=utf-8'],
  css: ['graphiql', 'css', 'text/css; charset=utf-8'],
  editorWorkerService: ['editor.worker', 'js', 'text/javascript; charset=utf-8'],
  jsonWorker: ['json.worker', 'js', 'text/javascript; charset=utf-8'],
  graphqlWorker: ['graphql.worker', 'js', 'text/javascript; charset=utf-8'],
  favicon: ['favicon', 'ico', 'image/x-icon'],
} as const;

let loaded: Promise<Bundle> | undefined;

/** Loaded on first use: the bundle is 9 MB of source, which a server nobody opens GraphiQL on need not parse. */
function bundle(): Promise<Bundle> {
  return (loaded ??= import('@graphql-yoga/render-graphiql/graphiql').then((mod) => {
    const files = new Map<string, Asset>();
    const names: Bundle['names'] = {};
    for (const key of Object.keys(SOURCES) as (keyof typeof SOURCES)[]) {
      const [base, ext, type] = SOURCES[key];
      const source = mod[key];
      // the favicon comes as a data: URI; decoded, the page stays small and the icon is cached like the rest
      const dataUri = /^data:([^;,]+);base64,/.exec(source);
      if (key === 'favicon' && !dataUri) continue;
      const body = dataUri ? Buffer.from(source.slice(dataUri[0].length), 'base64') : Buffer.from(source);
      const name = `${base}-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.${ext}`;
      let gz: Promise<Buffer<ArrayBuffer>> | undefined;
      files.set(name, { body, type: dataUri?.[1] ?? type, gzipped: () => (gz ??= gzipAsync(body) as Promise<Buffer<ArrayBuffer>>) });
      names[key] = name;
    }
    return { files, names };
  }));
}

const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// GraphiQL renders the title as HTML in its header; the tab title is its text
const stripTags = (s: string) => s.replace(/<[^>]*>/g, '');
// JSON in a <script>: no "</script>" or "<!--" may close or change it, and U+2028/9 stay escaped
const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
