/**
 * Runs invocations: claims runnable ones from the invocation table in batches, calls their handlers over
 * HTTP without a thread per call, classifies each outcome (success, retry with backoff, terminal failure)
 * and records the outcomes in batches. In-flight calls are bounded, so a slow handler never exhausts
 * memory: the backlog waits in PostgreSQL and Kafka.
 */
package dev.ferry.dispatch;
