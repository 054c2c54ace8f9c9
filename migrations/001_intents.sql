-- Intents and their event log. Every table carries a namespace from the start, so
-- tenant isolation needs no reshaping later.

create table intents (
  id uuid primary key,
  namespace text not null default 'default',
  type text not null,
  status text not null check (status in ('PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  waiting_for text check (waiting_for in ('APPROVAL', 'SIGNAL', 'CHILDREN', 'TIME')),
  input jsonb not null default '{}',
  output jsonb,
  error jsonb,
  checkpoint jsonb,
  attempt int not null default 0,
  max_attempts int not null,
  priority int not null default 0,
  idempotency_key text,
  parent_id uuid references intents (id) on delete set null,
  labels text[] not null default '{}',
  lease_token uuid,
  lease_agent text,
  lease_expires_at timestamptz,
  run_at timestamptz not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  finished_at timestamptz,
  -- the seq of the intent's newest event: the next event takes last_seq + 1 under
  -- the row lock of the same update, so per-intent seqs are gapless
  last_seq int not null default 0,
  unique (namespace, idempotency_key),
  check ((status = 'WAITING') = (waiting_for is not null)),
  check ((status = 'RUNNING') = (lease_token is not null))
);

-- claim: highest priority, then oldest run_at, among PENDING intents of a type
create index intents_claim on intents (namespace, type, priority desc, run_at, id) where status = 'PENDING';
-- listing, newest first, optionally by status
create index intents_list on intents (namespace, created_at desc, id desc);
create index intents_status on intents (namespace, status, created_at desc, id desc);
create index intents_parent on intents (parent_id) where parent_id is not null;
create index intents_labels on intents using gin (labels);

create table intent_events (
  id bigserial primary key,
  namespace text not null default 'default',
  intent_id uuid not null references intents (id) on delete cascade,
  seq int not null,
  kind text not null,
  status text not null,
  waiting_for text,
  actor text,
  data jsonb,
  at timestamptz not null,
  unique (intent_id, seq)
);
