-- A plain HTTP service's result destination: the outputs of invocations started through the RPC ingress
-- (/call, /send) that succeed are produced to this topic of this registered cluster. Null: none.
alter table services add column result_cluster text;
alter table services add column result_topic text;
