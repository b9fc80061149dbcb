-- RPC ingress: a caller's Idempotency-Key maps to one invocation per target for as long as it is kept.
alter table invocations add column idempotency_key text;
create unique index invocations_idempotency on invocations (service, handler, coalesce(object_key, ''), idempotency_key)
    where idempotency_key is not null;

alter table invocations add column result_content_type text;

-- Delayed sends wait as 'scheduled' until next_attempt_at.
create index invocations_scheduled on invocations (next_attempt_at) where status = 'scheduled';

-- Retention of completed invocations, per service (null: the global default).
alter table services add column retention_ms bigint;
create index invocations_completed on invocations (completed_at) where status = 'completed';
