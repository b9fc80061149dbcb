-- Invocation ids carry their creation time, so time filters use the primary key. Every version of a row
-- paid for this index on the hot path; it served nothing the primary key cannot.
drop index invocations_created;
