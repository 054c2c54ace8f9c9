/**
 * commit() is the one place services write and announce: a change is announced only
 * after its transaction committed (to this process's watches first, with its row, then
 * on the pub/sub), and a write that rolls back announces nothing.
 */
import { expect, it } from 'vitest';
import type { Db, Queryable } from '../src/db/types.ts';
import { LocalChanges } from '../src/pubsub/local-changes.ts';
import type { PubSub } from '../src/pubsub/types.ts';
import { createCommit } from '../src/services/commit.ts';
import type { Change } from '../src/store/events.ts';

/** A database that only records when transactions begin, commit and roll back. */
function fakeDb(log: string[]): Db {
  const q: Queryable = { query: async () => ({ rows: [], rowCount: 0 }), exec: async () => {} };
  return {
    kind: 'pglite',
    ...q,
    async transaction(fn) {
      log.push('begin');
      try {
        const r = await fn(q);
        log.push('commit');
        return r;
      } catch (err) {
        log.push('rollback');
        throw err;
      }
    },
    ping: async () => true,
    close: async () => {},
  };
}

const recorder = (log: string[]): PubSub => ({
  publish: (channel, message) => void log.push(`publish ${channel} ${message}`),
  subscribe: () => () => {},
  close: async () => {},
});

/** Changes handed to this process's watches, as a watch of intent i1 in ns hears them. */
function localRecorder(log: string[]): LocalChanges {
  const local = new LocalChanges();
  local.listen('ns', 'i1', (intent) => void log.push(`local ${intent.id} ${intent.status}`));
  return local;
}

const change = { intent: { id: 'i1', namespace: 'ns', type: 't', status: 'PENDING' }, event: { seq: 2, kind: 'RETRIED', status: 'PENDING' } } as unknown as Change;

it('announces the changes a transaction made once it committed, and answers what the write returned', async () => {
  const log: string[] = [];
  const commit = createCommit(fakeDb(log), recorder(log), localRecorder(log));
  const out = await commit(async () => {
    log.push('write');
    return { changes: [change], answer: 42 };
  });
  expect(out.answer).toBe(42);
  expect(log).toEqual(['begin', 'write', 'commit', 'local i1 PENDING', 'publish axme:events:ns i1:2 i1=PENDING,i1=@2', 'publish axme:work:ns t']);
});

it('announces nothing for a write that rolled back', async () => {
  const log: string[] = [];
  const commit = createCommit(fakeDb(log), recorder(log), localRecorder(log));
  await expect(commit(async () => {
    log.push('write');
    throw new Error('refused');
  })).rejects.toThrow('refused');
  expect(log).toEqual(['begin', 'write', 'rollback']);
});

it('runs a single statement without a transaction, and announces after it', async () => {
  const log: string[] = [];
  const commit = createCommit(fakeDb(log), recorder(log), localRecorder(log));
  await commit.statement(async () => {
    log.push('statement');
    return { changes: [change] };
  });
  expect(log).toEqual(['statement', 'local i1 PENDING', 'publish axme:events:ns i1:2 i1=PENDING,i1=@2', 'publish axme:work:ns t']);
});
