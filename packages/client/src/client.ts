/**
 * The typed Axme client: every call is a generated typed document (codegen.ts) sent
 * over HTTP; server errors come back as the classes in ./errors.ts.
 */
import * as ops from './generated/graphql.ts';
import type { TypedDocumentString } from './generated/graphql.ts';
import { AxmeClientError, BadUserInputError, NetworkError, fromGraphQLError } from './errors.ts';
import { type Result, SharedSocket, SocketUnavailable, live, type SubscribeOptions, type Transport } from './live.ts';
import { ScheduleClient } from './schedules.ts';
import { type SendRequest, defaultSender, fetchSender } from './send.ts';
import { Batcher, type Outcome } from './batcher.ts';

export type Intent = ops.IntentFieldsFragment;
export type IntentEvent = ops.EventFieldsFragment;
export type Approval = ops.ApprovalFieldsFragment;
/** A failure escalation's decision data: attempts for retry; fromStep and input or inputPatch for fork. */
export interface EscalationData {
  attempts?: number;
  fromStep?: string;
  input?: unknown;
  inputPatch?: unknown;
}
export type Signal = ops.SignalIntentMutation['signalIntent'];
export type Lease = NonNullable<ops.ClaimIntentMutation['claimIntent']>;
export type WorkerInfo = ops.ListWorkersQuery['workers'][number];
/** A step record as recordStep answers it. */
export type RecordedStep = ops.RecordStepMutation['recordStep'];
export type WorkerSession = ops.WorkerSessionFieldsFragment;
/** Consecutive chunks of an output stream: `chunks[k]` has index `from + k`; `next` is where to continue. */
export type StreamPage = ops.StreamPageFieldsFragment;
export type { SubmitIntentInput, ForkIntentInput, IntentFilter, IntentStatus, IntentEventFilter, ApprovalFilter, ResolveApprovalInput } from './generated/graphql.ts';
export type { Transport } from './live.ts';

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /**
   * Requests go through this fetch when given. Default: node:http with a keep-alive agent
   * on Node (and runtimes with its http module), the global fetch elsewhere; `send`
   * replaces both. Subscriptions' SSE fallback always uses fetch.
   */
  fetch?: typeof fetch;
  /** How one GraphQL request is sent (send.ts), e.g. to count or trace them; overrides `fetch` for requests. */
  send?: SendRequest;
  /** How watch() and result() subscribe. Default 'auto': graphql-ws, else SSE. */
  transport?: Transport;
  /** A WebSocket class for graphql-ws. Default: the global WebSocket (Node 22+, Deno, Bun, browsers). */
  webSocketImpl?: unknown;
  /**
   * All of a client's subscriptions share one WebSocket, closed this long after the last
   * one ends (default 1000 ms; `close()` closes it at once). 0: closed as soon as it is idle.
   */
  socketIdleMs?: number;
  /**
   * While a worker runs (or `holdWrites()` is held), its step records and completions go as
   * operations over a WebSocket it holds instead of an HTTP request each: measured on
   * loopback ~0.2 ms and a third of the server's CPU less per write. `execute()` waits on
   * the client's shared socket (the one `result()` uses) the same way. Default: on where the
   * runtime has a WebSocket, unless `fetch` is given (a fetch set up for a proxy keeps every
   * request on it) or `transport` is 'sse'. A write over 64 Ki characters, one made while
   * the socket cannot connect, and every write outside a hold go over HTTP.
   */
  writesOverSocket?: boolean;
  /**
   * How long a request may go without its answer, beyond the wait it asks the server for
   * (a long poll's or execute()'s `waitSeconds`), before it fails with a NetworkError
   * (default 30,000 ms; 0 or Infinity: no limit). A server that vanished without closing
   * the connection (a host gone, a partition) would otherwise hold a worker's request for ever.
   */
  timeoutMs?: number;
}

