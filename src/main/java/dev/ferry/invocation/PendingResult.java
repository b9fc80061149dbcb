package dev.ferry.invocation;

import java.time.Instant;

/**
 * The output of a completed invocation that is still to be produced to its result topic.
 *
 * @param attemptedAt when a Kafka transaction holding it was last begun, or null: set, it may be on the topic already
 */
public record PendingResult(long seq, String invocationId, String cluster, String topic, byte[] key, byte[] value,
        String contentType, String subscriptionId, String sourceTopic, Integer sourcePartition, Long sourceOffset,
        Instant createdAt, Instant attemptedAt) {
}
