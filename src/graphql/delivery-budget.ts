/**
 * Bytes of serialized results on their way to clients: handed to a socket and not
 * yet written to the kernel. Fan-out turns one event into a message per subscriber,
 * so a client that selects a large payload many times over, or many subscriptions
 * that all select it, would otherwise make the process hold every copy at once
 * (issue 15: one viewer key took a server from 196 MB to out of memory). Three bounds:
 *
 * - per event (AXME_SUBSCRIPTION_MAX_EVENT_BYTES): a larger result is replaced by a
 *   PAYLOAD_TOO_LARGE error (graphql/oversize.ts). graphql-ws and SSE send a
 *   subscription's next result only after the previous one was written, so this
 *   is also what one subscriber holds (SSE: the result being written and the next).
 * - per connection (AXME_SUBSCRIPTION_CONNECTION_BYTES): a WebSocket that would hold
 *   more is closed with 4429 (graphql/ws.ts). One message always fits an empty
 *   connection, so a single large query result over a socket still goes out.
 * - per process (AXME_SUBSCRIPTION_PROCESS_BYTES): while every connection together
 *   holds this much, further deliveries wait their turn, in order, until writes
 *   drain. Waiting costs no bytes (a result is serialized once its turn comes), and
 *   the events behind it wait in the subscribers' bounded queues, which end a
 *   subscriber that falls too far behind with RATE_LIMITED as they always did.
 */

/** A delivery's decision, taken when its turn comes: what to hand on, and the bytes it now holds. */
export type Admission<T> = readonly [value: T, bytes: number];

export class ProcessBudget {
  readonly limit: number;
  /** Bytes held by every connection of this process. */
  used = 0;
  /** The most it has held. */
  peak = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  /**
   * Runs `admit` at once when there is room and nobody waits, else when its turn
   * comes; admit runs synchronously, so it measures and takes in one step and no
   * other delivery slips in between. Only the last admission may pass the limit.
   */
  enter<T>(admit: () => Admission<T>): T | Promise<T> {
    if (this.waiting.length === 0 && this.used < this.limit) return this.run(admit);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        try {
          resolve(this.run(admit));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiting.length > 0 && this.used < this.limit) this.waiting.shift()!();
  }

  private run<T>(admit: () => Admission<T>): T {
    const [value, bytes] = admit();
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    return value;
  }
}

/** What one connection (a WebSocket, or one SSE response) holds of the process's budget. */
export class ConnectionBudget {
  readonly limit: number;
  held = 0;
  private readonly process: ProcessBudget;
  private closed = false;

  constructor(process: ProcessBudget, limit: number) {
    this.process = process;
    this.limit = limit;
  }

  /**
   * Admits one delivery on this connection when the process gives it its turn (see
   * ProcessBudget.enter); once the connection is closed, `closed` is the answer and
   * nothing is held.
   */
  enter<T>(admit: () => Admission<T>, closed: T): T | Promise<T> {
    return this.process.enter(() => {
      if (this.closed) return [closed, 0];
      const [value, bytes] = admit();
      this.held += bytes;
      return [value, bytes];
    });
  }

  /** Whether `bytes` more may be held: anything fits an empty connection. */
  fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.limit;
  }

  /** Bytes were written (or dropped with the connection). */
  release(bytes: number): void {
    if (this.closed) return;
    this.held -= bytes;
    this.process.release(bytes);
  }

  /** The connection is gone: whatever it still held is freed with it. Later releases are no-ops. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const held = this.held;
    this.held = 0;
    this.process.release(held);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
