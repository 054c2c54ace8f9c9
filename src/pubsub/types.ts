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
}

/** Channel names, in one place. */
export const channels = {
  /** An intent of this namespace became claimable; the message is its type. */
  work: (namespace: string) => `axme:work:${namespace}`,
  /** An event was committed in this namespace; the message is the event as JSON. */
  events: (namespace: string) => `axme:events:${namespace}`,
};
