-- Durable output streams (issue 18): named, append-only sequences of text chunks an
-- agent writes under its lease and readers follow by index. One row per append call
-- (a batch of chunks with the index of its first), not one per token, so an LLM
-- writing at full speed costs a row per flush. The head row per stream holds the
-- length: an append takes its row lock to assign dense indexes from 0, and the caps.

create table intent_streams (
  namespace text not null,
  intent_id uuid not null references intents (id) on delete cascade,
  name text not null,
  -- chunks appended so far; the next append's first index
  length int not null default 0,
  bytes bigint not null default 0,
  -- closeStream: no more appends; readers stop at `length`
  closed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (intent_id, name)
);
create index intent_streams_ns on intent_streams (namespace, intent_id);
-- retention: a stream is last written while its intent runs, so updated_at <= finished_at,
-- and the sweep finds candidates by this index instead of scanning every stream
create index intent_streams_updated on intent_streams (updated_at);

create table intent_stream_chunks (
  intent_id uuid not null,
  name text not null,
  -- index of chunks[1]; the batch covers first_index .. first_index + cardinality(chunks) - 1
  first_index int not null,
  chunks text[] not null,
  primary key (intent_id, name, first_index),
  foreign key (intent_id, name) references intent_streams (intent_id, name) on delete cascade
);
