/**
 * The one way services and sweeps write: run the write, and once it has committed,
 * hand its changes to the watches of this process (LocalChanges) and tell readers and
 * claimers everywhere (announce.ts). A write that throws rolled back and announces
 * nothing, so no notification ever points at a change that did not happen.
 */
import type { Db, Queryable } from '../db/types.ts';
import type { LocalChanges } from '../pubsub/local-changes.ts';
import type { PubSub } from '../pubsub/types.ts';
import type { Change } from '../store/events.ts';
import { announceChanges } from './announce.ts';

/** What a write hands back: the changes it made, with whatever else its caller answers. */
export interface Written {
  changes: readonly Change[];
}

export interface Commit {
  /** Runs `write` in one transaction; after the commit, announces its changes and returns what it returned. */
  <W extends Written>(write: (tx: Queryable) => Promise<W>): Promise<W>;
  /**
   * The same for a write that is a single statement, which commits on its own: no BEGIN
   * and COMMIT round trips on the hot paths (group commit, checkpoints).
   */
  statement<W extends Written>(write: (q: Queryable) => Promise<W>): Promise<W>;
}

export function createCommit(db: Db, pubsub: PubSub, local: LocalChanges): Commit {
  const announced = async <W extends Written>(written: Promise<W>): Promise<W> => {
    const w = await written;
    // first the rows themselves to watches here, so the message that follows finds them known and costs no read
    local.emit(w.changes);
    announceChanges(pubsub, w.changes);
    return w;
  };
  const commit = <W extends Written>(write: (tx: Queryable) => Promise<W>) => announced(db.transaction(write));
  return Object.assign(commit, { statement: <W extends Written>(write: (q: Queryable) => Promise<W>) => announced(write(db)) });
}

/** A write's changes when it made at most one. */
export const changed = (change: Change | null): Written => ({ changes: change ? [change] : [] });
