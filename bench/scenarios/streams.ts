// Scenario 7: durable output streams. How many chunks per second one intent's stream
// takes from one writer (one append in flight at a time, as the SDKs send them), and
// append → receipt latency with the writer on instance A and a live reader on
// instance B (PostgreSQL + Redis): from the append's response on A to the page with
// that chunk arriving over graphql-ws on B.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Cleanup, SECONDS, gql, percentiles, scratchSchema, sleep } from '../lib.ts';
import { redisPrefix, startLiveServer, untilSubscribed, wsUrl } from '../live.ts';
import type { Row, Scenario } from '../scenario.ts';

const SUBMIT = `mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`;
const CLAIM = `mutation($i: ClaimIntentInput!) { claimIntent(input: $i) { token intent { id } } }`;
const APPEND = `mutation($i: AppendStreamInput!) { appendStream(input: $i) { from next } }`;
const FOLLOW = `subscription($id: ID!, $s: String!, $from: Int) { intentStream(id: $id, stream: $s, from: $from) { from next } }`;
const TOKEN = 'token '; // ~ one LLM token
const LATENCY_RATE = Number(process.env.BENCH_STREAM_RATE ?? 100);

async function runningIntent(url: string, type: string): Promise<{ id: string; token: string }> {
  await gql(url, SUBMIT, { i: { type, input: {} } });
  const { claimIntent } = await gql(url, CLAIM, { i: { types: [type], agent: 'bench', leaseSeconds: 3600 } });
  return { id: claimIntent.intent.id, token: claimIntent.token };
}

/** `writers` writers, each on its own intent, appending batches of `batch` chunks back to back for SECONDS: chunks per second in all. */
async function throughput(url: string, batch: number, writers = 1): Promise<{ perSecond: number; appends: number }> {
  const intents = await Promise.all(Array.from({ length: writers }, (_, w) => runningIntent(url, `bench.stream.rate${batch}.${writers}.${w}`)));
  const chunks = Array(batch).fill(TOKEN);
  const end = performance.now() + SECONDS * 1000;
  let appends = 0;
  const start = performance.now();
  await Promise.all(intents.map(async ({ id, token }) => {
    while (performance.now() < end) {
      await gql(url, APPEND, { i: { id, leaseToken: token, stream: 'out', chunks } });
      appends++;
    }
  }));
  return { perSecond: (appends * batch) / ((performance.now() - start) / 1000), appends };
}

export const streamsScenario: Scenario = {
  name: 'streams',
  title: '7. Output streams',
  async run() {
    const cleanup = new Cleanup();
    try {
      const schema = await scratchSchema('axme_bench');
      cleanup.add(() => schema.drop());
      const prefix = redisPrefix();
      const a = await startLiveServer(schema.name, prefix);
      cleanup.add(() => a.stop());
      const b = await startLiveServer(schema.name, prefix);
      cleanup.add(() => b.stop());
      const rows: Row[] = [];

      for (const batch of [1, 50]) {
        const r = await throughput(a.url, batch);
        rows.push({
          scenario: this.title,
          subject: `chunks/s into one intent's stream, one writer, ${batch === 1 ? 'an append per chunk' : `${batch} chunks per append (an SDK flush)`}`,
          value: r.perSecond, unit: 'chunks/s', note: `${r.appends} appends in ${SECONDS} s`,
        });
      }

      const many = await throughput(a.url, 1, 8);
      rows.push({
        scenario: this.title,
        subject: '8 writers, each on its own intent, an append per chunk (appends share statements: group commit)',
        value: many.perSecond, unit: 'chunks/s in all', note: `${many.appends} appends in ${SECONDS} s`,
      });

      // latency: paced single-chunk appends on A, a reader on B
      const { id, token } = await runningIntent(a.url, 'bench.stream.latency');
      const arrived = new Map<number, number>();
      let failure: unknown = null;
      const client = createClient({ url: wsUrl(b), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {} });
      cleanup.add(() => client.dispose());
      const unsubscribe = client.subscribe<{ intentStream: { from: number; next: number } }>(
        { query: FOLLOW, variables: { id, s: 'out', from: 0 } },
        {
          next: (r) => {
            const t = performance.now();
            if (!r.data) return void (failure ??= r.errors);
            for (let k = r.data.intentStream.from; k < r.data.intentStream.next; k++) arrived.set(k, t);
          },
          error: (err) => (failure ??= err),
          complete: () => {},
        },
      );
      cleanup.add(unsubscribe);
      await untilSubscribed(b, 1);
      const responded = new Map<number, number>();
      const sent = new Map<number, number>();
      const pending = new Set<Promise<void>>();
      const start = performance.now();
      let errors = 0;
      for (let due = 0; performance.now() < start + SECONDS * 1000; await sleep(1)) {
        const target = Math.floor(((performance.now() - start) * LATENCY_RATE) / 1000);
        for (; due < target; due++) {
          const t = performance.now();
          const p = gql(a.url, APPEND, { i: { id, leaseToken: token, stream: 'out', chunks: [TOKEN] } }).then(
            (d: { appendStream: { from: number } }) => {
              responded.set(d.appendStream.from, performance.now());
              sent.set(d.appendStream.from, t);
            },
            () => void errors++,
          ).finally(() => pending.delete(p));
          pending.add(p);
        }
      }
      await Promise.all(pending);
      const giveUp = Date.now() + 5000;
      while ([...responded.keys()].some((k) => !arrived.has(k)) && Date.now() < giveUp && !failure) await sleep(20);
      if (failure) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
      const keys = [...responded.keys()].filter((k) => arrived.has(k));
      const afterResponse = percentiles(keys.map((k) => Math.max(0, arrived.get(k)! - responded.get(k)!)));
      const afterSend = percentiles(keys.map((k) => arrived.get(k)! - sent.get(k)!));
      const ms = (x: number) => `${x.toFixed(2)} ms`;
      rows.push({
        scenario: this.title,
        subject: `append→receipt (response on A → page on B), ${LATENCY_RATE} appends/s`,
        value: afterResponse.p50, unit: 'ms p50',
        vs: `p99 ${ms(afterResponse.p99)}; request sent → receipt p50 ${ms(afterSend.p50)}, p99 ${ms(afterSend.p99)}`,
        note: [`${keys.length} chunks`, responded.size - keys.length ? `${responded.size - keys.length} never arrived` : '', errors ? `${errors} append errors` : '']
          .filter(Boolean).join('; '),
      });
      return rows;
    } finally {
      await cleanup.run();
    }
  },
};
