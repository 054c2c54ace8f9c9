import * as bundle from '@graphql-yoga/render-graphiql/graphiql';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAxme } from '../src/app.ts';
import { loadConfig } from '../src/core/config.ts';
import { useOfflineGraphiQL } from '../src/graphql/plugins/graphiql.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { freshDb, type TestDb } from './helpers/db.ts';

let tdb: TestDb;
let server: RunningServer;
let origin: string;

beforeAll(async () => {
  tdb = await freshDb();
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent' });
  server = await listen(await createAxme(config, createLogger('silent'), { db: tdb.db }), createLogger('silent'));
  origin = new URL(server.url).origin;
});
afterAll(async () => {
  await server.shutdown();
  await tdb.close();
});

const page = async () => {
  const res = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
  return { res, html: await res.text() };
};

/** Every URL the page names: absolute ones anywhere in it, and the paths of its attributes and worker map. */
function urlsIn(html: string): { absolute: string[]; paths: string[] } {
  return {
    absolute: html.match(/(?:https?:)?\/\/[^\s"'<>`)]+/gi) ?? [],
    paths: [...html.matchAll(/(?:src|href)="([^"]+)"|"(\/graphiql\/[^"]+)"/g)].map((m) => m[1] ?? m[2]!),
  };
}

describe('GraphiQL on /graphql', () => {
  it('is a page that names no URL off this server', async () => {
    const { res, html } = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(html).toContain('<title>Axme</title>');
    const { absolute, paths } = urlsIn(html);
    expect(absolute.filter((u) => new URL(u, origin).origin !== origin)).toEqual([]);
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn\./i);
    // script, styles, icon and the three Monaco workers, all on this server
    expect(paths.map((p) => new URL(p, origin).origin)).toEqual(Array(6).fill(origin));
  });

  it('serves each asset from the npm bundle with its content type and a cache for good', async () => {
    const { paths } = urlsIn((await page()).html);
    const expected: [RegExp, string, Buffer][] = [
      [/^\/graphiql\/graphiql-\w+\.js$/, 'text/javascript; charset=utf-8', Buffer.from(bundle.js)],
      [/^\/graphiql\/graphiql-\w+\.css$/, 'text/css; charset=utf-8', Buffer.from(bundle.css)],
      [/^\/graphiql\/editor\.worker-\w+\.js$/, 'text/javascript; charset=utf-8', Buffer.from(bundle.editorWorkerService)],
      [/^\/graphiql\/json\.worker-\w+\.js$/, 'text/javascript; charset=utf-8', Buffer.from(bundle.jsonWorker)],
      [/^\/graphiql\/graphql\.worker-\w+\.js$/, 'text/javascript; charset=utf-8', Buffer.from(bundle.graphqlWorker)],
      [/^\/graphiql\/favicon-\w+\.ico$/, 'image/x-icon', Buffer.from(bundle.favicon.replace(/^data:[^,]+,/, ''), 'base64')],
    ];
    for (const [pattern, type, body] of expected) {
      const path = paths.find((p) => pattern.test(p));
      expect(path, String(pattern)).toBeDefined();
      const res = await fetch(origin + path, { headers: { 'accept-encoding': 'identity' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-encoding'), path).toBeNull();
      expect(Buffer.from(await res.arrayBuffer()).equals(body), path).toBe(true);
    }
  });

  it('gzips the assets for a browser that accepts it', async () => {
    const js = urlsIn((await page()).html).paths.find((p) => p.endsWith('.js') && p.includes('/graphiql-'))!;
    const res = await fetch(origin + js, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toBe('accept-encoding');
    expect(Number(res.headers.get('content-length'))).toBeLessThan(Buffer.byteLength(bundle.js) / 2);
    // fetch undoes the gzip: what arrives is the bundle itself
    expect(await res.text()).toBe(bundle.js);
  });

  it('answers HEAD, 404 for names it does not serve, and 405 for writes', async () => {
    const css = urlsIn((await page()).html).paths.find((p) => p.endsWith('.css'))!;
    const head = await fetch(origin + css, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    for (const path of ['/graphiql/graphiql.js', '/graphiql/', '/graphiql/..%2fpackage.json', `${css}x`]) {
      expect((await fetch(origin + path)).status, path).toBe(404);
    }
    const post = await fetch(origin + css, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('the page renderer', () => {
  it('keeps option text from closing its script or its title', async () => {
    const graphiql = useOfflineGraphiQL({ path: '/tools/graphiql/' });
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
      graphiql: { title: 'A <b>bold</b> & </title><script>alert(1)</script>', defaultQuery: '# </script><script>alert(2)</script>\n{ ok }' },
      renderGraphiQL: graphiql.renderGraphiQL,
      plugins: [graphiql],
    });
    const html = await (await yoga.fetch('http://axme.test/graphql', { headers: { accept: 'text/html' } })).text();
    // the page's own three scripts, and not one more
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('<title>A bold &#38; alert(1)</title>');
    expect(html).toContain('"defaultQuery":"# \\u003c/script>\\u003cscript>alert(2)\\u003c/script>\\n{ ok }"');
    // the path option moves every asset
    const css = /href="(\/tools\/graphiql\/graphiql-\w+\.css)"/.exec(html)?.[1];
    expect(css).toBeDefined();
    expect((await yoga.fetch(`http://axme.test${css}`)).status).toBe(200);
  });
});
