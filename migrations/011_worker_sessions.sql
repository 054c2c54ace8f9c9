-- Workers as first-class (issue 18): a worker process registers a session and keeps it
-- alive with heartbeats; when the session ends (graceful stop, a restart announcing the
-- same identity, or missed heartbeats) the intents it leases are released at once
-- instead of waiting out each per-intent lease. Per-intent leases and their fencing
-- tokens are unchanged: a session only shortens how long a dead worker's leases last.
create table worker_sessions (
  id uuid primary key,
  namespace text not null,
  -- who the worker says it is across restarts: a new session with the same identity
  -- ends the old one (a restarted process replaces its previous, dead self)
  identity text not null,
  name text not null,
  host text,
  sdk text,
  sdk_version text,
  types text[] not null,
  concurrency int not null check (concurrency > 0),
  session_seconds int not null check (session_seconds > 0),
  status text not null check (status in ('CONNECTED', 'STOPPED', 'LOST')),
  principal text,
  started_at timestamptz not null,
  last_seen_at timestamptz not null,
  -- CONNECTED past this is LOST (the sweep's scan)
  expires_at timestamptz not null,
  ended_at timestamptz,
  -- STOPPED, REPLACED or MISSED_HEARTBEATS
  end_reason text
);

-- one live session per identity; registration serializes on it
create unique index worker_sessions_live_identity on worker_sessions (namespace, identity) where status = 'CONNECTED';
create index worker_sessions_due on worker_sessions (expires_at) where status = 'CONNECTED';
create index worker_sessions_recent on worker_sessions (namespace, last_seen_at desc);
create index worker_sessions_ended on worker_sessions (ended_at) where ended_at is not null;

-- the session whose worker holds the current lease (set at every claim, null for a
-- claim that named no session); meaningful only while the intent is RUNNING
alter table intents add column lease_worker uuid;
create index intents_lease_worker on intents (lease_worker) where status = 'RUNNING' and lease_worker is not null;
