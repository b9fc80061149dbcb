package dev.ferry.invocation;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An invocation on the wire. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvocationView(String id, String target, String service, String handler, String key, String status,
        String completion, String failureReason, int attempts, Instant nextAttemptAt, String lastFailure,
        Origin origin, Instant createdAt, Instant modifiedAt, Instant firstRunningAt, Instant completedAt) {

    /** Where the invocation came from: a Kafka record, or an RPC call when {@code subscription_id} is absent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Origin(String type, String subscriptionId, String topic, Integer partition, Long offset,
            Instant timestamp) {
    }
}
