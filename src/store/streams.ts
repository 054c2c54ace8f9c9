/**
 * Output streams: append-only chunk sequences per (intent, name), stored one row
 * per append call. The head row in intent_streams holds the length; an append
 * takes its row lock to give its chunks the next dense indexes, and the intent's
 * row in share mode so a completion cannot commit between the lease check and the
 * append (a reader that saw the intent finished has then seen every chunk).
 */
import type { Queryable } from '../db/types.ts';
import { AxmeError } from '../core/errors.ts';
import { TERMINAL, TRANSITIONS, type Status } from '../core/lifecycle.ts';
import { whyNot } from './intents.ts';
import { overBudget } from './budget-check.ts';

const HELD = `
  select id from intents
  where id = $2::uuid and (namespace = $1 and status = any($3::text[]) and lease_token = $4::uuid and lease_expires_at > $5::timestamptz) is true
    and not ${overBudget('intents', '$5')}
  for share`;

const APPEND = `
  with held as (${HELD}),
  head as (
    insert into intent_streams as s (namespace, intent_id, name, length, bytes, created_at, updated_at)
    select $1, id, $6::text, cardinality($7::text[]), $8::bigint, $5, $5 from held where $8::bigint <= $9::bigint
    on conflict (intent_id, name) do update
      set length = s.length + excluded.length, bytes = s.bytes + excluded.bytes, updated_at = excluded.updated_at
      where s.closed_at is null and s.bytes + excluded.bytes <= $9::bigint
    returning s.length
  ),
  batch as (
    insert into intent_stream_chunks (intent_id, name, first_index, chunks)
    select $2::uuid, $6::text, length - cardinality($7::text[]), $7::text[] from head
  )
  select length from head`;

export interface Appended {
  /** Index of the first chunk appended. */
  from: number;
  /** The stream's length after the append: the index the next chunk gets. */
  next: number;
}

/** Appends `chunks` (already validated, `bytes` their UTF-8 size) under the lease; throws the reason when it may not. */
export async function appendStream(
  q: Queryable, ns: string, id: string, token: string, name: string, chunks: readonly string[], bytes: number, maxBytes: number, now: Date,
): Promise<Appended> {
  const { rows } = await q.query<{ length: number }>(APPEND, [ns, id, TRANSITIONS.appendStream.from, token, now, name, chunks, bytes, maxBytes]);
  if (rows[0]) return { from: rows[0].length - chunks.length, next: rows[0].length };
  const head = await streamHead(q, ns, id, name);
  if (head?.closedAt) throw new AxmeError('CONFLICT', `stream ${name} is closed`, { id, stream: name, reason: 'STREAM_CLOSED' });
  if ((head?.bytes ?? 0) + bytes > maxBytes) {
    throw new AxmeError('PAYLOAD_TOO_LARGE', `stream ${name} would hold ${(head?.bytes ?? 0) + bytes} bytes; the limit is ${maxBytes}`, {
      id, stream: name, reason: 'STREAM_FULL', bytes: head?.bytes ?? 0, limit: maxBytes,
    });
  }
  throw await whyNot(q, ns, id, 'appendStream', token, now);
}

const CLOSE = `
  with held as (${HELD})
  insert into intent_streams as s (namespace, intent_id, name, closed_at, created_at, updated_at)
  select $1, id, $6::text, $5, $5, $5 from held
  on conflict (intent_id, name) do update set closed_at = coalesce(s.closed_at, excluded.closed_at), updated_at = excluded.updated_at
  returning s.length`;

/** Ends a stream before the intent finishes (idempotent); returns its length. */
export async function closeStream(q: Queryable, ns: string, id: string, token: string, name: string, now: Date): Promise<number> {
  const { rows } = await q.query<{ length: number }>(CLOSE, [ns, id, TRANSITIONS.closeStream.from, token, now, name]);
  if (rows[0]) return rows[0].length;
  throw await whyNot(q, ns, id, 'closeStream', token, now);
}

export interface StreamInfo {
  name: string;
  length: number;
  bytes: number;
  /** No chunk will be appended any more: closed, or the intent finished. */
  closed: boolean;
}

interface HeadRow {
  length: number;
  bytes: number;
  closedAt: Date | null;
}

async function streamHead(q: Queryable, ns: string, id: string, name: string): Promise<HeadRow | null> {
  const { rows } = await q.query<{ length: number; bytes: string; closed_at: Date | null }>(
    'select length, bytes, closed_at from intent_streams where namespace = $1 and intent_id = $2 and name = $3', [ns, id, name]);
  const r = rows[0];
  return r ? { length: r.length, bytes: Number(r.bytes), closedAt: r.closed_at } : null;
}

const LIST = `
  select s.name, s.length, s.bytes, (s.closed_at is not null or i.status = any($3::text[])) as closed
  from intent_streams s join intents i on i.id = s.intent_id
  where s.namespace = $1 and s.intent_id = $2
  order by s.created_at, s.name
  limit 100`;

/** The intent's streams, oldest first (the first 100). */
export async function listStreams(q: Queryable, ns: string, id: string): Promise<StreamInfo[]> {
  const { rows } = await q.query<{ name: string; length: number; bytes: string; closed: boolean }>(LIST, [ns, id, TERMINAL]);
  return rows.map((r) => ({ name: r.name, length: r.length, bytes: Number(r.bytes), closed: r.closed }));
}

/**
 * One statement, so one snapshot: the intent's status, the stream's head and the
 * batches from `from` agree. Starts at the batch holding `from` (the primary key
 * read backwards), then reads forward.
 */
