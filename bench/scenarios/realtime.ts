// Scenarios 3 and 4: subscriptions over graphql-ws. 3: a mutation committed on instance A
// reaches a subscriber on instance B through Redis, at a paced rate. 4: one event reaches
// 10,000 subscriptions on one instance; what each subscription costs in memory.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Cleanup, SECONDS, cpuMs, gql, percentiles, scratchSchema, sleep } from '../lib.ts';
import { RawSubscriber, metrics, redisPrefix, startLiveServer, untilSubscribed, wsUrl } from '../live.ts';
import type { Row, Scenario } from '../scenario.ts';

const SUBMIT = `mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`;
const EVENTS = `subscription($f: IntentEventFilter) { intentEvents(filter: $f) { intentId kind at } }`;

const EVENTS_RATE = Number(process.env.BENCH_EVENTS_RATE ?? 1000);
// a rate the server keeps up with on this machine, to show the path's latency without a queue
const EVENTS_LOW_RATE = Number(process.env.BENCH_EVENTS_LOW_RATE ?? 200);
// an open loop against a server that cannot keep up would only measure the queue
const MAX_IN_FLIGHT = 256;

interface Sample { sent: number; responded: number; id: string }
interface Arrivals { at: Map<string, number>; stamped: Map<string, number>; failure: unknown }

/** Submits to `url` at `perSecond` for a warm-up second plus SECONDS; returns the samples of the measured part. */
async function paced(url: string, perSecond: number, arrivals: Arrivals) {
  const warmUpMs = 1000;
  const samples: Sample[] = [];
  let skipped = 0;
  let errors = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const end = start + warmUpMs + SECONDS * 1000;
  for (let due = 0; performance.now() < end; await new Promise((r) => setTimeout(r, 1))) {
    const target = Math.floor(((performance.now() - start) * perSecond) / 1000);
    for (; due < target; due++) {
      const measured = performance.now() >= start + warmUpMs;
      if (inFlight >= MAX_IN_FLIGHT) {
        if (measured) skipped++;
        continue;
      }
      const sent = performance.now();
      inFlight++;
      const p = gql(url, SUBMIT, { i: { type: 'bench.events', input: { n: due } } }).then(
        (d: { submitIntent: { id: string } }) => void (measured && samples.push({ sent, responded: performance.now(), id: d.submitIntent.id })),
        (err: Error) => void (++errors <= 3 && console.error(`  error: ${err.message}`)),
      ).finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
  }
  await Promise.all(pending);
  // events still on their way get up to 5 s
  const giveUp = Date.now() + 5000;
  while (samples.some((s) => !arrivals.at.has(s.id)) && Date.now() < giveUp && !arrivals.failure) await sleep(20);
  if (arrivals.failure) throw new Error(`subscription failed: ${JSON.stringify(arrivals.failure)}`);

  const got = samples.filter((s) => arrivals.at.has(s.id));
  const afterResponse = got.map((s) => arrivals.at.get(s.id)! - s.responded);
  return {
    achieved: samples.length / SECONDS, lost: samples.length - got.length, skipped, errors, count: got.length,
    early: afterResponse.filter((x) => x < 0).length / Math.max(1, got.length),
    afterResponse: percentiles(afterResponse),
    afterSend: percentiles(got.map((s) => arrivals.at.get(s.id)! - s.sent)),
    stamped: percentiles(got.map((s) => arrivals.stamped.get(s.id)!)),
    roundTrip: percentiles(samples.map((s) => s.responded - s.sent)),
  };
}

export const eventLatencyScenario: Scenario = {
  name: 'events',
  title: '3. Event latency',
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

      // receipt time, and receipt wall time minus the event's `at`, by intent id
      const arrivals: Arrivals = { at: new Map(), stamped: new Map(), failure: null };
      const client = createClient({ url: wsUrl(b), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {} });
      cleanup.add(() => client.dispose());
      const unsubscribe = client.subscribe<{ intentEvents: { intentId: string; at: string } }>(
        { query: EVENTS, variables: { f: { types: ['bench.events'], kinds: ['SUBMITTED'] } } },
        {
          next: (r) => {
            const t = performance.now();
            if (!r.data) return void (arrivals.failure ??= r.errors);
            arrivals.at.set(r.data.intentEvents.intentId, t);
            arrivals.stamped.set(r.data.intentEvents.intentId, performance.timeOrigin + t - Date.parse(r.data.intentEvents.at));
          },
          error: (err) => (arrivals.failure ??= err),
          complete: () => {},
        },
      );
      cleanup.add(unsubscribe);
      await untilSubscribed(b, 1);

      const ms = (x: number) => `${x.toFixed(2)} ms`;
      const rows: Row[] = [];
      for (const perSecond of [EVENTS_RATE, EVENTS_LOW_RATE]) {
        const r = await paced(a.url, perSecond, arrivals);
        const problems = [r.lost ? `${r.lost} events never arrived` : '', r.errors ? `${r.errors} mutation errors` : '',
          r.skipped ? `${r.skipped} sends skipped (${MAX_IN_FLIGHT} in flight)` : ''].filter(Boolean);
        const judged = perSecond === EVENTS_RATE;
        rows.push({
          scenario: this.title,
          subject: `commit→receipt (response on A → event on B), ${r.achieved.toFixed(0)} of ${perSecond} events/s sent${judged ? '' : ' (for comparison)'}`,
          value: r.afterResponse.p50, unit: 'ms p50',
          vs: `p99 ${ms(r.afterResponse.p99)}; upper bound (request sent → event) p50 ${ms(r.afterSend.p50)}, p99 ${ms(r.afterSend.p99)}`,
          ...(judged ? { target: 'p50 < 2 ms, p99 < 15 ms', met: r.lost === 0 && r.afterResponse.p50 < 2 && r.afterResponse.p99 < 15 } : {}),
          note: [`${r.count} events, ${(r.early * 100).toFixed(0)}% before the response`,
            `mutation round trip p50 ${ms(r.roundTrip.p50)}, p99 ${ms(r.roundTrip.p99)}`,
            `event's at → receipt p50 ${ms(r.stamped.p50)}, p99 ${ms(r.stamped.p99)}`, ...problems].join('; '),
        });
      }
      return rows;
    } finally {
      await cleanup.run();
    }
  },
};

