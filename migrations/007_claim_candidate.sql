-- The intent a claim takes: the most urgent runnable one of the given types whose
-- concurrency key (if any) has a free slot, locked with SKIP LOCKED so concurrent
-- claimers never take the same row. A cursor reads candidates in claim order and
-- stops at the first that qualifies, so the key check (an advisory lock and a count,
-- axme_concurrency_slot_free) runs only on rows ahead of the one taken. As a filter
-- of the candidate query the planner may run it on every pending row first: with
-- thousands of keyed rows a claim held thousands of advisory locks, and failed with
-- "out of shared memory" at tens of thousands.
-- The claimable status is lifecycle.ts's TRANSITIONS.claim.from (PENDING); a single
-- type compares with `=` so the candidates come in order from intents_claim.
create function axme_claim_candidate(ns text, types text[], at timestamptz) returns uuid
language plpgsql volatile as $$
declare
  c refcursor;
  r record;
begin
  -- Two queries rather than one with an OR, so a single type keeps a plan that reads
  -- intents_claim in order even once plpgsql caches a generic plan. FETCH takes one
  -- row at a time (a FOR loop would fetch, and lock, ten).
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
    if r.concurrency_key is null or axme_concurrency_slot_free(ns, r.concurrency_key, r.concurrency_limit) then
      close c;
      return r.id;
    end if;
  end loop;
  close c;
  return null;
end $$;
