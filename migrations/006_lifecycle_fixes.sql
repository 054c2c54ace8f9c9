-- An APPROVAL wait names the approval it waits for in wait_name (as a SIGNAL wait names its
-- signal), so a decision on any other approval of the intent cannot wake it.
update intents i set wait_name = (
  select a.id::text from approvals a where a.intent_id = i.id and a.status = 'PENDING'
  order by a.created_at desc, a.id desc limit 1)
where i.status = 'WAITING' and i.waiting_for = 'APPROVAL' and i.wait_name is null;
