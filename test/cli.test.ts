import { expect, it } from 'vitest';
import { createClient } from '@axme/client';
import type { RunningServer } from '../src/server.ts';
import { cliAt } from './helpers/cli.ts';
import { useServed } from './helpers/served.ts';

let server: RunningServer;
useServed({ AXME_CLAIM_POLL_MS: '50' }, (s) => ({ server } = s));
const axme = cliAt(() => server.url);

it('submits, lists, cancels and shows events, with --json for scripts', async () => {
  const sub = await axme('--json', 'submit', 'cli.demo', '--input', '{"q":"why"}', '--label', 'a', '--priority', '5');
  expect(sub.code).toBe(0);
  const intent = JSON.parse(sub.stdout);
  expect(intent).toMatchObject({ type: 'cli.demo', status: 'PENDING', input: { q: 'why' }, labels: ['a'], priority: 5 });

  const list = JSON.parse((await axme('--json', 'list', '--type', 'cli.demo')).stdout);
  expect(list.nodes.map((i: { id: string }) => i.id)).toEqual([intent.id]);

  const text = await axme('cancel', intent.id, '--reason', 'changed my mind');
  expect(text.stdout).toContain('CANCELLED');

  const events = JSON.parse((await axme('--json', 'events', intent.id)).stdout);
  expect(events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'CANCELLED']);

  const watched = await axme('watch', intent.id);
  expect(watched.code).toBe(1); // finished, but not COMPLETED
  expect(watched.stdout).toContain('CANCELLED');
}, 60_000);

it('submit --wait shows the finished intent, exiting 1 unless it COMPLETED', async () => {
  const client = createClient({ url: server.url });
  const w = client.worker({ types: ['cli.wait'], session: false, waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    if ((run.input as { fail?: boolean }).fail) throw new Error('asked to fail');
    return { echoed: run.input };
  });
  try {
    const ok = await axme('--json', 'submit', 'cli.wait', '--input', '{"n":1}', '--wait');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'COMPLETED', output: { echoed: { n: 1 } } });
    const bad = await axme('submit', 'cli.wait', '--input', '{"fail":true}', '--max-attempts', '1', '--wait');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('FAILED');
  } finally {
    await w.stop();
    await client.close();
  }
}, 60_000);

it('reports errors with their code and a non-zero exit', async () => {
  const r = await axme('--json', 'submit', 'bad type');
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
  const missing = await axme('get', '01900000-0000-7000-8000-000000000000');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('NOT_FOUND');
}, 60_000);

