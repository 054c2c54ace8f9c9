-- Waiting states: what a WAITING intent waits for, human approvals, and signals.

-- wait_name: the signal a SIGNAL wait expects; wake_at: when a TIME wait ends or a SIGNAL
-- wait times out (approval timeouts live on the approval).
alter table intents add column wait_name text;
alter table intents add column wake_at timestamptz;
create index intents_wake on intents (wake_at) where status = 'WAITING' and wake_at is not null;
-- parents waiting for children, for the safety-net sweep
create index intents_waiting_children on intents (updated_at) where waiting_for = 'CHILDREN';

create table approvals (
  id uuid primary key,
  namespace text not null default 'default',
  intent_id uuid not null references intents (id) on delete cascade,
  type text not null,
  title text not null,
  description text,
  options text[] not null,
  assignees text[] not null default '{}',
  form_schema jsonb,
  require_comment boolean not null default false,
  timeout_seconds int,
  on_timeout text not null check (on_timeout in ('REJECT', 'FAIL', 'ESCALATE')),
  escalate_to text[] not null default '{}',
  -- the approval this one replaced when it escalated
  escalated_from uuid references approvals (id),
  status text not null check (status in ('PENDING', 'RESOLVED', 'TIMED_OUT', 'ESCALATED', 'CANCELLED')),
  outcome text,
  comment text,
  data jsonb,
  resolved_by text,
  resolved_at timestamptz,
  requested_by text,
  created_at timestamptz not null,
  expires_at timestamptz
);

create index approvals_list on approvals (namespace, created_at desc, id desc);
create index approvals_status on approvals (namespace, status, created_at desc, id desc);
create index approvals_assignees on approvals using gin (assignees);
create index approvals_intent on approvals (intent_id, created_at);
create index approvals_due on approvals (expires_at) where status = 'PENDING' and expires_at is not null;

create table signals (
  id uuid primary key,
  -- arrival order, also within one millisecond (ids are random there)
  seq bigserial not null,
  namespace text not null default 'default',
  intent_id uuid not null references intents (id) on delete cascade,
  name text not null,
  payload jsonb,
  sent_by text,
  received_at timestamptz not null,
  -- set when a wait took it; an unconsumed signal satisfies the next wait for its name
  consumed_at timestamptz
);

create index signals_intent on signals (intent_id, seq);
create index signals_unconsumed on signals (intent_id, name, seq) where consumed_at is null;
