/**
 * `run.stream(name)`: buffers text written at LLM speed and appends it in
 * batches (one request per ~50 ms or 64 KiB), in order, under the run's lease.
 * A failed append (LEASE_LOST, STREAM_FULL) is kept and thrown by the next
 * write(), flush() or close(), and the run's flush() before complete or a wait
 * waits for every stream.
 */
import * as ops from './generated/graphql.ts';

export interface StreamWriterOptions {
  /** Milliseconds text may wait in the buffer before it is sent. Default 50. */
  flushMs?: number;
  /** Buffered UTF-16 code units that send at once. Default 65536. */
  flushChars?: number;
}

type Request = <R, V>(doc: ops.TypedDocumentString<R, V>, variables: V) => Promise<R>;

// under the server's defaults (AXME_STREAM_MAX_CHUNKS 1000, AXME_MAX_PAYLOAD_BYTES 1 MiB; a char is ≤ 3 UTF-8 bytes)
const MAX_CHUNKS_PER_APPEND = 500;
const MAX_CHARS_PER_APPEND = 256 * 1024;
/** write() waits for sends in flight once this much is buffered, so a writer faster than the network is held back. */
const HIGH_WATER_CHARS = 1024 * 1024;

export class StreamWriter {
  readonly name: string;
  private readonly request: Request;
  private readonly target: { id: string; leaseToken: string };
  private readonly flushMs: number;
  private readonly flushChars: number;
  private buf: string[] = [];
  private chars = 0;
  /** Characters taken by sends not finished yet. */
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> = Promise.resolve();
  private error: unknown = null;
  /** The stream's length after the last append that succeeded. */
  length = 0;

  constructor(request: Request, target: { id: string; leaseToken: string }, name: string, o: StreamWriterOptions = {}) {
    this.request = request;
    this.target = target;
    this.name = name;
    this.flushMs = o.flushMs ?? 50;
    this.flushChars = o.flushChars ?? 64 * 1024;
  }

  /** Buffers text as the stream's next chunk (long text as several); resolves at once unless much is already waiting. */
  async write(text: string): Promise<void> {
    if (this.error) throw this.error;
    if (text.length === 0) return;
    for (let i = 0; i < text.length; i += MAX_CHARS_PER_APPEND) this.buf.push(text.slice(i, i + MAX_CHARS_PER_APPEND));
    this.chars += text.length;
    if (this.chars >= this.flushChars) this.send();
    else this.timer ??= setTimeout(() => this.send(), this.flushMs);
    // a writer faster than the network waits here instead of queueing text without bound
    if (this.inFlight + this.chars >= HIGH_WATER_CHARS) await this.sending;
  }

  /** Sends everything buffered and waits for it; throws the first append that failed. */
  async flush(): Promise<void> {
    this.send();
    await this.sending;
    if (this.error) throw this.error;
  }

  /** Flushes, then ends the stream: readers stop at its length. (Finishing the intent ends every stream.) */
  async close(): Promise<void> {
    await this.flush();
    const d = await this.request(ops.CloseStreamDocument, { input: { ...this.target, stream: this.name } });
    this.length = d.closeStream.next;
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buf.length === 0) return;
    const taken = this.chars;
    const batches: string[][] = [];
    let batch: string[] = [];
    let size = 0;
    for (const chunk of this.buf) {
      if (batch.length >= MAX_CHUNKS_PER_APPEND || (batch.length > 0 && size + chunk.length > MAX_CHARS_PER_APPEND)) {
        batches.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(chunk);
      size += chunk.length;
    }
    batches.push(batch);
    this.buf = [];
    this.chars = 0;
    this.inFlight += taken;
    // one append at a time, in order: a later batch must not land before an earlier one
    this.sending = this.sending.then(async () => {
      for (const chunks of batches) {
        if (this.error) return;
        try {
          const d = await this.request(ops.AppendStreamDocument, { input: { ...this.target, stream: this.name, chunks } });
          this.length = d.appendStream.next;
        } catch (err) {
          this.error = err;
        }
      }
      this.inFlight -= taken;
    });
  }
}
