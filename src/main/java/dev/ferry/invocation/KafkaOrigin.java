package dev.ferry.invocation;

import java.time.Instant;

/** The record an invocation came from. {@code key} is the raw record key, possibly null. */
public record KafkaOrigin(String subscriptionId, String topic, int partition, long offset, Instant timestamp,
        byte[] key) {
}
