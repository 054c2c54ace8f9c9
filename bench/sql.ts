// SQL the benchmarks run against Axme's own tables: the plain-pg ceiling (the same
// rows Axme writes, with none of its layers) and bulk seeding with generate_series.
export const CEILING_SUBMIT = `
  with ins as (
    insert into intents (id, namespace, type, status, input, max_attempts, run_at, created_at, updated_at, last_seq)
    values ($1, 'default', $2, 'PENDING', $3::jsonb, 3, now(), now(), now(), 1) returning id
  ) insert into intent_events (namespace, intent_id, seq, kind, status, at)
    select 'default', id, 1, 'SUBMITTED', 'PENDING', now() from ins`;

export const CEILING_CLAIM = `
  with upd as (
    update intents set status = 'RUNNING', attempt = attempt + 1, lease_token = $2, lease_expires_at = now() + interval '5 min', last_seq = last_seq + 1, updated_at = now()
    where id = (select id from intents where namespace = 'default' and status = 'PENDING' and type = $1 and run_at <= now()
                order by priority desc, run_at, id limit 1 for update skip locked)
    returning id, last_seq
  ), ev as (insert into intent_events (namespace, intent_id, seq, kind, status, at) select 'default', id, last_seq, 'CLAIMED', 'RUNNING', now() from upd)
  select id from upd`;

export const CEILING_COMPLETE = `
  with upd as (
    update intents set status = 'COMPLETED', output = $3::jsonb, lease_token = null, lease_expires_at = null, finished_at = now(), last_seq = last_seq + 1, updated_at = now()
    where id = $1 and lease_token = $2 returning id, last_seq
  ) insert into intent_events (namespace, intent_id, seq, kind, status, at) select 'default', id, last_seq, 'COMPLETED', 'COMPLETED', now() from upd`;

/** A pg client or Axme's Db (PGlite too). */
type Q = { query(sql: string, params?: unknown[]): Promise<unknown> };

/** `n` PENDING intents of `type`, each with its SUBMITTED event, as a submit would leave them. */
export async function seedPending(c: Q, type: string, n: number): Promise<void> {
  await c.query(`insert into intents (id, namespace, type, status, input, max_attempts, run_at, created_at, updated_at, last_seq)
    select gen_random_uuid(), 'default', $1, 'PENDING', '{"n":1}', 3, now() - interval '1 min', now(), now(), 1 from generate_series(1, $2)`, [type, n]);
  await c.query(`insert into intent_events (namespace, intent_id, seq, kind, status, at)
    select namespace, id, 1, 'SUBMITTED', 'PENDING', created_at from intents where type = $1 and last_seq = 1
    on conflict do nothing`, [type]);
  await c.query('analyze intents');
  await c.query('analyze intent_events');
}

/**
 * `n` intents in a realistic mix, with the events each would have: half COMPLETED,
 * 5% FAILED, 5% CANCELLED, 30% PENDING (a third of them `claimType`, the rest spread
 * over other types), 5% RUNNING under a live lease, 5% WAITING for approval.
 */
export async function seedMixed(c: Q, n: number, claimType: string): Promise<void> {
  await c.query(`
    insert into intents (id, namespace, type, status, waiting_for, input, output, attempt, max_attempts,
                         lease_token, lease_agent, lease_expires_at, run_at, created_at, updated_at, finished_at, last_seq)
    select gen_random_uuid(), 'default',
      case when s.st = 'PENDING' and g % 3 = 0 then $2 else 'bench.other' || (g % 5) end,
      s.st, case when s.st = 'WAITING' then 'APPROVAL' end,
      jsonb_build_object('n', g, 'text', 'seeded intent'),
      case when s.st = 'COMPLETED' then '{"ok":true}'::jsonb end,
      case when s.st in ('PENDING') then 0 else 1 end, 3,
      case when s.st = 'RUNNING' then gen_random_uuid() end,
      case when s.st = 'RUNNING' then 'seed' end,
      case when s.st = 'RUNNING' then now() + interval '1 day' end,
      t.at, t.at, t.at,
      case when s.st in ('COMPLETED', 'FAILED', 'CANCELLED') then t.at end,
      case when s.st = 'PENDING' then 1 when s.st in ('RUNNING', 'WAITING', 'CANCELLED') then 2 else 3 end
    from generate_series(1, $1) g
    cross join lateral (select case
      when g % 20 < 10 then 'COMPLETED' when g % 20 = 10 then 'FAILED' when g % 20 = 11 then 'CANCELLED'
      when g % 20 < 18 then 'PENDING' when g % 20 = 18 then 'RUNNING' else 'WAITING' end as st) s
    cross join lateral (select now() - interval '1 hour' - make_interval(secs => g) as at) t`, [n, claimType]);
  await c.query(`
    insert into intent_events (namespace, intent_id, seq, kind, status, at)
    select i.namespace, i.id, k.seq, k.kind, k.status, i.created_at
    from intents i
    cross join lateral (values
      (1, 'SUBMITTED', 'PENDING'),
      (2, case i.status when 'CANCELLED' then 'CANCELLED' when 'WAITING' then 'WAITING' else 'CLAIMED' end,
          case when i.status in ('CANCELLED', 'WAITING') then i.status else 'RUNNING' end),
      (3, i.status, i.status)
    ) k(seq, kind, status)
    where k.seq <= i.last_seq`);
  await c.query('analyze intents');
  await c.query('analyze intent_events');
}