it('lists the approval inbox, approves with a comment and data, signals, and watches a run to the end', async () => {
  const client = createClient({ url: server.url });
  const w = client.worker({ types: ['cli.flow'], waitSeconds: 1, onError: () => {} }, async (run) => {
    await run.progress({ phase: 'asking' });
    const d = await run.requestApproval({ title: 'Publish the report?', options: ['approve', 'reject', 'revise'] });
    const s = await run.waitForSignal('go');
    return { outcome: d.outcome, comment: d.comment, data: d.data, signal: s.timedOut ? null : s.payload };
  });
  try {
    const intent = await client.submit({ type: 'cli.flow' });
    let inbox: { id: string; title: string; intentId: string }[] = [];
    for (let i = 0; i < 200 && inbox.length === 0; i++) {
      inbox = JSON.parse((await axme('--json', 'approvals', '--intent', intent.id)).stdout).nodes;
      if (!inbox.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(inbox).toMatchObject([{ title: 'Publish the report?', intentId: intent.id }]);
    expect((await axme('approvals')).stdout).toContain('Publish the report?');

    const bad = await axme('--json', 'approve', inbox[0]!.id, '--outcome', 'maybe');
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
    const approved = await axme('approve', inbox[0]!.id, '--outcome', 'revise', '--comment', 'shorter please', '--data', '{"words":200}', '--by', 'ed');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('RESOLVED → revise');
    expect(JSON.parse((await axme('--json', 'approvals', '--status', 'all', '--intent', intent.id)).stdout).nodes[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'ed' });

    const signalled = await axme('signal', intent.id, 'go', '--payload', '{"n":1}');
    expect(signalled.code).toBe(0);
    const watched = await axme('watch', intent.id);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/APPROVAL_REQUESTED[\s\S]*APPROVAL_RESOLVED[\s\S]*COMPLETED/);
    expect((await client.get(intent.id))!.output).toEqual({ outcome: 'revise', comment: 'shorter please', data: { words: 200 }, signal: { n: 1 } });
  } finally {
    await w.stop();
  }
}, 60_000);

it('events prints step lines by name with duration and size; get shows a steps table', async () => {
  const c = createClient({ url: server.url });
  const type = 'cli.steps';
  const intent = await c.submit({ type, input: {} });
  const worker = c.worker({ types: [type], waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    await run.step('fetch page', () => 'x'.repeat(2000));
    await run.step('summarize', () => ({ ok: true }));
    return 'done';
  });
  await c.result(intent.id, { signal: AbortSignal.timeout(20_000) });
  await worker.stop();
  const events = (await axme('events', intent.id)).stdout;
  expect(events).toMatch(/STEP_COMPLETED\s+→ RUNNING.*"fetch page"\s+\d+ ms\s+2\.0 KiB\s+attempt 1/);
  expect(events).toMatch(/STEP_COMPLETED\s+→ RUNNING.*"summarize"\s+\d+ ms\s+11 B\s+attempt 1/);
  const get = (await axme('get', intent.id)).stdout;
  expect(get).toMatch(/steps\s+name\s+attempt\s+status/);
  expect(get).toMatch(/fetch page\s+1\s+COMPLETED\s+\d+ ms\s+2\.0 KiB/);
  const json = JSON.parse((await axme('--json', 'get', intent.id)).stdout);
  expect(json.steps.map((s: { name: string }) => s.name)).toEqual(['fetch page', 'summarize']);
});
it('axme workers lists worker sessions as a table and as JSON', async () => {
  const client = createClient({ url: server.url });
  const worker = client.worker({ types: ['cli.workers'], identity: 'cli-test-worker', agent: 'cli-worker', waitSeconds: 1 }, () => ({}));
  try {
    let rows: { name: string; status: string; sdk: string }[] = [];
    for (let i = 0; i < 100 && !rows.some((w) => w.name === 'cli-worker'); i++) {
      rows = JSON.parse((await axme('--json', 'workers', '--status', 'connected')).stdout);
      if (!rows.some((w) => w.name === 'cli-worker')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows.find((w) => w.name === 'cli-worker')).toMatchObject({ status: 'CONNECTED', sdk: '@axme/client' });
    const table = (await axme('workers')).stdout;
    expect(table.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS\s+IN FLIGHT\s+LAST SEEN/);
    expect(table).toMatch(/cli-worker\s+CONNECTED\s+0\/1/);
  } finally {
    await worker.stop();
  }
  expect((await axme('workers', '--status', 'stopped')).stdout).toMatch(/cli-worker\s+STOPPED/);
}, 60_000);
it('prints an output stream, from an index, and follows it to its end', async () => {
  const c = createClient({ url: server.url });
  const { id } = await c.submit({ type: 'cli.stream' });
  const [lease] = await c.claimMany({ types: ['cli.stream'], limit: 1 });
  const APPEND = `mutation($i: AppendStreamInput!) { appendStream(input: $i) { next } }`;
  await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: APPEND, variables: { i: { id, leaseToken: lease!.token, stream: 'out', chunks: ['Hello', ', ', 'world'] } } }) });
  expect((await axme('stream', id, 'out')).stdout).toBe('Hello, world');
  expect((await axme('stream', id, 'out', '--from', '1')).stdout).toBe(', world');
  const following = axme('stream', id, 'out', '--follow', '--from', '2');
  await new Promise((r) => setTimeout(r, 300));
  await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: APPEND, variables: { i: { id, leaseToken: lease!.token, stream: 'out', chunks: ['!'] } } }) });
  await c.completeMany([{ id, leaseToken: lease!.token, output: {} }]);
  const followed = await following;
  expect(followed.code).toBe(0);
  expect(followed.stdout).toBe('world!');
  const json = (await axme('--json', 'stream', id, 'out')).stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(json.at(-1)).toMatchObject({ from: 0, next: 4, length: 4, closed: true });
});

it('fork reruns from a step with a patched input, and get shows where it was forked from', async () => {
  const c = createClient({ url: server.url });
  const type = 'cli.fork';
  const calls: string[] = [];
  const worker = c.worker({ types: [type], waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    const a = await run.step('draft', () => (calls.push('draft'), 'draft'));
    return run.step('polish', () => (calls.push('polish'), `${a} in ${(run.input as { tone: string }).tone}`));
  });
  try {
    const original = await c.submit({ type, input: { tone: 'plain' } });
    await c.result(original.id, { signal: AbortSignal.timeout(20_000) });
    const forked = JSON.parse((await axme('--json', 'fork', original.id, '--from-step', 'polish', '--patch', '{"tone":"verse"}', '--label', 'variant:verse')).stdout);
    expect(forked).toMatchObject({ forkedFromId: original.id, forkedFromStep: 'polish', labels: ['variant:verse'], input: { tone: 'verse' } });
    expect((await c.result(forked.id, { signal: AbortSignal.timeout(20_000) })).output).toBe('draft in verse');
    expect(calls).toEqual(['draft', 'polish', 'polish']);
    expect((await axme('get', forked.id)).stdout).toContain(`forked    from ${original.id} at step "polish"`);
    const bad = await axme('fork', original.id, '--from-step', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('BAD_USER_INPUT');
  } finally {
    await worker.stop();
  }
});
