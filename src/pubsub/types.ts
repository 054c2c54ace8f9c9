/**
 * Notifications between parts of the server and between instances. Messages are
 * hints that something changed; the database stays the source of truth, so a lost
 * message may delay a reader but never lose data.
 */
export interface PubSub {
  /** Never throws: a failed publish is logged, and readers fall back to polling. */
  publish(channel: string, message: string): void;
  /** Returns the unsubscribe function. */
  subscribe(channel: string, handler: (message: string) => void): () => void;
  close(): Promise<void>;
  /** Whether messages are flowing now (false while Redis is away); absent means always. */
  healthy?(): boolean;
  /** Called on every health change; readers poll while unhealthy and re-read on recovery. */
  onHealth?(fn: (healthy: boolean) => void): () => void;
}

/** Channel names, in one place. */
export const channels = {
  /** An intent of this namespace became claimable; the message is its type. */
  work: (namespace: string) => `axme:work:${namespace}`,
  /**
   * An event was committed in this namespace; a wake-up for stream readers, who re-read Postgres. The message is
   * `intentId:seq` of the batch's last change, then (for a batch of at most MAX_LISTED_CHANGES) a space and
   * `intentId=STATUS,intentId=@seq` of each change, comma-separated (eventsMessage, changesOf).
   */
  events: (namespace: string) => `axme:events:${namespace}`,
  /** An intent's live progress changed; the message is the intent id. */
  progress: (namespace: string) => `axme:progress:${namespace}`,
  /** Chunks were appended to (or a close ended) an output stream; the message is the intent id followed by a space and the stream name. */
  streams: (namespace: string) => `axme:streams:${namespace}`,
  /** An API key was revoked (in any namespace); the message is its id. Instances end what it holds open. */
  keysRevoked: () => 'axme:keys:revoked',
};

/** Changes an events message lists one by one; a larger batch lists none, and readers re-read. */
export const MAX_LISTED_CHANGES = 64;

/** One change as an events message lists it (listedChange builds it, changesOf reads it). */
export interface ListedChange {
  status: string;
  /** The intent's seq after the change; null from an instance that does not list seqs. */
  seq: number | null;
}

/**
 * A change's entries in an events message: its status, then its seq as a second entry
 * `intentId=@seq`. Apart, not `intentId=STATUS@seq`, so that an instance of an earlier
 * version, which reads `intentId=STATUS` only, still reads the status right (and takes
 * `@seq` for a status it never waits for) while both versions run.
 */
export const listedChange = (intentId: string, c: ListedChange): string =>
  c.seq === null ? `${intentId}=${c.status}` : `${intentId}=${c.status},${intentId}=@${c.seq}`;

/** The events channel's message for a batch: its last change, then every change's entries (listedChange) while few. */
export function eventsMessage(last: string, changes: readonly string[]): string {
  return changes.length <= MAX_LISTED_CHANGES ? `${last} ${changes.join(',')}` : last;
}

/** The last message parsed: every watch on an instance reads the same message in turn, so each is parsed once, not once per watch. */
let lastParsed: { message: string; byId: Map<string, ListedChange[]> | null } | null = null;

/** The changes an events message lists for `intentId`, in order (empty: it is not among them); null when it lists none (read to know). */
export function changesOf(message: string, intentId: string): ListedChange[] | null {
  if (lastParsed?.message !== message) lastParsed = { message, byId: listedChanges(message) };
  const byId = lastParsed.byId;
  if (!byId) return null;
  return (byId.get(intentId) ?? []).map((c) => ({ ...c }));
}

/** Every intent's listed changes in a message, in order; null when it lists none. */
function listedChanges(message: string): Map<string, ListedChange[]> | null {
  const space = message.indexOf(' ');
  if (space < 0) return null;
  const byId = new Map<string, ListedChange[]>();
  for (const c of message.slice(space + 1).split(',')) {
    const eq = c.indexOf('=');
    const id = c.slice(0, eq);
    const value = c.slice(eq + 1);
    let out = byId.get(id);
    if (!out) byId.set(id, (out = []));
    const prev = out[out.length - 1];
    if (value.startsWith('@')) {
      const seq = Number(value.slice(1));
      if (prev && prev.seq === null && Number.isSafeInteger(seq)) prev.seq = seq;
    } else {
      out.push({ status: value, seq: null });
    }
  }
  return byId;
}
