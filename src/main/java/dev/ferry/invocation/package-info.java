/**
 * The invocation table: every request to run a handler, durable in PostgreSQL. It owns the statuses
 * and their transitions (enqueue, claim, complete, per-key promotion), the hot-path SQL (batched JDBC)
 * and the read side of the {@code /invocations} API.
 */
package dev.ferry.invocation;
