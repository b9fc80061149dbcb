/**
 * Dead-letter publishing: the record of every failed invocation whose subscription names a
 * {@code dead-letter.topic} is produced to that topic on the subscription's cluster, with {@code ferry.*}
 * headers naming the failure and where the record came from. The invocation feature keeps which records still
 * owe a dead letter ({@link dev.ferry.invocation.FailedRecords}); this package produces them and says which the
 * broker acknowledged.
 */
package dev.ferry.deadletter;
