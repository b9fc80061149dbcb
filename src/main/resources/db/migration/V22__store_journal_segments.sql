-- An append stores the entries it adds as one row, their frames back to back as they travel (each frame's header
-- says how long it is), instead of a row per entry: an attempt that runs a handler to its end in one exchange
-- writes one journal row. The rows are still only ever appended, fenced on invocations.journal_length.
--
-- There is no foreign key to invocations: every append's transaction has just updated its invocation's row under
-- the fence, and the statements that delete invocations (retention, purge) delete their journals with them.
create table journal_segments (
    invocation_id text        not null,
    first_index   integer     not null,
    entry_count   integer     not null,
    frames        bytea       not null,
    created_at    timestamptz not null,
    primary key (invocation_id, first_index)
);

insert into journal_segments (invocation_id, first_index, entry_count, frames, created_at)
select invocation_id, entry_index, 1, frame, created_at from journal_entries;

drop table journal_entries;
