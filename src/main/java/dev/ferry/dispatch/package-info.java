/**
 * Runs invocations: every call starts from a {@link dev.ferry.dispatch.Reservation} of call slots (for
 * records stored already running, for claimed invocations and for successors of finished ones), goes to
 * its handler through a {@link dev.ferry.dispatch.HandlerProtocol} without a thread per call, and ends
 * with an outcome decided by the retry policy (success, retry with jittered backoff, terminal failure),
 * written in batches. In-flight calls are bounded, so a slow handler never exhausts memory: the backlog
 * waits in PostgreSQL and Kafka.
 */
package dev.ferry.dispatch;