export interface WatchOptions extends SubscribeOptions {
  /** Resume right after this event cursor (IntentEvent.cursor). Without it: an intent id replays its history first; a filter starts from now. */
  after?: string;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export class AxmeClient {
  readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly sendFn: SendRequest;
  private readonly o: ClientOptions;
  private readonly socket: SharedSocket;
  /** Cron and interval schedules that submit intents. */
  readonly schedules: ScheduleClient = new ScheduleClient(this);

  constructor(o: ClientOptions) {
    this.url = o.url;
    this.apiKey = o.apiKey;
    this.fetchFn = o.fetch ?? ((...a) => fetch(...a));
    this.sendFn = o.send ?? (o.fetch ? fetchSender(o.fetch) : defaultSender());
    this.o = o;
    this.socket = new SharedSocket({ url: o.url, apiKey: o.apiKey, fetch: this.fetchFn, webSocketImpl: o.webSocketImpl }, o.socketIdleMs ?? 1000);
    const hasWebSocket = o.webSocketImpl !== undefined || typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function';
    this.socketWrites = o.writesOverSocket ?? (hasWebSocket && !o.fetch && o.transport !== 'sse');
  }

  /** Whether writes may go over a socket (ClientOptions.writesOverSocket). */
  private readonly socketWrites: boolean;
  /** The socket writes go over while held (holdWrites), open until the last hold ends. */
  private writeSocket: SharedSocket | null = null;
  private writeHolds = 0;
  /** Writes go over HTTP until then: the socket could not connect (a proxy refusing upgrades, a server draining). */
  private socketDownUntil = 0;
  private socketRetryMs = SOCKET_RETRY_MS;

  /** Steps recorded through recordStep; made on first use. */
  private stepRecords: Batcher<ops.RecordStepInput, RecordedStep> | null = null;
  /** False once the server said it has no recordSteps (an older one): each step then goes in a request of its own. */
  private stepsInOne = true;

  /** Closes the shared subscription socket now (a process that is done need not wait for its idle delay). The client stays usable. */
  async close(): Promise<void> {
    this.sendFn.close?.();
    await this.socket.close();
  }

  /**
   * Keeps a WebSocket open for this client's step records and completions until the
   * returned function is called (ClientOptions.writesOverSocket); a worker holds one while
   * it runs. Outside a hold, writes go over HTTP, and no socket keeps the process alive.
   */
  holdWrites(): () => Promise<void> {
    if (!this.socketWrites) return async () => {};
    this.writeHolds++;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (--this.writeHolds > 0 || !this.writeSocket) return;
      const socket = this.writeSocket;
      this.writeSocket = null;
      await socket.close();
    };
  }

  /**
   * Sends one typed operation; resolves to its data or throws the mapped error. It fails
   * with a NetworkError after `timeoutMs` without an answer, counted from the end of the
   * wait it asks for (`waitSeconds` in its variables or their `input`).
   */
  async request<R, V>(doc: TypedDocumentString<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
    let res: { status: number; text: string };
    const deadline = requestDeadline(this.o.timeoutMs, variables, signal);
    try {
      res = await settledBy(deadline.signal, this.sendFn(this.url, {
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify({ query: doc.toString(), variables }),
        signal: deadline.signal,
      }));
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const why = deadline.signal.aborted ? (deadline.signal.reason as Error).message : (err as Error).message;
      throw new NetworkError('NETWORK', `cannot reach ${this.url}: ${why}`);
    } finally {
      deadline.clear();
    }
    let body: { data?: R | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new NetworkError('NETWORK', `${this.url} answered ${res.status} without a GraphQL body`);
    }
    if (body.errors?.length) throw fromGraphQLError(body.errors[0]!);
    if (!body.data) throw new NetworkError('NETWORK', `${this.url} answered ${res.status} without data`);
    return body.data;
  }

  /**
   * A worker's write: over the held write socket when there is a hold (holdWrites), else
   * as `request`. The same answers and errors either way; an operation the socket
   * could not send goes over HTTP, and HTTP carries writes for a while after.
   */
  private write<R, V>(doc: TypedDocumentString<R, V>, variables: V): Promise<R> {
    if (this.writeHolds === 0) return this.request(doc, variables);
    this.writeSocket ??= new SharedSocket({ url: this.url, apiKey: this.apiKey, fetch: this.fetchFn, webSocketImpl: this.o.webSocketImpl }, 0, true);
    return this.over(this.writeSocket, doc, variables);
  }

