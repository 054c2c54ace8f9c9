-- Up to `lim` intents for one claim, for agents that lease work in batches: the same
-- candidates, order and SKIP LOCKED as axme_claim_candidate (007), read by one cursor.
-- A concurrency key's free slots are the RUNNING count plus the rows this call has
-- already picked under that key, so one batch never overfills a key; the advisory
-- lock is per key and re-entrant within the transaction, so a key costs one lock
-- however many of its rows are taken. A call locks at most 256 keys (the shared lock
-- table holds ~64 per connection): rows under further keys are passed over this time,
-- and rows without a key behind them are still taken. Single claims use it too (lim 1); 007's
-- axme_claim_candidate stays for instances of the previous release during a rolling
-- upgrade, and a later migration may drop it.
create function axme_claim_candidates(ns text, types text[], at timestamptz, lim int) returns uuid[]
language plpgsql volatile as $$
declare
  c refcursor;
  r record;
  picked uuid[] := '{}';
  per_key jsonb := '{}';
  keys int := 0;
  used int;
begin
  if lim < 1 then
    return picked;
  end if;
  if cardinality(types) = 1 then
    open c for
      select id, concurrency_key, concurrency_limit from intents
      where namespace = ns and status = 'PENDING' and type = types[1] and run_at <= at
        and (deadline is null or deadline > at)
        and not exists (select 1 from intent_type_pauses p where p.namespace = ns and p.type = intents.type)
      order by priority desc, run_at, id
      for update skip locked;
  else
    open c for
      select id, concurrency_key, concurrency_limit from intents
      where namespace = ns and status = 'PENDING' and type = any(types) and run_at <= at
        and (deadline is null or deadline > at)
        and not exists (select 1 from intent_type_pauses p where p.namespace = ns and p.type = intents.type)
      order by priority desc, run_at, id
      for update skip locked;
  end if;
  loop
    fetch c into r;
    exit when not found;
    if r.concurrency_key is null then
      picked := picked || r.id;
    elsif not (per_key ? r.concurrency_key) and keys >= 256 then
      null;
    elsif pg_try_advisory_xact_lock(hashtext('axme_concurrency'), hashtext(ns || '/' || r.concurrency_key)) then
      if not (per_key ? r.concurrency_key) then
        keys := keys + 1;
        per_key := per_key || jsonb_build_object(r.concurrency_key, 0);
      end if;
      used := (per_key ->> r.concurrency_key)::int;
      if used + (select count(*) from intents
                 where namespace = ns and concurrency_key = r.concurrency_key and status = 'RUNNING') < r.concurrency_limit then
        picked := picked || r.id;
        per_key := per_key || jsonb_build_object(r.concurrency_key, used + 1);
      end if;
    end if;
    exit when cardinality(picked) >= lim;
  end loop;
  close c;
  return picked;
end $$;
