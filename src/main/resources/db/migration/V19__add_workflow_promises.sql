-- Durable promises of workflows (ctx.promise(name)), one row per promise of a workflow key: completed once, with
-- a value or a failure. A row without completed_at is a promise someone waits for before it is completed; its
-- waiters are rows of workflow_promise_waiters (the invocation and the completion id of its GetPromiseCommand).
-- Every command on a promise locks its row, so a completion and a new waiter never miss each other: the
-- completion moves every waiter's notification into invocation_completions in its own transaction.
-- A workflow's promises and state go when its run invocation is purged by retention.
create table workflow_promises (
    service       text        not null,
    workflow_key  text        not null,
    name          text        not null,
    value         bytea,
    failure_code  integer,
    failure       text,
    completed_at  timestamptz,
    primary key (service, workflow_key, name)
);

create table workflow_promise_waiters (
    service       text    not null,
    workflow_key  text    not null,
    name          text    not null,
    invocation_id text    not null references invocations (id) on delete cascade,
    completion_id integer not null,
    primary key (service, workflow_key, name, invocation_id, completion_id)
);
create index workflow_promise_waiters_invocation on workflow_promise_waiters (invocation_id);
