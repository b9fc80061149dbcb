-- Restate SDK invocations that wait: timers, completions, calls between handlers and suspended invocations.
--
-- A suspended invocation (status 'suspended') waits for completions of its journal's commands (a sleep's timer,
-- a call's result, an awakeable). Each completion is a row of invocation_completions, due at due_at (a timer's
-- wake-up time; the moment it arrived for anything else): either the notification frame to append to the journal,
-- or a call's result (completion_id, and value or failure), from which the frame is made when it is appended.
-- Once a completion is due, the dispatcher makes its suspended invocation ready; the next attempt moves the due
-- completions into journal_entries, in seq order, in the transaction that grows the journal. next_attempt_at of
-- a suspended invocation is its earliest wake-up time, if it sleeps. A suspended exclusive invocation keeps its
-- object key.
create table invocation_completions (
    seq           bigint generated always as identity,
    invocation_id text        not null references invocations (id) on delete cascade,
    due_at        timestamptz not null,
    frame         bytea,
    completion_id integer,
    value         bytea,
    failure       text,
    created_at    timestamptz not null,
    primary key (invocation_id, seq),
    constraint invocation_completions_frame_or_result check (frame is not null or completion_id is not null)
);
create index invocation_completions_due on invocation_completions (due_at);

-- An invocation called by a handler that waits for its result: the caller and the completion id its result
-- completes. Its outcome is added to the caller's completions in the transaction that records it.
alter table invocations add column caller_id text;
alter table invocations add column caller_completion_id integer;

drop index invocations_key_active;
create index invocations_key_active on invocations (exclusive_key)
    where status in ('ready', 'running', 'backing-off', 'paused', 'suspended');
