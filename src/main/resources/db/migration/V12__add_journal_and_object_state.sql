-- Restate SDK services: each invocation's journal and each virtual object's state.
--
-- journal_entries holds an invocation's commands and notifications in order, each as the protocol frame it
-- travels as (8-byte header, protobuf body), so that every attempt replays exactly what was stored. Entries are
-- only ever appended, fenced on invocations.journal_length; they go when their invocation goes (retention).
create table journal_entries (
    invocation_id text        not null references invocations (id) on delete cascade,
    entry_index   integer     not null,
    entry_type    integer     not null,
    name          text        not null default '',
    frame         bytea       not null,
    created_at    timestamptz not null,
    primary key (invocation_id, entry_index)
);

-- One row per state key of a virtual object (or workflow): service, object key, state key, value.
create table object_state (
    service     text        not null,
    object_key  text        not null,
    state_key   text        not null,
    value       bytea       not null,
    modified_at timestamptz not null,
    primary key (service, object_key, state_key)
);

-- journal_length: entries stored, the fence of every append. The SDK applies ctx.run retry policies from the
-- failed attempts and the time since the journal last grew.
alter table invocations add column journal_length integer not null default 0;
alter table invocations add column retries_since_last_entry integer not null default 0;
alter table invocations add column last_entry_at timestamptz;
