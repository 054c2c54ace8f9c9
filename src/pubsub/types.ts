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
  /** An event was committed in this namespace; a wake-up for stream readers, who re-read Postgres. The message is `intentId:seq`. */
  events: (namespace: string) => `axme:events:${namespace}`,
  /** An intent's live progress changed; the message is the intent id. */
  progress: (namespace: string) => `axme:progress:${namespace}`,
  /** Chunks were appended to (or a close ended) an output stream; the message is the intent id followed by a space and the stream name. */
  streams: (namespace: string) => `axme:streams:${namespace}`,
  /** An API key was revoked (in any namespace); the message is its id. Instances end what it holds open. */
  keysRevoked: () => 'axme:keys:revoked',
};
