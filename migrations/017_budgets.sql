-- Budgets the engine enforces (issue 19 part 2). An intent's budget_ids are the budgets
-- its usage counts against: its own (if it set one) first, then its ancestors' nearest
-- first, copied from the parent at submit, so a parent's budget covers the whole tree of
-- work it spawned without walking the tree on any call.
alter table intents add column budget_ids uuid[];

-- A budget set on an intent, and what its tree has spent, moved in the transaction that
-- records the usage; a lease call reads this row, never a sum.
create table intent_budgets (
  intent_id uuid primary key references intents (id) on delete cascade,
  namespace text not null,
  max_usd numeric(20, 9),
  max_tokens bigint,
  on_exceeded text not null default 'FAIL' check (on_exceeded in ('FAIL', 'WAIT')),
  spent_usd numeric(20, 9) not null default 0,
  spent_tokens bigint not null default 0
);

-- Operator limits per type per UTC day; type '' is the whole namespace's.
create table day_budgets (
  namespace text not null,
  type text not null,
  max_usd numeric(20, 9),
  max_tokens bigint,
  on_exceeded text not null default 'FAIL' check (on_exceeded in ('FAIL', 'WAIT')),
  updated_at timestamptz not null,
  primary key (namespace, type)
);

-- Running counters per (namespace, type, UTC day), type '' the namespace's total, moved
-- with the usage rows; the day budgets compare against one of these rows.
create table day_usage (
  namespace text not null,
  type text not null,
  day date not null,
  cost_usd numeric(20, 9) not null default 0,
  tokens bigint not null default 0,
  primary key (namespace, type, day)
);
