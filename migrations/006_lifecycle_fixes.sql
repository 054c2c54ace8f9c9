-- An APPROVAL wait names the approval it waits for in wait_name (as a SIGNAL wait names its
-- signal), so a decision on any other approval of the intent cannot wake it.
update intents i set wait_name = (
  select a.id::text from approvals a where a.intent_id = i.id and a.status = 'PENDING'
  order by a.created_at desc, a.id desc limit 1)
where i.status = 'WAITING' and i.waiting_for = 'APPROVAL' and i.wait_name is null;

-- A wait does not end the attempt: resume_next is set by every wake (WAITING -> PENDING) so the next
-- claim continues the attempt instead of counting a new one; claim_resumed says whether the latest
-- claim did (its CLAIMED event carries it). Intents already woken when this runs count as woken.
alter table intents add column resume_next boolean not null default false;
alter table intents add column claim_resumed boolean not null default false;
update intents i set resume_next = true
where i.status = 'PENDING' and exists (
  select 1 from intent_events e where e.intent_id = i.id and e.seq = i.last_seq and e.data ? 'wake');
