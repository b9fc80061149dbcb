-- The invocation table works as a queue: every row is inserted, updated a few times (claimed, leased,
-- completed) and deleted by retention. With PostgreSQL's defaults autovacuum waits for 20% of the table to be
-- dead, which on a table of millions of rows lets dead rows and index bloat pile up between runs and slows the
-- claim query. Vacuum and analyze after 2% (plus a floor of 1000 rows) instead, and leave room in each page so
-- that status updates stay HOT (heap-only, no index writes) where the indexed columns do not change.
alter table invocations set (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_analyze_threshold = 1000,
    fillfactor = 85
);