  /** One operation over `socket`, as `request` would answer it; over HTTP when the socket cannot carry it. */
  private async over<R, V>(socket: SharedSocket, doc: TypedDocumentString<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
    signal?.throwIfAborted();
    if (!this.socketWrites || Date.now() < this.socketDownUntil) return this.request(doc, variables, signal);
    const query = doc.toString();
    if (query.length + JSON.stringify(variables).length > SOCKET_WRITE_MAX_CHARS) return this.request(doc, variables, signal);
    const deadline = requestDeadline(this.o.timeoutMs, variables, signal);
    let body: Result<R>;
    try {
      body = await socket.execute<R>(query, variables, deadline.signal);
      this.socketRetryMs = SOCKET_RETRY_MS;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!(err instanceof SocketUnavailable)) {
        throw deadline.signal.aborted ? new NetworkError('NETWORK', `cannot reach ${this.url}: ${(deadline.signal.reason as Error).message}`) : err;
      }
      if (err.connectFailed) {
        // each failure in a row waits twice as long before the socket is tried again
        this.socketDownUntil = Date.now() + this.socketRetryMs;
        this.socketRetryMs = Math.min(this.socketRetryMs * 2, SOCKET_RETRY_MAX_MS);
      }
      return this.request(doc, variables, signal);
    } finally {
      deadline.clear();
    }
    if (body.errors?.length) throw fromGraphQLError(body.errors[0]!);
    if (!body.data) throw new NetworkError('NETWORK', `${this.url} answered without data`);
    return body.data;
  }

  async submit(input: ops.SubmitIntentInput): Promise<Intent> {
    return (await this.request(ops.SubmitIntentDocument, { input })).submitIntent;
  }

  async get(id: string): Promise<Intent | null> {
    return (await this.request(ops.GetIntentDocument, { id })).intent;
  }

  async list(filter: ops.IntentFilter = {}, page: { first?: number; after?: string } = {}) {
    return (await this.request(ops.ListIntentsDocument, { filter, ...page })).intents;
  }

  async events(intentId: string, after = 0): Promise<IntentEvent[]> {
    return (await this.request(ops.IntentEventsDocument, { intentId, after })).intentEvents;
  }

  /** The intent's step records in the order written (every attempt's); outputs only with `withOutput`. Null: no such intent. */
  async steps(id: string, o: { withOutput?: boolean; first?: number } = {}) {
    return (await this.request(ops.IntentStepsDocument, { id, first: o.first ?? null, withOutput: o.withOutput ?? false })).intent?.steps ?? null;
  }

  /** An intent's LLM usage: `own` (its steps) and `total` (with its descendants'). Null: no such intent. */
  async intentUsage(id: string) {
    return (await this.request(ops.IntentUsageDocument, { id })).intent ?? null;
  }

  /** Every budget the intent's usage counts against (own, ancestors', day budgets), nearest first, with what is spent; null for no such intent. */
  async intentBudgets(id: string) {
    return (await this.request(ops.IntentBudgetsDocument, { id })).intent?.budgets ?? null;
  }

  /** Replaces the limits of the budget an intent set at submit (admin role); retry an intent that failed over it afterwards. */
  async setIntentBudget(id: string, budget: ops.BudgetInput) {
    return (await this.request(ops.SetIntentBudgetDocument, { id, budget })).setIntentBudget;
  }

  /** The namespace's day budgets per type (type null: the namespace's own) with today's (UTC) spending. */
  async budgets() {
    return (await this.request(ops.BudgetsDocument, {})).budgets;
  }

  /** Replaces a type's (or, without type, the namespace's) day budget; neither limit removes it (answers null). Needs the admin role. */
  async setBudget(o: { type?: string | null; maxUsd?: number | null; maxTokens?: number | null; onExceeded?: ops.BudgetPolicy | null }) {
    return (await this.request(ops.SetBudgetDocument, { type: o.type ?? null, maxUsd: o.maxUsd ?? null, maxTokens: o.maxTokens ?? null, onExceeded: o.onExceeded ?? null })).setBudget;
  }

  /** LLM usage summed per group over a window (default the last 30 days). */
  async usage(o: { filter?: ops.UsageFilter; groupBy?: ops.UsageGroup[]; first?: number } = {}) {
    return (await this.request(ops.UsageDocument, { filter: o.filter ?? null, groupBy: o.groupBy ?? [], first: o.first ?? null })).usage;
  }

  async cancel(id: string, reason?: string): Promise<Intent> {
    return (await this.request(ops.CancelIntentDocument, { input: { id, reason: reason ?? null } })).cancelIntent;
  }

  async retry(id: string): Promise<Intent> {
    return (await this.request(ops.RetryIntentDocument, { input: { id } })).retryIntent;
  }

  /**
   * Forks a run (forkIntent): a new PENDING intent that replays the original's step results
   * recorded before `fromStep` (or `fromSeq`; neither: all of them) and runs the rest fresh,
   * with `input` replacing the original's input or `inputPatch` merged into it (RFC 7386).
   */
  async fork(id: string, o: Omit<ops.ForkIntentInput, 'id'> = {}): Promise<Intent> {
    return (await this.request(ops.ForkIntentDocument, { input: { ...o, id } })).forkIntent;
  }

  /** The intents forked from `id`, oldest first; null when there is no such intent. */
  async forks(id: string): Promise<Intent[] | null> {
    return (await this.request(ops.IntentForksDocument, { id })).intent?.forks ?? null;
  }

  /**
   * Leases up to `limit` intents of `types` in one request (claim order, each with its
   * own token); with waitSeconds, long-polls for at least one. Empty when there is none.
   */
  async claimMany(input: ops.ClaimIntentsInput, signal?: AbortSignal): Promise<Lease[]> {
    return (await this.request(ops.ClaimIntentsDocument, { input }, signal)).claimIntents;
  }

  /**
   * Completes many leased intents in one request. Each item settles on its own: the
   * results come in item order, each with the completed intent or the error that
   * refused it (as the matching error class), so one stale lease does not fail the rest.
   */
  async completeMany(items: ops.CompleteIntentInput[]): Promise<({ intent: Intent } | { error: AxmeClientError })[]> {
    const results = (await this.write(ops.CompleteIntentsDocument, { input: { items } })).completeIntents;
    return results.map((r) => r.intent
      ? { intent: r.intent }
      : { error: itemError(r.error, 'not completed') });
  }

  /**
   * completeMany for the worker runtime: each item's outcome without the intent (its input
   * and output) coming back. Not part of the public API.
   * @internal
   */
  async completeManyAcknowledged(items: ops.CompleteIntentInput[]): Promise<({ ok: true } | { error: AxmeClientError })[]> {
    const results = (await this.write(ops.CompleteIntentsAckDocument, { input: { items } })).completeIntents;
    return results.map((r) => r.intent
      ? { ok: true as const }
      : { error: itemError(r.error, 'not completed') });
  }

  /**
   * Records a step result (or error) under its lease. A step recorded while the client
   * has a step request in flight goes with the others that arrive meanwhile, in one
   * recordSteps request when the server has it: a worker running many intents sends
   * one request for the steps that finish together, and an idle one adds no delay.
   * Rejects with the error that refused this step (LEASE_LOST, say), not another's.
   */
  recordStep(input: ops.RecordStepInput): Promise<RecordedStep> {
    this.stepRecords ??= new Batcher((items) => this.sendSteps(items), { maxBatch: 500, maxBytes: 1024 * 1024 });
    return this.stepRecords.add(input);
  }

  private async sendSteps(items: ops.RecordStepInput[]): Promise<Outcome<RecordedStep>[]> {
    if (items.length > 1 && this.stepsInOne) {
      try {
        return (await this.write(ops.RecordStepsDocument, { input: { items } })).recordSteps.map((r) => r.step
          ? { ok: r.step }
          : { error: itemError(r.error, 'not recorded') });
      } catch (err) {
        if (!(err instanceof BadUserInputError)) throw err;
        // an older server refuses what it does not know: the input type (its first error) and the field
        if (/Unknown type "RecordStepsInput"|Cannot query field "recordSteps"/.test(err.message)) this.stepsInOne = false;
        // else one item made the whole request invalid (an Int out of range, say): each goes alone, for its own answer
      }
    }
    return Promise.all(items.map((input) => this.write(ops.RecordStepDocument, { input }).then(
      (d): Outcome<RecordedStep> => ({ ok: d.recordStep }),
      (error: unknown): Outcome<RecordedStep> => ({ error }),
    )));
  }

  /** Worker sessions of the namespace: CONNECTED first, then the most recently seen. */
  async workers(filter: ops.WorkersFilter = {}, first?: number): Promise<WorkerInfo[]> {
    return (await this.request(ops.ListWorkersDocument, { filter, first: first ?? null })).workers;
  }

  /** The lease holder hands back an intent it never started: PENDING at once, the attempt not spent. */
  async release(id: string, leaseToken: string): Promise<void> {
    await this.request(ops.ReleaseIntentDocument, { input: { id, leaseToken } });
  }

  /** Delivers a named signal: it wakes a waitForSignal(name), or is kept for the next one. */
  async signal(id: string, name: string, payload?: unknown): Promise<Signal> {
    return (await this.request(ops.SignalIntentDocument, { input: { id, name, payload: payload ?? null } })).signalIntent;
  }

  /** Decides a PENDING approval (outcome is one of its options, e.g. approve/reject); the intent resumes. */
  async resolveApproval(input: ops.ResolveApprovalInput): Promise<Approval> {
    return (await this.request(ops.ResolveApprovalDocument, { input })).resolveApproval;
  }

  /**
   * Decides a failure escalation (an `axme.escalation` approval): `retry` (data.attempts more),
   * `fork` (from data.fromStep with data.input or data.inputPatch) or `fail`. `forkedTo` is the fork's id.
   */
  async decideEscalation(approvalId: string, decision: 'retry' | 'fork' | 'fail', data: EscalationData = {}, comment?: string): Promise<Approval & { forkedTo: string | null }> {
    const a = await this.resolveApproval({ approvalId, outcome: decision, data, comment });
    return { ...a, forkedTo: (a.result as { forkedTo?: string } | null)?.forkedTo ?? null };
  }

  async approval(id: string): Promise<Approval | null> {
    return (await this.request(ops.GetApprovalDocument, { id })).approval;
  }

  /** The approval inbox, newest first, e.g. approvals({status: ['PENDING'], assignee: 'alice'}). */
  async approvals(filter: ops.ApprovalFilter = {}, page: { first?: number; after?: string } = {}) {
    return (await this.request(ops.ListApprovalsDocument, { filter, ...page })).approvals;
  }

  /**
   * Events as they happen, over graphql-ws (SSE when WebSockets cannot connect).
   * Reconnects by itself and resumes from the last event it yielded, so nothing is
   * missed or repeated. For an intent id without `after`, its history comes first.
   * Runs until you break out of the loop or abort the signal.
   */
  async *watch(idOrFilter: string | ops.IntentEventFilter, o: WatchOptions = {}): AsyncGenerator<IntentEvent> {
    const filter = typeof idOrFilter === 'string' ? { intentId: idOrFilter } : idOrFilter;
    let cursor = o.after ?? null;
    if (cursor === null && typeof idOrFilter === 'string') {
      // per-intent cursors are safe to resume that intent's stream from (see store/stream.ts)
      for (let seq = 0; ; ) {
        const page = await this.events(idOrFilter, seq);
        for (const e of page) {
          if (o.signal?.aborted) return;
          yield e;
          cursor = e.cursor;
          seq = e.seq;
        }
        if (page.length < 1000) break;
      }
    }
    const stream = live(this.liveOptions(), ops.WatchEventsDocument, {
      variables: () => ({ filter, after: cursor }),
      onError: (err) => {
        // too slow a reader: the server says where to pick up
        if (err.code !== 'RATE_LIMITED' || typeof err.details.cursor !== 'string') return false;
        cursor = err.details.cursor;
        return true;
      },
    }, this.subscribeOptions(o));
    for await (const d of stream) {
      cursor = d.intentEvents.cursor;
      yield d.intentEvents;
    }
  }

  /** The intent now, then its latest state after each change, including live `progress`. */
  async *changes(id: string, o: SubscribeOptions & { statuses?: ops.IntentStatus[] } = {}): AsyncGenerator<Intent> {
    const { statuses, ...sub } = o;
    const variables = () => ({ id, statuses: statuses ?? null });
    const stream = live(this.liveOptions(), ops.WatchIntentDocument, { variables }, this.subscribeOptions(sub));
    for await (const d of stream) yield d.intentChanged;
  }

  /**
   * The chunks of an intent's output stream from index `from` (default 0), live:
   * each page as it is appended, across reconnects (on any instance) with nothing
   * missed or repeated, until the stream is closed and read to its end. Break out
   * or abort the signal to stop early; `page.next` is where to resume later.
   */
  async *stream(id: string, name: string, o: SubscribeOptions & { from?: number } = {}): AsyncGenerator<StreamPage> {
    let from = o.from ?? 0;
    const pages = live(this.liveOptions(), ops.FollowStreamDocument, { variables: () => ({ id, stream: name, from }) }, this.subscribeOptions(o));
    for await (const d of pages) {
      const page = d.intentStream;
      // a resubscription after a disconnect starts from here: no gap, no duplicate
      from = page.next;
      if (page.chunks.length > 0) yield page;
      if (page.closed && page.next >= page.length) return;
    }
  }

  /** A page of an intent's output stream from index `from` (no subscription). */
  async readStream(id: string, name: string, o: { from?: number; limit?: number } = {}): Promise<StreamPage> {
    return (await this.request(ops.ReadStreamDocument, { id, stream: name, from: o.from ?? 0, limit: o.limit ?? null })).intentStream;
  }

  /**
   * Submits an intent and resolves with it once it is COMPLETED, FAILED or CANCELLED:
   * submit and result() in one. The server holds the submit's answer until the intent
   * finishes, up to `waitSeconds` (default 25, under the 30 s many proxies allow; cut to the
   * server's AXME_MAX_WAIT_SECONDS), so a short run costs one round trip; a longer one
   * continues as result() does. Without an idempotencyKey it sends one of its own, so an
   * answer lost on the way (a proxy's timeout, a dropped connection) is recovered by
   * submitting again: the same intent, not a second one.
   */
  async execute(input: ops.SubmitIntentInput, o: { waitSeconds?: number; pollMs?: number; signal?: AbortSignal } = {}): Promise<Intent> {
    const submission = input.idempotencyKey ? input : { ...input, idempotencyKey: `execute:${crypto.randomUUID()}` };
    let intent: Intent;
    try {
      // over the client's shared socket (one a result() would use) where it may: no HTTP exchange
      intent = (await this.over(this.socket, ops.ExecuteIntentDocument, { input: submission, waitSeconds: o.waitSeconds ?? 25 }, o.signal)).submitIntent;
    } catch (err) {
      const lost = err instanceof NetworkError && !o.signal?.aborted;
      // a server from before submitIntent(waitSeconds:) refuses the argument: submit, then wait
      const older = err instanceof BadUserInputError && err.message.includes('waitSeconds');
      if (!lost && !older) throw err;
      intent = await this.submit(submission);
    }
    return TERMINAL.has(intent.status) ? intent : this.result(intent.id, o);
  }

  /**
   * Resolves with the intent once it is COMPLETED, FAILED or CANCELLED: live through
   * intentChanged, or by polling when the server cannot be subscribed to.
   */
  async result(id: string, o: { pollMs?: number; signal?: AbortSignal } = {}): Promise<Intent> {
    try {
      // only the first state and a finished one come: no message (and no server read) per step
      const statuses = [...TERMINAL] as ops.IntentStatus[];
      for await (const intent of this.changes(id, { ...(o.signal ? { signal: o.signal } : {}), maxConnectFailures: 3, statuses })) {
        if (TERMINAL.has(intent.status)) return intent;
      }
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
    }
    for (;;) {
      o.signal?.throwIfAborted();
      const intent = await this.get(id);
      if (!intent) throw fromGraphQLError({ message: `intent ${id} not found`, extensions: { code: 'NOT_FOUND', id } });
      if (TERMINAL.has(intent.status)) return intent;
      await sleep(o.pollMs ?? 250, o.signal);
    }
  }

  private liveOptions() {
    return { url: this.url, apiKey: this.apiKey, fetch: this.fetchFn, webSocketImpl: this.o.webSocketImpl, socket: this.socket };
  }

  private subscribeOptions(o: SubscribeOptions): SubscribeOptions {
    return { ...o, transport: o.transport ?? this.o.transport ?? 'auto' };
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export { AxmeClientError };

/** The longest a timer waits (setTimeout fires at once beyond it). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Writes longer than this (in characters of JSON) go over HTTP: the server takes WebSocket
 * messages of up to 1 MiB and closes a socket that sends a larger one, failing every
 * operation on it. 64 Ki characters are at most 192 KiB of UTF-8.
 */
const SOCKET_WRITE_MAX_CHARS = 64 * 1024;
/** After the socket could not connect, writes go over HTTP this long before trying it again, twice as long after each failure in a row, up to the max. */
const SOCKET_RETRY_MS = 30_000;
const SOCKET_RETRY_MAX_MS = 600_000;

/** How long a request may take: `timeoutMs` beyond the wait it asks for; null (no limit) for a timeoutMs of 0 or Infinity. */
function requestLimitMs(timeoutMs: number | undefined, variables: unknown): number | null {
  const t = timeoutMs ?? 30_000;
  if (!(t > 0) || t === Infinity) return null;
  return Math.min(t + askedWaitSeconds(variables) * 1000, MAX_TIMER_MS);
}

/**
 * What ends a request's wait for its answer: its time running out (`no answer within …`) or
 * `signal` aborting, whichever comes first. `clear()` once it is answered.
 */
function requestDeadline(timeoutMs: number | undefined, variables: unknown, signal?: AbortSignal): { signal: AbortSignal; clear(): void } {
  const limitMs = requestLimitMs(timeoutMs, variables);
  const deadline = new AbortController();
  const timer = limitMs === null ? null : setTimeout(() => deadline.abort(new Error(`no answer within ${limitMs} ms`)), limitMs);
  const cancel = () => deadline.abort(signal?.reason);
  signal?.addEventListener('abort', cancel, { once: true });
  if (signal?.aborted) cancel();
  return {
    signal: deadline.signal,
    clear() {
      if (timer !== null) clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    },
  };
}

/** `p`, or the signal's reason once it aborts: a `send` that ignores its signal cannot hold the caller past it. */
function settledBy<T>(signal: AbortSignal, p: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The wait a request asks the server for, in seconds: `waitSeconds` in its variables or their `input`. */
function askedWaitSeconds(variables: unknown): number {
  const v = variables as { waitSeconds?: unknown; input?: { waitSeconds?: unknown } } | null | undefined;
  const w = v?.waitSeconds ?? v?.input?.waitSeconds;
  return typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : 0;
}

/** The error class for a batch item's `error` (code, message, details), as a lone call would throw it. */
function itemError(error: { code?: string | null; message?: string | null; details?: unknown } | null | undefined, fallback: string): AxmeClientError {
  return fromGraphQLError({ message: error?.message ?? fallback, extensions: { ...(error?.details as Record<string, unknown> | null), code: error?.code } });
}
