-- The status is indexed, so every change of an invocation's status is a new version of its row that enters every
-- index of the table: a record stored, started and completed adds three entries to each full index. The index on
-- the target (service, handler, object key) serves only the listings; it now holds completed invocations alone,
-- one entry per invocation. Unfinished invocations are found by target through invocations_active, which already
-- holds them (and them only), so a listing by target reads the two indexes (InvocationReader asks for both).
-- Building the index holds writes to the table until it is built; on a large table an operator may build it
-- beforehand with CREATE INDEX CONCURRENTLY under the same name (docs/operations.md, "Upgrades").
create index if not exists invocations_completed_target on invocations (service, handler, object_key)
    where status = 'completed';
drop index if exists invocations_target;