const READ = `
  with i as (select status from intents where namespace = $1 and id = $2),
  s as (select length, closed_at from intent_streams where namespace = $1 and intent_id = $2 and name = $3),
  c as (
    select first_index, chunks from intent_stream_chunks
    where intent_id = $2 and name = $3
      and first_index >= coalesce((select max(first_index) from intent_stream_chunks where intent_id = $2 and name = $3 and first_index <= $4), 0)
    order by first_index limit $5)
  select i.status, s.length, s.closed_at, c.first_index, c.chunks
  from i left join s on true left join c on true
  order by c.first_index`;

export interface StreamPage {
  /** Index of chunks[0] (the `from` asked for). */
  from: number;
  chunks: string[];
  /** Index after the last chunk returned: pass it as `from` for the next page. */
  next: number;
  /** Chunks in the stream now. */
  length: number;
  /** No chunk will be appended any more; with next >= length the reader has everything. */
  closed: boolean;
}

/** Batches read per page at most; each holds at most AXME_STREAM_MAX_CHUNKS chunks. */
const BATCHES_PER_READ = 64;

/**
 * Chunks from index `from`, at most `maxChunks` and about `maxBytes` (always at
 * least one chunk when there is one). Null when the intent does not exist.
 */
export async function readStream(
  q: Queryable, ns: string, id: string, name: string, from: number, maxChunks: number, maxBytes: number,
): Promise<StreamPage | null> {
  const { rows } = await q.query<{ status: Status; length: number | null; closed_at: Date | null; first_index: number | null; chunks: string[] | null }>(
    READ, [ns, id, name, from, BATCHES_PER_READ]);
  const head = rows[0];
  if (!head) return null;
  const length = head.length ?? 0;
  const closed = head.closed_at !== null || TERMINAL.includes(head.status);
  const chunks: string[] = [];
  let bytes = 0;
  let next = from;
  fill: for (const r of rows) {
    if (r.first_index === null || r.chunks === null) continue;
    for (let k = Math.max(0, next - r.first_index); k < r.chunks.length; k++) {
      if (r.first_index + k !== next) break fill; // a gap cannot happen (indexes are dense); stop rather than skip
      const size = Buffer.byteLength(r.chunks[k]!);
      if (chunks.length >= maxChunks || (chunks.length > 0 && bytes + size > maxBytes)) break fill;
      chunks.push(r.chunks[k]!);
      bytes += size;
      next++;
    }
  }
  return { from, chunks, next, length, closed };
}

const DELETE_EXPIRED = `
  delete from intent_streams where (intent_id, name) in (
    select s.intent_id, s.name from intent_streams s join intents i on i.id = s.intent_id
    where s.updated_at < $1 and i.status = any($3::text[]) and i.finished_at < $1
    order by s.updated_at limit $2 for update of s skip locked)`;

/**
 * Deletes streams (their chunks cascade) of intents finished before `cutoff`. Appends
 * need a RUNNING intent, so a stream's updated_at is at most its intent's finished_at:
 * the updated_at index narrows the candidates to streams idle since before the cutoff.
 */
export async function deleteExpiredStreams(q: Queryable, cutoff: Date, batch: number): Promise<number> {
  const r = await q.query(DELETE_EXPIRED, [cutoff, batch, TERMINAL]);
  return r.rowCount;
}

export interface AppendItem {
  ns: string;
  id: string;
  token: string;
  name: string;
  chunks: readonly string[];
  bytes: number;
}

/**
 * Many appends, to distinct streams, in one statement (group commit: services' coalescer).
 * Items are taken in (intent, stream) order so that concurrent batches lock rows alike.
 * The intents are found by id alone (the rest is tested as `(…) is true`, LEASE_HELD in
 * intents.ts): not through an index on namespace and status that keeps an entry for every
 * intent that ever ran.
 */
const APPEND_MANY = `
  with items as (
    select * from unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[], $6::bigint[])
      with ordinality as t(ns, id, token, name, chunks, bytes, n)
  ),
  held as (
    select t.* from items t join intents i on i.id = t.id
    where (i.namespace = t.ns and i.status = any($7::text[]) and i.lease_token = t.token and i.lease_expires_at > $8::timestamptz) is true
      and t.bytes <= $9::bigint
      and not ${overBudget('i', '$8')}
    order by t.id, t.name
    for share of i
  ),
  head as (
    insert into intent_streams as s (namespace, intent_id, name, length, bytes, created_at, updated_at)
    select ns, id, name, jsonb_array_length(chunks), bytes, $8, $8 from held order by id, name
    on conflict (intent_id, name) do update
      set length = s.length + excluded.length, bytes = s.bytes + excluded.bytes, updated_at = excluded.updated_at
      where s.closed_at is null and s.bytes + excluded.bytes <= $9::bigint
    returning s.intent_id, s.name, s.length
  ),
  batch as (
    insert into intent_stream_chunks (intent_id, name, first_index, chunks)
    select h.intent_id, h.name, h.length - jsonb_array_length(d.chunks), array(select jsonb_array_elements_text(d.chunks))
    from head h join held d on d.id = h.intent_id and d.name = h.name
  )
  select d.n::int as n, h.length from head h join held d on d.id = h.intent_id and d.name = h.name`;

/** Appends items (each to a different stream); returns each accepted item's new length by its position. Items left out were refused: ask appendStream alone why. */
export async function appendStreams(q: Queryable, items: readonly AppendItem[], maxBytes: number, now: Date): Promise<Map<number, number>> {
  const { rows } = await q.query<{ n: number; length: number }>(APPEND_MANY, [
    items.map((i) => i.ns), items.map((i) => i.id), items.map((i) => i.token), items.map((i) => i.name),
    items.map((i) => JSON.stringify(i.chunks)), items.map((i) => i.bytes), TRANSITIONS.appendStream.from, now, maxBytes,
  ]);
  return new Map(rows.map((r) => [r.n - 1, r.length]));
}
