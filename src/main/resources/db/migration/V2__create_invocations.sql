-- One row per request to run a handler, from a Kafka record or an RPC call.
--
-- Status life cycle:
--   pending     an exclusive invocation queued behind an earlier one of the same object key
--   scheduled   a delayed send, not yet due
--   ready       may run now (next_attempt_at)
--   running     claimed by the instance lease_owner until lease_until
--   backing-off failed, will retry at next_attempt_at
--   paused      waits for an operator
--   completed   finished; completion says success or failure, failure_reason why
--
-- For exclusive targets at most one invocation per exclusive_key is ready, running, backing-off or
-- paused at a time; the others wait as pending in seq order.

create table invocations (
    seq              bigint generated always as identity,
    id               text primary key,
    service          text        not null,
    handler          text        not null,
    object_key       text,
    exclusive_key    text,
    status           text        not null,
    completion       text,
    failure_reason   text,
    input            bytea,
    headers          text,
    subscription_id  text,
    topic            text,
    kafka_partition  integer,
    kafka_offset     bigint,
    kafka_timestamp  timestamptz,
    kafka_key        bytea,
    attempts         integer     not null default 0,
    next_attempt_at  timestamptz,
    last_failure     text,
    result           bytea,
    lease_owner      text,
    lease_until      timestamptz,
    created_at       timestamptz not null,
    modified_at      timestamptz not null,
    first_running_at timestamptz,
    completed_at     timestamptz,
    constraint invocations_one_per_record unique (subscription_id, topic, kafka_partition, kafka_offset)
);

create index invocations_runnable on invocations (next_attempt_at) where status in ('ready', 'backing-off');
create index invocations_leased on invocations (lease_until) where status = 'running';
create index invocations_key_queue on invocations (exclusive_key, seq) where status = 'pending';
create index invocations_key_active on invocations (exclusive_key)
    where status in ('ready', 'running', 'backing-off', 'paused');
create index invocations_created on invocations (created_at);
create index invocations_target on invocations (service, handler, object_key);
