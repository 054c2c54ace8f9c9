-- Forks (issue 19 part 3): a new intent made from another one's recorded steps. It
-- points back at the original and says where it forked: the step it runs again from
-- (forked_from_step, with that record's seq), both null for a fork that replays every
-- recorded step. An original deleted by retention leaves its forks standing.
alter table intents add column forked_from uuid references intents (id) on delete set null;
alter table intents add column forked_from_step text;
alter table intents add column forked_from_seq int;

create index intents_forked_from on intents (forked_from) where forked_from is not null;
