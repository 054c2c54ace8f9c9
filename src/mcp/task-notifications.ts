import type { Auth } from '../auth/authenticate.ts';
import type { Revocations } from '../auth/revocations.ts';
import { AxmeError } from '../core/errors.ts';
import { StreamEnd } from '../live/event-stream.ts';
import type { IntentWatch } from '../live/intent-watch.ts';
import type { LiveService } from '../live/service.ts';
import type { Services } from '../services/index.ts';
import { detailedTask } from './tasks.ts';

/**
 * Task status notifications (Tasks extension, 2026-07-28): a client opens
 * `subscriptions/listen` with `notifications.taskIds`, and gets `notifications/tasks`
 * (params: the task as tasks/get describes it) each time a task's status changes,
 * for as long as it keeps that stream open. The SDK's listen router knows only the
 * core change types, so this module serves listen requests that name tasks.
 *
 * Each task is an IntentWatch on the namespace's live feed (src/live): woken by the
 * intent's events on any instance (Postgres + Redis), never by polling. A watch holds
 * a "changed" flag, not a queue, and is read only when the stream has room, so a
 * client that reads slowly gets each task's latest state rather than a backlog:
 * memory per stream is bounded by MAX_TASK_IDS and the stream's buffer.
 */
export const LISTEN_METHOD = 'subscriptions/listen';
/** Tasks one listen stream may follow. */
export const MAX_TASK_IDS = 100;
/** Task listen streams open at once on one instance (as the SDK's own maxSubscriptions). */
export const MAX_STREAMS = 1024;
/** Bytes queued for a stream before its watches wait for the client to read. */
export const STREAM_BUFFER_BYTES = 256 * 1024;
const KEEP_ALIVE_MS = 15_000;
const SUBSCRIPTION_ID_META = 'io.modelcontextprotocol/subscriptionId';
const SERVER_INFO_META = 'io.modelcontextprotocol/serverInfo';
const SERVER_INFO = { name: 'axme', version: '0.1.0' };

type Json = Record<string, unknown>;
/** How a stream ends: the graceful close (an empty listen result), an error response for the listen, or silently (the client left). */
type End = 'graceful' | 'silent' | { code: number; message: string };
type ListenRequest = { jsonrpc: '2.0'; id: string | number; method: string; params: { notifications: { taskIds: unknown } } };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A `subscriptions/listen` whose filter names tasks; the SDK serves every other listen. */
export function isTaskListen(body: unknown): body is ListenRequest {
  if (!isObject(body) || body.method !== LISTEN_METHOD || (typeof body.id !== 'string' && typeof body.id !== 'number')) return false;
  const filter = isObject(body.params) ? body.params.notifications : undefined;
  return isObject(filter) && 'taskIds' in filter;
}

export interface TaskStreamContext {
  services: Services;
  live: LiveService;
  auth: Auth;
  origin: string;
  /** The request's signal: aborted when the client goes away. */
  signal: AbortSignal;
  /** Ends the stream when its key is revoked, as GraphQL's streams end. */
  revocations: Revocations;
}

/** The streams open now, to refuse more than MAX_STREAMS and to end them all on shutdown. */
export class TaskStreams {
  private readonly open = new Set<(how: End) => void>();
  private readonly bufferBytes: number;

  /** `bufferBytes` (default STREAM_BUFFER_BYTES): tests shrink it to see a slow reader coalesced. */
  constructor(o: { bufferBytes?: number } = {}) {
    this.bufferBytes = o.bufferBytes ?? STREAM_BUFFER_BYTES;
  }