const CLAIM = `mutation($i: ClaimIntentInput!) { claimIntent(input: $i) { token intent { id } } }`;
const CHECKPOINT = `mutation($i: CheckpointIntentInput!) { checkpointIntent(input: $i) { id } }`;
const FANOUT_SUBSCRIPTIONS = Number(process.env.BENCH_FANOUT_SUBSCRIPTIONS ?? 10_000);
const FANOUT_SOCKETS = Number(process.env.BENCH_FANOUT_SOCKETS ?? 100);
const FANOUT_ROUNDS = 5;
const GC_ON_SIGNAL = new URL('../gc-on-signal.ts', import.meta.url).href;

export const fanOutScenario: Scenario = {
  name: 'fanout',
  title: '4. Fan-out',
  async run(ctx) {
    const cleanup = new Cleanup();
    try {
      const schema = await scratchSchema('axme_bench');
      cleanup.add(() => schema.drop());
      const perSocket = Math.ceil(FANOUT_SUBSCRIPTIONS / FANOUT_SOCKETS);
      const profile = ctx.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', `${ctx.cpuProfDir}/fanout`] : [];
      const server = await startLiveServer(schema.name, redisPrefix(), { AXME_MAX_SUBSCRIPTIONS: String(perSocket) }, ['--expose-gc', '--import', GC_ON_SIGNAL, ...profile]);
      cleanup.add(() => server.stop());
      const { submitIntent } = await gql(server.url, SUBMIT, { i: { type: 'bench.fanout', input: {} } });
      const { claimIntent } = await gql(server.url, CLAIM, { i: { types: ['bench.fanout'], agent: 'bench' } });
      const intentId: string = submitIntent.id;
      const checkpoint = (n: number) => gql(server.url, CHECKPOINT, { i: { id: intentId, leaseToken: claimIntent.token, checkpoint: { n } } });
      // warm the mutation and the feed before anything is measured
      for (let n = 0; n < 20; n++) await checkpoint(n);

      const memory = async () => {
        server.proc.kill('SIGUSR2'); // a full GC (bench/gc-on-signal.ts), then read
        await sleep(500);
        const m = await metrics(server);
        return { rss: m.get('process_resident_memory_bytes')!, heap: m.get('nodejs_heap_size_used_bytes')!, heapTotal: m.get('nodejs_heap_size_total_bytes')! };
      };
      const before = await memory();

      let received = 0;
      let first = 0;
      let last = 0;
      const seen = new Uint8Array(FANOUT_SUBSCRIPTIONS);
      const sockets: RawSubscriber[] = [];
      cleanup.add(() => Promise.all(sockets.map((s) => s.close())));
      const subscribeStart = performance.now();
      for (let s = 0; s < FANOUT_SOCKETS; s++) {
        const base = s * perSocket;
        const sub = new RawSubscriber(wsUrl(server), (n) => {
          const k = base + n;
          if (seen[k]) return;
          seen[k] = 1;
          const t = performance.now();
          if (received++ === 0) first = t;
          last = t;
        });
        sockets.push(sub);
        // connect in groups so that thousands of sockets do not overflow the listen backlog
        if (s % 200 === 199) await Promise.all(sockets.slice(-200).map((x) => x.ready));
      }
      await Promise.all(sockets.map((s) => s.ready));
      let opened = 0;
      for (let s = 0; s < FANOUT_SOCKETS && opened < FANOUT_SUBSCRIPTIONS; s++) {
        for (let n = 0; n < perSocket && opened < FANOUT_SUBSCRIPTIONS; n++, opened++) {
          sockets[s]!.subscribe(EVENTS, { f: { intentId, kinds: ['CHECKPOINTED'] } });
        }
      }
      await untilSubscribed(server, FANOUT_SUBSCRIPTIONS, 120_000);
      const subscribeSeconds = (performance.now() - subscribeStart) / 1000;
      const after = await memory();

      const reachAll: number[] = [];
      const fromSend: number[] = [];
      const firstAfter: number[] = [];
      let serverCpu = 0;
      let clientCpu = 0;
      for (let round = 0; round < FANOUT_ROUNDS; round++) {
        received = 0;
        seen.fill(0);
        const cpu0 = cpuMs(server.proc.pid);
        const client0 = process.cpuUsage();
        const sent = performance.now();
        await checkpoint(1000 + round);
        const responded = performance.now();
        const giveUp = Date.now() + 30_000;
        while (received < FANOUT_SUBSCRIPTIONS && Date.now() < giveUp) await sleep(1);
        if (received < FANOUT_SUBSCRIPTIONS) throw new Error(`round ${round}: only ${received} of ${FANOUT_SUBSCRIPTIONS} subscriptions got the event within 30 s`);
        serverCpu += (cpuMs(server.proc.pid) ?? NaN) - (cpu0 ?? NaN);
        const c = process.cpuUsage(client0);
        clientCpu += (c.user + c.system) / 1000;
        reachAll.push(last - responded);
        fromSend.push(last - sent);
        firstAfter.push(first - responded);
        await sleep(300);
      }
      const median = (xs: number[]) => percentiles(xs).p50;
      const perSubKb = (bytes: number) => bytes / FANOUT_SUBSCRIPTIONS / 1024;
      const rssKb = perSubKb(after.rss - before.rss);
      const heapKb = perSubKb(after.heap - before.heap);
      const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
      const shape = `${FANOUT_SOCKETS.toLocaleString('en-US')} sockets × ${perSocket}`;
      return [
        {
          scenario: this.title, subject: `memory per subscription, ${FANOUT_SUBSCRIPTIONS.toLocaleString('en-US')} subscriptions (${shape})`,
          value: rssKb, unit: 'KB RSS', vs: `heap ${heapKb.toFixed(1)} KB`, target: '< 20 KB per subscription', met: rssKb < 20 && heapKb < 20,
          note: `after a full GC each side; RSS ${mb(before.rss)} → ${mb(after.rss)} MB, heap used ${mb(before.heap)} → ${mb(after.heap)} MB, heap reserved ${mb(before.heapTotal)} → ${mb(after.heapTotal)} MB; subscribing took ${subscribeSeconds.toFixed(1)} s`,
        },
        {
          scenario: this.title, subject: 'one checkpoint: its response → the last of all subscribers', value: median(reachAll), unit: `ms (median of ${FANOUT_ROUNDS})`,
          vs: `worst ${Math.max(...reachAll).toFixed(0)} ms; first after ${median(firstAfter).toFixed(1)} ms; from request sent ${median(fromSend).toFixed(0)} ms`,
          target: '< 250 ms to all', met: Math.max(...reachAll) < 250,
          note: `server CPU ${(serverCpu / FANOUT_ROUNDS).toFixed(0)} ms, bench clients' CPU ${(clientCpu / FANOUT_ROUNDS).toFixed(0)} ms per event`,
        },
      ] satisfies Row[];
    } finally {
      await cleanup.run();
    }
  },
};
