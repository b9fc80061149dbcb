/**
 * Results back to Kafka: the output of every successful invocation whose subscription names a
 * {@code result.topic} is produced to that topic once, keyed by the record's key, with {@code ferry.*} headers
 * naming where it came from. The invocation feature writes each result to an outbox in the transaction that
 * completes the invocation ({@link dev.ferry.invocation.ResultOutbox}); this package produces the outbox in
 * Kafka transactions and says which results are on their topic.
 */
package dev.ferry.results;
