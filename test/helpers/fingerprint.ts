import type { Db } from '../../src/db/types.ts';

/** A hash of every intent, event, step record, approval, signal, key, pause and type policy: equal before and after means nothing was written. */
export async function fingerprint(db: Db): Promise<string> {
  const { rows } = await db.query<{ f: string }>(`
    select coalesce((select md5(string_agg(i::text, ',' order by i.id)) from intents i), '') ||
           coalesce((select md5(string_agg(e::text, ',' order by e.id)) from intent_events e), '') ||
           coalesce((select md5(string_agg(st::text, ',' order by st.intent_id, st.seq)) from intent_steps st), '') ||
           coalesce((select md5(string_agg(a::text, ',' order by a.id)) from approvals a), '') ||
           coalesce((select md5(string_agg(s::text, ',' order by s.id)) from signals s), '') ||
           coalesce((select md5(string_agg(k::text, ',' order by k.id)) from api_keys k), '') ||
           coalesce((select md5(string_agg(p::text, ',' order by p.namespace, p.type)) from intent_type_pauses p), '') ||
           coalesce((select md5(string_agg(t::text, ',' order by t.namespace, t.type)) from intent_type_policies t), '') as f`);
  return rows[0]!.f;
}
