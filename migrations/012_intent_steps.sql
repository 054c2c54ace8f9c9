-- Steps as records of their own (issue 18 part 2, issue 20 part 3). A step's result is
-- written once, in its own row, instead of inside a checkpoint that every step rewrote
-- whole: bytes written per step no longer grow with the steps before it, and a run's
-- steps together are bounded by nothing but the table. The event of each record
-- (STEP_COMPLETED or STEP_FAILED) carries the name, attempt, duration and size, never
-- the output itself; seq is that event's seq.
create table intent_steps (
  intent_id uuid not null references intents (id) on delete cascade,
  seq int not null,
  namespace text not null,
  name text not null,
  attempt int not null,
  status text not null check (status in ('COMPLETED', 'FAILED')),
  output jsonb,
  output_bytes int not null default 0,
  duration_ms int not null,
  error jsonb,
  recorded_at timestamptz not null,
  primary key (intent_id, seq)
);

-- one successful result per step name, written once: a second write of it returns the first
create unique index intent_steps_completed on intent_steps (intent_id, name) where status = 'COMPLETED';
