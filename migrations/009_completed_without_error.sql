-- A completed intent's headline shows no error: an earlier attempt's error stays in
-- its attempt and in the event log, and completeIntent(s) now clears the column.
-- Intents completed before this release still carry it.
update intents set error = null where status = 'COMPLETED' and error is not null;
