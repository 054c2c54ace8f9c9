import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useUi } from '../src/graphql/plugins/ui.ts';
import { testApp, type TestApp } from './helpers/app.ts';

// A dist folder of our own, so these tests do not depend on `npm run build:ui`.
let dir: string;
let yoga: ReturnType<typeof createYoga>;
const get = (path: string, method = 'GET') => yoga.fetch(`http://axme.test${path}`, { method, redirect: 'manual' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'axme-ui-'));
  await mkdir(join(dir, 'dist', 'assets'), { recursive: true });
  await writeFile(join(dir, 'dist', 'index.html'), '<!doctype html><title>Axme</title>');
  await writeFile(join(dir, 'dist', 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, 'dist', 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(dir, 'secret.txt'), 'outside the dist folder');
  yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }), plugins: [useUi(join(dir, 'dist'))] });
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the dashboard plugin', () => {
  it('redirects / to /ui/', async () => {
    const res = await get('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ui/');
  });

  it('serves index.html for /ui, /ui/ and client routes, never cached', async () => {
    for (const path of ['/ui', '/ui/', '/ui/approvals', '/ui/intents/0190abcd-0000-7000-8000-000000000000']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<title>Axme</title>');
    }
  });

  it('serves assets with their content types and a long cache', async () => {
    const js = await get('/ui/assets/index-abc.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await js.text()).toBe('console.log(1)');
    expect((await get('/ui/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await get('/ui/assets/index-abc.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 404 for a missing asset instead of index.html', async () => {
    expect((await get('/ui/assets/nope.js')).status).toBe(404);
  });

  it('refuses paths that leave the dist folder', async () => {
    for (const path of ['/ui/..%2fsecret.txt', '/ui/%2e%2e/secret.txt', '/ui/assets/..%2f..%2fsecret.txt', '/ui/%2e%2e%2f%2e%2e%2fpackage.json']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('outside the dist folder');
    }
    expect((await get('/ui/%E0%A4%A')).status).toBe(400);
    expect((await get('/ui/index.html%00.js')).status).toBe(404);
  });

  it('refuses writes and leaves other paths to GraphQL', async () => {
    expect((await get('/ui/', 'POST')).status).toBe(405);
    const res = await yoga.fetch('http://axme.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ ok }' }),
    });
    expect(res.status).toBe(200);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const bare = createYoga({ schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }), plugins: [useUi(join(dir, 'missing'))] });
    const res = await bare.fetch('http://axme.test/ui/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:ui');
  });
});

describe('the server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('sends / to the dashboard and keeps /graphql and /healthz', async () => {
    const root = await t.app.yoga.fetch('http://axme.test/', { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    expect((await t.app.yoga.fetch('http://axme.test/healthz')).status).toBe(200);
    expect((await t.gql('{ intents(first: 1) { totalCount } }')).data).toEqual({ intents: { totalCount: 0 } });
  });
});
