/**
 * Subscriptions over HTTP (SSE, and multipart): each result takes its turn in the
 * process's delivery budget and is held against it until the response has written
 * it, a result over the per-event limit goes out as a PAYLOAD_TOO_LARGE error
 * instead, and the stream ends with UNAUTHENTICATED once its key is revoked.
 * graphql-ws does the same per socket in graphql/ws.ts.
 *
 * An HTTP response needs no byte limit of its own: yoga pulls the next result only
 * once it has written the previous one's data (waiting for the socket to drain), so
 * a response holds at most two results, the one being written and the one serialised
 * after it; AXME_SUBSCRIPTION_CONNECTION_BYTES is at least twice the per-event limit.
 * A client that does not read stops pulling, and its subscription's own queue ends
 * it with RATE_LIMITED and the cursor to resume from, as it always did.
 */
import type { ServerResponse } from 'node:http';
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Revocations } from '../../auth/revocations.ts';
import type { Context } from '../context.ts';
import { ConnectionBudget, type ProcessBudget } from '../delivery-budget.ts';
import { replaceOversize, resultBytes, withinLimit } from '../oversize.ts';

export interface HttpStreamsOptions {
  budget: ProcessBudget;
  connectionBytes: number;
  maxEventBytes: number;
  revocations: Revocations;
}

export function useHttpStreams(o: HttpStreamsOptions): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const ctx = args.contextValue;
      if (ctx.transport !== 'http') return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          setResult(new HttpStream(result[Symbol.asyncIterator](), ctx.auth.keyId, ctx.res, o));
        },
      };
    },
  };
}

const DONE: IteratorResult<never> = { value: undefined, done: true };

class HttpStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly source: AsyncIterator<ExecutionResult>;
  private readonly o: HttpStreamsOptions;
  private readonly budget: ConnectionBudget;
  /** Whether results are counted: only with a Node response to say when they are written (not in-process fetch). */
  private readonly counted: boolean;
  private readonly unwatch: () => void;
  private revoked = false;
  private finished = false;

  constructor(source: AsyncIterator<ExecutionResult>, keyId: string | null, res: ServerResponse | undefined, o: HttpStreamsOptions) {
    this.source = source;
    this.o = o;
    this.budget = new ConnectionBudget(o.budget, o.connectionBytes);
    this.counted = res !== undefined;
    if (res) releaseWhenWritten(res, this.budget);
    this.unwatch = o.revocations.watch(keyId, () => {
      this.revoked = true;
      // a next() waiting for an event returns done at once; onItem answers the revocation instead
      void this.source.return?.();
    });
  }

  // not an async method: each idle subscriber would hold a suspended frame
  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.finished) return Promise.resolve(DONE);
    if (this.revoked) return Promise.resolve(this.onItem(DONE));
    return this.source.next().then(this.onItem);
  }

  private readonly onItem = (item: IteratorResult<ExecutionResult>): IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>> => {
    if (this.revoked) {
      this.finish();
      return { value: { data: null, errors: [new GraphQLError('the API key was revoked', { extensions: { code: 'UNAUTHENTICATED', reason: 'KEY_REVOKED' } })] }, done: false };
    }
    if (item.done) {
      this.finish();
      return DONE;
    }
    return this.budget.enter<IteratorResult<ExecutionResult>>(() => {
      let value = withinLimit(item.value, this.o.maxEventBytes);
      let bytes = resultBytes(value);
      if (bytes > this.o.maxEventBytes) {
        value = replaceOversize(value, bytes, this.o.maxEventBytes);
        bytes = resultBytes(value);
      }
      return [{ value, done: false }, this.counted ? bytes : 0];
    }, DONE);
  };

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    await this.source.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    this.finished = true;
    this.unwatch();
    this.budget.close();
  }
}

/**
 * Gives a response's bytes back as Node finishes writing its chunks (the callback of
 * each write). yoga writes a result as one `data:` chunk a few bytes longer than its
 * JSON, plus a short `event:` line and pings; each written chunk releases at most
 * what is still held, so the count meets zero when everything is out.
 */
function releaseWhenWritten(res: ServerResponse, budget: ConnectionBudget): void {
  const write = res.write.bind(res) as (chunk: unknown, encoding?: BufferEncoding, cb?: (err?: Error | null) => void) => boolean;
  res.write = ((chunk: string | Uint8Array, encodingOrCb?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void) => {
    const done = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    const encoding = typeof encodingOrCb === 'function' ? undefined : encodingOrCb;
    const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.byteLength;
    return write(chunk, encoding, (err) => {
      budget.release(Math.min(bytes, budget.held));
      done?.(err);
    });
  }) as ServerResponse['write'];
}

const isAsyncIterable = (x: unknown): x is AsyncIterable<ExecutionResult> =>
  typeof x === 'object' && x !== null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
