-- A workflow's run handler runs once per key: the first invocation of a key holds workflow_key, later
-- ones complete at once as duplicates.
alter table invocations add column workflow_key text;
create unique index invocations_workflow_run on invocations (workflow_key) where workflow_key is not null;

-- Invocations of a subscription with a dead-letter topic remember where a failure goes, so the record
-- is published there once even if the subscription is deleted meanwhile.
alter table invocations add column dead_letter_cluster text;
alter table invocations add column dead_letter_topic text;
alter table invocations add column dead_lettered_at timestamptz;
create index invocations_dead_letters on invocations (completed_at)
    where dead_letter_topic is not null and completion = 'failure' and dead_lettered_at is null;
