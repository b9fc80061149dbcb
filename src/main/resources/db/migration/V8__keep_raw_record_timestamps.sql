-- A record timestamp outside what Ferry stores as kafka_timestamp (1970-01-01T00:00:00Z to
-- 9999-12-31T23:59:59.999Z; Kafka allows any 64-bit value) is kept here as Kafka's raw epoch milliseconds,
-- with kafka_timestamp null, so the handler still receives it as sent.
alter table invocations add column kafka_timestamp_millis bigint;
