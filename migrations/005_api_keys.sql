-- API keys: only a hash of each key is stored; the key itself is shown once.
create table api_keys (
  id uuid primary key,
  namespace text not null default 'default',
  name text not null,
  role text not null check (role in ('viewer', 'agent', 'approver', 'admin')),
  key_hash text not null unique,
  key_prefix text not null,
  created_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz
);

create index api_keys_namespace on api_keys (namespace, created_at desc);
