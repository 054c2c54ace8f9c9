-- A step record updates its intent's last_seq and updated_at (and the trigger's last_tx).
-- intents_waiting_children indexed updated_at, so every such update had to add an entry
-- to each of the table's indexes (a non-HOT update): ~1.6 KB of WAL per step. Keyed by
-- id, which never changes, the sweep that reads it (parentsWithAllChildrenDone) is
-- served the same, and a step's update can be HOT: ~1.1 KB of WAL per step, no index
-- entries. Room on each page for the new row versions keeps HOT updates on the page.
drop index intents_waiting_children;
create index intents_waiting_children on intents (id) where waiting_for = 'CHILDREN';
alter table intents set (fillfactor = 80);
