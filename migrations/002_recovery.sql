-- Recovery and scheduling: retry policies, time limits, concurrency keys, pauses,
-- and the indexes the sweeper's due-work queries use.

alter table intents
  -- the intent's own retry settings (only the fields it set); the rest come from
  -- intent_type_policies, then from the server's AXME_RETRY_* defaults, at failure time
  add column retry_policy jsonb,
  add column deadline timestamptz,
  add column attempt_timeout_seconds int check (attempt_timeout_seconds > 0),
  -- set at claim: the lease (and every heartbeat) is capped here, so a timed-out
  -- attempt is an expired lease
  add column attempt_expires_at timestamptz,
  add column concurrency_key text,
  add column concurrency_limit int check (concurrency_limit > 0),
  add check ((concurrency_key is null) = (concurrency_limit is null));

-- the sweeper's scans: leases due, deadlines due, finished rows past retention
create index intents_lease_due on intents (lease_expires_at) where status = 'RUNNING';
create index intents_deadline_due on intents (deadline)
  where deadline is not null and status in ('PENDING', 'RUNNING', 'WAITING');
create index intents_finished on intents (finished_at) where finished_at is not null;
-- counting RUNNING intents per concurrency key at claim time
create index intents_concurrency on intents (namespace, concurrency_key) where status = 'RUNNING' and concurrency_key is not null;

create table intent_type_policies (
  namespace text not null,
  type text not null,
  max_attempts int check (max_attempts between 1 and 100),
  retry_policy jsonb,
  updated_at timestamptz not null,
  primary key (namespace, type)
);

create table intent_type_pauses (
  namespace text not null,
  type text not null,
  reason text,
  paused_by text,
  paused_at timestamptz not null,
  primary key (namespace, type)
);

-- Whether one more intent of a concurrency key may start. Claims call it inside
-- their (single) statement, only for rows that have a key. The advisory lock
-- serializes claimers of the same key until their transaction commits, and being
-- VOLATILE plpgsql the count runs on a fresh snapshot taken after the lock, so it
-- sees every committed claim of the key; an uncommitted one still holds the lock.
-- try-lock, not lock: a claimer that meets a busy key skips it as SKIP LOCKED skips
-- a busy row, so claimers never queue on each other or deadlock across keys.
create function axme_concurrency_slot_free(ns text, key text, lim int) returns boolean
language plpgsql volatile as $$
begin
  if not pg_try_advisory_xact_lock(hashtext('axme_concurrency'), hashtext(ns || '/' || key)) then
    return false;
  end if;
  return (select count(*) from intents
          where namespace = ns and concurrency_key = key and status = 'RUNNING') < lim;
end
$$;