  /** Answers a task listen: a JSON-RPC error response, or the SSE stream of notifications. */
  async serve(req: ListenRequest, t: TaskStreamContext): Promise<{ error: Json } | { stream: ReadableStream<Uint8Array> }> {
    const fail = (code: number, message: string) => ({ error: { jsonrpc: '2.0', id: req.id, error: { code, message } } });
    if (this.open.size >= MAX_STREAMS) return fail(-32603, 'Subscription limit reached');
    const ids = req.params.notifications.taskIds;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) return fail(-32602, 'Invalid params: notifications.taskIds must be an array of task ids');
    if (ids.length > MAX_TASK_IDS) return fail(-32602, `Invalid params: at most ${MAX_TASK_IDS} taskIds per subscription`);
    // only tasks the key can see are followed; others are left out of the acknowledgement, as unknown
    const watches = new Map<string, IntentWatch>();
    try {
      for (const id of new Set(ids as string[])) {
        const watch = await t.live.intentChanged(t.auth.caller, id).catch((err: unknown) => {
          if (err instanceof AxmeError && (err.code === 'NOT_FOUND' || err.code === 'BAD_USER_INPUT')) return null;
          throw err;
        });
        if (watch) watches.set(id, watch);
      }
    } catch (err) {
      for (const w of watches.values()) await w.return();
      if (err instanceof AxmeError) return fail(-32603, `${err.code}: ${err.message}`);
      throw err;
    }
    return { stream: this.stream(req.id, watches, t) };
  }

  /** Ends every stream with the graceful close (shutdown); clients listen again elsewhere. */
  closeAll(): void {
    for (const end of [...this.open]) end('graceful');
  }

  private stream(subscriptionId: string | number, watches: Map<string, IntentWatch>, t: TaskStreamContext): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    const streams = this.open;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let closed = false;
    let keepAlive: NodeJS.Timeout | undefined;
    // watches wait here while the client is behind; pull() lets them go
    let room: (() => void)[] = [];
    const write = (frame: string) => {
      if (!closed) controller.enqueue(encoder.encode(frame));
    };
    const send = (message: Json) => write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', ...message })}\n\n`);
    const stamp = (params: Json) => ({ ...params, _meta: { ...(params._meta as Json | undefined), [SUBSCRIPTION_ID_META]: subscriptionId } });
    const hasRoom = async () => {
      while (!closed && (controller.desiredSize ?? 1) <= 0) await new Promise<void>((r) => room.push(r));
    };
    let unwatch = () => {};
    const end = (how: End) => {
      if (closed) return;
      if (how === 'graceful') send({ id: subscriptionId, result: { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META]: subscriptionId, [SERVER_INFO_META]: SERVER_INFO } } });
      else if (how !== 'silent') send({ id: subscriptionId, error: how });
      closed = true;
      streams.delete(end);
      unwatch();
      clearInterval(keepAlive);
      t.signal.removeEventListener('abort', onAbort);
      for (const w of watches.values()) void w.return();
      for (const r of room) r();
      room = [];
      try {
        controller.close();
      } catch {
        // already closed by the client
      }
    };
    const onAbort = () => end('silent');

    const follow = async (watch: IntentWatch) => {
      let last = '';
      for (;;) {
        await hasRoom();
        if (closed) return;
        const next = await watch.next();
        if (next.done || closed) return;
        if (next.value instanceof StreamEnd) throw next.value.error; // the watch could not read the intent
        const task = await detailedTask(next.value, { services: t.services, auth: t.auth, origin: t.origin });
        // progress and same-status events change nothing a task says; send only what does
        const shape = JSON.stringify([task.status, task.statusMessage ?? null, Object.keys((task.inputRequests as Json | undefined) ?? {})]);
        if (shape === last) continue;
        last = shape;
        send({ method: 'notifications/tasks', params: stamp(task) });
      }
    };

    return new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
          send({ method: 'notifications/subscriptions/acknowledged', params: stamp({ notifications: { taskIds: [...watches.keys()] } }) });
          if (watches.size === 0) {
            end('graceful');
            return;
          }
          streams.add(end);
          unwatch = t.revocations.watch(t.auth.keyId, () => end({ code: -32001, message: 'UNAUTHENTICATED: the API key was revoked' }));
          t.signal.addEventListener('abort', onAbort, { once: true });
          // only while the client reads: a stalled one must not gather heartbeats either
          keepAlive = setInterval(() => (controller.desiredSize ?? 0) > 0 && write(': keepalive\n\n'), KEEP_ALIVE_MS);
          keepAlive.unref();
          if (t.signal.aborted) {
            end('silent');
            return;
          }
          // a task that cannot be read ends the stream as an error, so the client listens again rather than hear nothing
          const failed = () => end({ code: -32603, message: 'reading a task failed; listen again' });
          const followers = [...watches.values()].map((w) => follow(w).catch(failed));
          // every watch over (the server is shutting down, or the intents are gone): say so and close
          void Promise.all(followers).then(() => end('graceful'));
        },
        pull: () => {
          const waiting = room;
          room = [];
          for (const r of waiting) r();
        },
        cancel: () => end('silent'),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: this.bufferBytes }),
    );
  }
}
