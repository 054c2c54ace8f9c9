/**
 * Prometheus metrics. Counters and histograms are process-wide (one server per
 * process in production; code anywhere calls them without wiring). Gauges that
 * read state (the database, open subscriptions, the pool) belong to one app and
 * are computed at scrape time, the database counts cached for a few seconds so
 * that many scrapers cost one query.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/types.ts';
import type { Change } from '../store/events.ts';
import { countApprovalsWaiting, countUnfinishedIntents } from '../store/metrics.ts';
import { countConnected } from '../store/workers.ts';

const shared = new Registry();
collectDefaultMetrics({ register: shared });

const events = new Counter({
  name: 'axme_intent_events_total',
  help: 'Intent events committed by this instance, by kind (SUBMITTED, CLAIMED, COMPLETED, FAILED, ...).',
  labelNames: ['kind'] as const,
  registers: [shared],
});
const claims = new Counter({
  name: 'axme_claims_total',
  help: 'Intents leased to agents by this instance.',
  registers: [shared],
});
const claimWait = new Histogram({
  name: 'axme_claim_wait_seconds',
  help: 'Time a claim request spent before answering (long-poll included), by result: claimed or empty.',
  labelNames: ['result'] as const,
  buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
  registers: [shared],
});
const leaseExpiries = new Counter({
  name: 'axme_lease_expiries_total',
  help: "Leases this instance's sweeper found expired (the intent went back to PENDING, or FAILED with no attempts left).",
  registers: [shared],
});
const retries = new Counter({
  name: 'axme_retries_total',
  help: 'Intents sent back to PENDING for another attempt, by reason: failure (agent failed it), lease_expired, operator (retryIntent).',
  labelNames: ['reason'] as const,
  registers: [shared],
});
const redisPublish = new Histogram({
  name: 'axme_redis_publish_seconds',
  help: 'Round trip of one Redis PUBLISH (sent after the commit, until Redis acknowledged it); not the delivery to other instances.',
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
  registers: [shared],
});

const cutOffs = new Counter({
  name: 'axme_subscription_cutoffs_total',
  help: 'WebSockets this instance closed with 4429 for holding more unsent result bytes than AXME_SUBSCRIPTION_CONNECTION_BYTES.',
  labelNames: ['reason'] as const,
  registers: [shared],
});

const scheduleFires = new Counter({
  name: 'axme_schedule_fires_total',
  help: "Schedule fire times this instance's sweeper handled, by outcome: submitted, skipped (overlap or catch-up), buffered (BUFFER_ONE).",
  labelNames: ['outcome'] as const,
  registers: [shared],
});

const llmTokens = new Counter({
  name: 'axme_llm_tokens_total',
  help: 'LLM tokens steps reported to this instance (recordStep usage), by kind (input, output, cached; cached is part of input) and model.',
  labelNames: ['kind', 'model'] as const,
  registers: [shared],
});
const llmCost = new Counter({
  name: 'axme_llm_cost_usd_total',
  help: 'Cost in USD of the LLM calls steps reported to this instance (given, or priced from AXME_PRICES), by model; unpriced calls add nothing.',
  labelNames: ['model'] as const,
  registers: [shared],
});
const llmCalls = new Counter({
  name: 'axme_llm_calls_total',
  help: 'LLM calls steps reported to this instance, by model and priced (true/false).',
  labelNames: ['model', 'priced'] as const,
  registers: [shared],
});

// model names come from callers: past this many distinct ones, the rest count as "other"
// so one misbehaving worker cannot grow the scrape without bound
const MAX_MODEL_LABELS = 200;
const modelLabels = new Set<string>();
const modelLabel = (m: string) => {
  if (modelLabels.has(m)) return m;
  if (modelLabels.size >= MAX_MODEL_LABELS) return 'other';
  modelLabels.add(m);
  return m;
};

/** Counts the LLM calls of a step just recorded (not one answered from an earlier record). */
export function countLlmUsage(calls: readonly { model: string; inputTokens: number; outputTokens: number; cachedTokens: number; costUsd: number | null }[]): void {
  for (const u of calls) {
    const model = modelLabel(u.model);
    llmTokens.inc({ kind: 'input', model }, u.inputTokens);
    llmTokens.inc({ kind: 'output', model }, u.outputTokens);
    llmTokens.inc({ kind: 'cached', model }, u.cachedTokens);
    llmCalls.inc({ model, priced: String(u.costUsd !== null) });
    if (u.costUsd !== null) llmCost.inc({ model }, u.costUsd);
  }
}

export function countScheduleFires(outcome: 'submitted' | 'skipped' | 'buffered', n = 1): void {
  if (n > 0) scheduleFires.inc({ outcome }, n);
}

export function countCutOff(reason: 'connection_bytes'): void {
  cutOffs.inc({ reason });
}

