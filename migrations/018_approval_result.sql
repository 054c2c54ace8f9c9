-- What the engine did with a human's decision on one of its own approvals (type axme.*):
-- for a failure escalation, the fork it made ({"forkedTo": id}) or the attempts a retry
-- gave. The decision's data stays as the human sent it, so a repeated resolve still
-- compares equal and answers the stored approval.
alter table approvals add column result jsonb;
