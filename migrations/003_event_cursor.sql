-- Global event cursor (see src/store/stream.ts for why it is safe) and live progress.
--
-- intent_events.tx is the event's position in the namespace-wide stream: the
-- writing transaction's id, raised to at least the previous event of the same
-- intent, so that per-intent seq order and stream order never disagree.
-- intents.last_tx carries that floor under the intent's row lock.

alter table intents add column last_tx xid8 not null default pg_current_xact_id();
alter table intents add column progress jsonb;
alter table intent_events add column tx xid8 not null default pg_current_xact_id();

-- Any update that appends an event bumps last_seq under the row lock; raising
-- last_tx there (not in each statement) keeps every writer, present and future, right.
create function axme_raise_last_tx() returns trigger language plpgsql as $$
begin
  if new.last_seq is distinct from old.last_seq then
    new.last_tx := greatest(pg_current_xact_id(), old.last_tx);
  end if;
  return new;
end $$;

create trigger intents_raise_last_tx before update on intents
  for each row execute function axme_raise_last_tx();

create index intent_events_stream on intent_events (namespace, tx, id);