/** Counts committed changes; called with every batch that is announced. */
export function countChanges(changes: readonly Change[]): void {
  for (const { intent, event, also } of changes) {
    events.inc({ kind: event.kind });
    if (event.kind === 'CLAIMED') claims.inc();
    if (event.kind === 'LEASE_EXPIRED') leaseExpiries.inc();
    const reason = event.kind === 'RETRY_SCHEDULED' ? 'failure' : event.kind === 'RETRIED' ? 'operator' : event.kind === 'LEASE_EXPIRED' ? 'lease_expired' : null;
    if (reason && intent.status === 'PENDING') retries.inc({ reason });
    if (also) countChanges(also);
  }
}

/** Call when a claim answers; `startedMs` from performance.now() when it began. */
export function observeClaimWait(startedMs: number, claimed: boolean): void {
  claimWait.observe({ result: claimed ? 'claimed' : 'empty' }, (performance.now() - startedMs) / 1000);
}

export function observeRedisPublish(startedMs: number): void {
  redisPublish.observe((performance.now() - startedMs) / 1000);
}

export interface AppMetricsDeps {
  db: Db;
  /** Open subscriptions on this instance. */
  openSubscriptions: () => number;
  /** Result bytes handed to this instance's connections and not yet written. */
  deliveryBytes?: () => number;
  /** How long database counts are reused. Default 5000. */
  cacheMs?: number;
}

export interface AppMetrics {
  contentType: string;
  /** The Prometheus text exposition of everything. */
  scrape(): Promise<string>;
}

export function createAppMetrics(d: AppMetricsDeps): AppMetrics {
  const own = new Registry();
  const cacheMs = d.cacheMs ?? 5000;
  let cached: { at: number; counts: Promise<{ intents: Awaited<ReturnType<typeof countUnfinishedIntents>>; approvals: number; workers: number }> } | null = null;
  const counts = () => {
    if (!cached || Date.now() - cached.at >= cacheMs) {
      const p = Promise.all([countUnfinishedIntents(d.db), countApprovalsWaiting(d.db), countConnected(d.db)])
        .then(([intents, approvals, workers]) => ({ intents, approvals, workers }));
      cached = { at: Date.now(), counts: p };
      // a failed read is not cached: the next scrape asks again
      p.catch(() => (cached = null));
    }
    return cached.counts;
  };

  new Gauge({
    name: 'axme_intents',
    help: 'Unfinished intents (PENDING, RUNNING, WAITING) in the database by status and type, all namespaces; read at scrape time, cached 5 s.',
    labelNames: ['status', 'type'] as const,
    registers: [own],
    async collect() {
      this.reset();
      // while the database is away the series are absent (scrapes still answer)
      const read = await counts().catch(() => null);
      for (const c of read?.intents ?? []) this.set({ status: c.status, type: c.type }, c.count);
    },
  });
  new Gauge({
    name: 'axme_approvals_waiting',
    help: 'Approvals waiting for a decision (status PENDING), all namespaces.',
    registers: [own],
    async collect() {
      this.reset();
      const read = await counts().catch(() => null);
      if (read) this.set(read.approvals);
    },
  });
  new Gauge({
    name: 'axme_workers_connected',
    help: 'Worker sessions CONNECTED (heartbeating), all namespaces; read at scrape time, cached 5 s.',
    registers: [own],
    async collect() {
      this.reset();
      const read = await counts().catch(() => null);
      if (read) this.set(read.workers);
    },
  });
  new Gauge({
    name: 'axme_subscriptions_open',
    help: 'Subscriptions (intentEvents, intentChanged) open on this instance, over WebSocket and SSE.',
    registers: [own],
    collect() {
      this.set(d.openSubscriptions());
    },
  });
  if (d.deliveryBytes) {
    const bytes = d.deliveryBytes;
    new Gauge({
      name: 'axme_subscription_unsent_bytes',
      help: 'Result bytes this instance handed to WebSocket and SSE connections that are not written yet (bounded by AXME_SUBSCRIPTION_PROCESS_BYTES).',
      registers: [own],
      collect() {
        this.set(bytes());
      },
    });
  }
  const stats = d.db.poolStats ? () => d.db.poolStats!() : null;
  if (stats) {
    new Gauge({
      name: 'axme_db_pool_connections',
      help: "This instance's PostgreSQL pool connections by state: busy or idle.",
      labelNames: ['state'] as const,
      registers: [own],
      collect() {
        const s = stats();
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'busy' }, s.total - s.idle);
      },
    });
    new Gauge({
      name: 'axme_db_pool_waiting',
      help: 'Queries waiting for a free PostgreSQL pool connection on this instance.',
      registers: [own],
      collect() {
        this.set(stats().waiting);
      },
    });
  }

  return {
    contentType: shared.contentType,
    async scrape() {
      // metric names differ between the two, so their expositions concatenate
      const [a, b] = await Promise.all([shared.metrics(), own.metrics()]);
      return `${a}\n${b}`;
    },
  };
}
