/**
 * An instance's own messages on their way back from Redis. Its listeners heard each one
 * when it was published, so the echo is dropped, once per publish. Messages carry no
 * sender (instances of every version read the same plain text), so an echo is known by
 * its channel and text: when another instance sends the same text meanwhile (a work
 * message is just a type name), one of the two is dropped and the other heard, the same
 * wake-up either way. An echo that never comes (the subscription was not yet confirmed,
 * Redis dropped the connection) is forgotten after `ttlMs`, so it cannot swallow a later
 * message of another instance for longer than that.
 */
export class Echoes {
  /** Publish times (ms) of messages whose echo has not come back, by channel, then text. */
  private readonly pending = new Map<string, Map<string, number[]>>();

  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs = 2000, now = () => Date.now()) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  /** Expects the echo of `message`; returns how to stop expecting it (its publish failed). */
  sent(channel: string, message: string): () => void {
    let byText = this.pending.get(channel);
    if (!byText) this.pending.set(channel, (byText = new Map()));
    const times = byText.get(message) ?? [];
    const at = this.now();
    times.push(at);
    byText.set(message, times);
    return () => {
      const i = times.indexOf(at);
      if (i >= 0) times.splice(i, 1);
      if (times.length === 0 && byText.get(message) === times) byText.delete(message);
    };
  }

  /** True when `message` is the echo of one this instance sent (and stops expecting it). */
  isEcho(channel: string, message: string): boolean {
    const byText = this.pending.get(channel);
    const times = byText?.get(message);
    if (!byText || !times) return false;
    const oldest = this.now() - this.ttlMs;
    while (times.length > 0 && times[0]! < oldest) times.shift();
    const mine = times.shift() !== undefined;
    if (times.length === 0) byText.delete(message);
    if (byText.size === 0) this.pending.delete(channel);
    return mine;
  }

  /** Expects no echo on `channel` (unsubscribed), or on any (the subscriber reconnected: echoes in flight are lost). */
  forget(channel?: string): void {
    if (channel === undefined) this.pending.clear();
    else this.pending.delete(channel);
  }
}
