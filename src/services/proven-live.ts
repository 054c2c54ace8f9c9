/**
 * Worker sessions a claim statement leased to a moment ago, which proved them live then
 * (the statement leases only to live sessions). A worker's next long poll usually starts
 * right after its last claim, finds nothing new and waits first: it need not read its
 * session to know it is live. One that ended in between gets its error at the end of
 * that first wait (at most AXME_CLAIM_POLL_MS), from the claim that then finds nothing.
 */

/** Sessions remembered at most; beyond that the memory starts over (a long poll then reads its session). */
const MAX_REMEMBERED = 10_000;

export class ProvenLive {
  private readonly seen = new Map<string, number>();
  private readonly forMs: number;

  /** `forMs`: how long a lease proves its session live (the claim poll interval). */
  constructor(forMs: number) {
    this.forMs = forMs;
  }

  /** A claim statement leased to this session now. */
  saw(namespace: string, session: string): void {
    if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
    this.seen.set(`${namespace}\n${session}`, Date.now());
  }

  /** Whether a claim statement leased to this session within the last `forMs`. */
  recent(namespace: string, session: string): boolean {
    const at = this.seen.get(`${namespace}\n${session}`);
    return at !== undefined && Date.now() - at < this.forMs;
  }
}
