-- The status is indexed, so every change of an invocation's status is a new version of its row that enters every
-- index of the table: a record stored, started and completed adds three entries to each full index. The index on
-- the target (service, handler, object key) serves only the listings; it now holds completed invocations alone,
-- one entry per invocation. Unfinished invocations are found by target through invocations_active, which already
-- holds them (and them only), so a listing by target reads the two indexes (InvocationReader asks for both).
drop index invocations_target;
create index invocations_completed_target on invocations (service, handler, object_key) where status = 'completed';
