import type { Queryable } from '../db/types.ts';

export interface KnownIntentType {
  type: string;
  /** Intents of this type among the namespace's newest `window`. */
  recent: number;
  lastSubmittedAt: Date | null;
  /** The input of the newest intent of this type in the window, as an example. */
  exampleInput: unknown;
  paused: boolean;
  /** The type has its own retry policy (setIntentTypePolicy). */
  hasPolicy: boolean;
}

/**
 * The intent types a namespace uses: those among its newest `window` intents (read
 * through intents_list, so bounded however large the table), and those with a policy
 * or a pause. Axme keeps no registry of types or input schemas: types are names agents
 * agree on, so this is what the data shows.
 */
const KNOWN_TYPES = `
  with recent as (
    select id, type, input, created_at from intents where namespace = $1 order by created_at desc, id desc limit $2
  ), seen as (
    select type, count(*)::int as recent, max(created_at) as last_submitted_at from recent group by type
  ), latest as (
    select distinct on (type) type, input from recent order by type, created_at desc, id desc
  ), names as (
    select type from seen
    union select type from intent_type_policies where namespace = $1
    union select type from intent_type_pauses where namespace = $1
  )
  select n.type, coalesce(s.recent, 0) as recent, s.last_submitted_at, l.input as example_input,
         exists (select 1 from intent_type_pauses p where p.namespace = $1 and p.type = n.type) as paused,
         exists (select 1 from intent_type_policies p where p.namespace = $1 and p.type = n.type) as has_policy
  from names n left join seen s on s.type = n.type left join latest l on l.type = n.type
  order by n.type
  limit 500`;

export async function knownIntentTypes(q: Queryable, ns: string, window: number): Promise<KnownIntentType[]> {
  const { rows } = await q.query<Record<string, unknown>>(KNOWN_TYPES, [ns, window]);
  return rows.map((r) => ({
    type: r.type as string,
    recent: Number(r.recent),
    lastSubmittedAt: r.last_submitted_at ? new Date(r.last_submitted_at as string) : null,
    exampleInput: r.example_input ?? null,
    paused: r.paused === true,
    hasPolicy: r.has_policy === true,
  }));
}
