/**
 * The running side of subscriptions: one Spring Kafka listener container per subscription, created at
 * runtime from its cluster's properties overlaid with its options. The reconciler makes the running set
 * match the desired state in PostgreSQL; the ingest listener turns each polled batch into invocations
 * in one transaction, off the consumer thread and in poll order, before the container commits the offsets.
 */
package dev.ferry.consumer;
