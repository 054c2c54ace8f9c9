-- LLM usage and cost per step (issue 19 part 1). A step may call several models: one row
-- per model call it reported, written once with the step record, never rewritten. The
-- intent's type is copied in so the rollups by type, model and day read one table.
create table step_usage (
  intent_id uuid not null,
  seq int not null,
  namespace text not null,
  type text not null,
  provider text,
  model text not null,
  input_tokens bigint not null,
  output_tokens bigint not null,
  cached_tokens bigint not null,
  -- null when the caller gave none and the price table has no price for the model
  cost_usd numeric(20, 9),
  recorded_at timestamptz not null,
  foreign key (intent_id, seq) references intent_steps (intent_id, seq) on delete cascade
);
create index step_usage_step on step_usage (intent_id, seq);
create index step_usage_rollup on step_usage (namespace, recorded_at);

-- A running total per intent, moved in the transaction that records the step, so a
-- budget check on a lease call (part 2) reads one row instead of summing the steps.
create table intent_usage (
  intent_id uuid primary key references intents (id) on delete cascade,
  namespace text not null,
  calls int not null default 0,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cached_tokens bigint not null default 0,
  cost_usd numeric(20, 9) not null default 0,
  -- calls whose cost is unknown (no price for the model): cost_usd leaves them out
  unpriced_calls int not null default 0
);
