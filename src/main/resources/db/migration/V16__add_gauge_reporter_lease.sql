-- Database-wide gauges (ferry_invocations, the oldest ready invocation's age) are exported by one instance
-- at a time, so that sum() across replicas counts each invocation once. The instance holding this lease
-- reports them; it renews the lease on every refresh, and another takes it over once it expires.
create table gauge_reporter_lease (
    name        text        primary key,
    owner       text        not null,
    lease_until timestamptz not null
);
