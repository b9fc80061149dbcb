/**
 * Calling handlers directly over HTTP: {@code /call/...} runs a handler as an invocation and answers with
 * its result, {@code /send/...} enqueues one and answers at once. Such invocations share the table,
 * retries and per-key exclusivity of those made from Kafka records.
 */
package dev.ferry.ingress;
