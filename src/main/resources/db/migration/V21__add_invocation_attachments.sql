-- Handlers that attach to another invocation (ctx.attach): each waits for the target's outcome under a completion
-- id of its own journal. Any number may wait for one target, besides the one caller of invocations.caller_id. The
-- rows leave in the transaction that records the target's outcome, which adds it to each waiter's completions.
create table invocation_attachments (
    target_id     text        not null references invocations (id) on delete cascade,
    waiter_id     text        not null references invocations (id) on delete cascade,
    completion_id integer     not null,
    created_at    timestamptz not null,
    primary key (target_id, waiter_id, completion_id)
);
create index invocation_attachments_waiter on invocation_attachments (waiter_id);

-- The message type of a result completion (completion_id with value or failure): null for a call's result
-- (CallCompletionNotification), 32786 (0x8012) for an attach's (AttachInvocationCompletionNotification).
alter table invocation_completions add column notification_type integer;
