-- Schedules (issue 18): a cron expression in a time zone, or a fixed interval, that
-- submits an intent from its template at every fire. The sweep on every instance
-- claims due rows with FOR UPDATE SKIP LOCKED and advances next_fire_at in the same
-- transaction as the submit; the intent's idempotency key schedule:<id>:<fire time>
-- makes a repeated fire (two instances, a retried transaction) the same intent.
create table schedules (
  id uuid primary key,
  namespace text not null,
  name text not null,
  -- exactly one of cron (with timezone) and interval_seconds
  cron text,
  timezone text not null default 'UTC',
  interval_seconds int check (interval_seconds > 0),
  check ((cron is null) <> (interval_seconds is null)),
  -- what each fire submits: type, input, labels, priority, maxAttempts, retry, ...
  template jsonb not null,
  overlap text not null check (overlap in ('SKIP', 'BUFFER_ONE', 'ALLOW')),
  catch_up text not null check (catch_up in ('SKIP', 'ONE', 'ALL')),
  jitter_seconds int not null default 0 check (jitter_seconds >= 0),
  start_at timestamptz,
  end_at timestamptz,
  -- interval fires fall on anchor_at + k * interval_seconds
  anchor_at timestamptz not null,
  paused boolean not null default false,
  paused_reason text,
  -- the next nominal fire time; null once end_at has passed
  next_fire_at timestamptz,
  -- BUFFER_ONE: a fire that waits for the running intent to end
  buffered_fire_at timestamptz,
  last_fire_at timestamptz,
  last_intent_id uuid,
  fire_count bigint not null default 0,
  skip_count bigint not null default 0,
  last_skip_at timestamptz,
  created_by text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (namespace, name)
);

-- what the sweep scans: due, unpaused schedules, oldest first
create index schedules_due on schedules (next_fire_at) where not paused and next_fire_at is not null;
create index schedules_buffered on schedules (buffered_fire_at) where buffered_fire_at is not null;

-- the schedule an intent was submitted by (no foreign key: deleting a schedule keeps its intents)
alter table intents add column schedule_id uuid;
create index intents_schedule on intents (namespace, schedule_id, created_at desc) where schedule_id is not null;
