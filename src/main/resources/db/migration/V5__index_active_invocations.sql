-- The status gauges count only unfinished invocations, by target; this index keeps that cheap however
-- many completed invocations are kept.
create index invocations_active on invocations (service, handler, status) where status <> 'completed';
