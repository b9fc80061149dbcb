-- Plain HTTP handlers of virtual objects that keep object state: state = 'envelope' on the service (every
-- handler) or on one handler. Ferry then sends the input, the key and the object's state in one JSON envelope
-- and applies the state changes of the answer with the outcome. Null: the plain body, no state.
alter table services add column state text;
alter table service_handlers add column state text;

-- Invocations of a subscription with a result topic remember where their output goes, as dead letters do.
alter table invocations add column result_cluster text;
alter table invocations add column result_topic text;

-- The results still to produce: one row per completed invocation, written in the transaction that completes it
-- and deleted once the broker committed the Kafka transaction that holds it. seq is the order of production:
-- the next invocation of an exclusive key completes only after the previous one committed, so the results of one
-- key come in record order. attempted_at is set (in a transaction of its own) before the Kafka transaction
-- commits: a row with it set may already be on the topic, and is looked for there before it is produced again.
create table result_outbox (
    seq              bigint generated always as identity primary key,
    invocation_id    text        not null unique,
    cluster          text        not null,
    topic            text        not null,
    kafka_key        bytea,
    value            bytea,
    content_type     text,
    subscription_id  text,
    source_topic     text,
    source_partition integer,
    source_offset    bigint,
    created_at       timestamptz not null,
    attempted_at     timestamptz
);
