package dev.ferry.subscription;

import java.time.Instant;

/** A subscription as the consumer feature sees it, with its options read. */
public record SubscriptionDetails(String id, KafkaSource source, ServiceSink sink, SubscriptionOptions options,
        SubscriptionState state, Instant updatedAt) {

    /** The consumer group, {@code group.id} from the options (defaulted to the id at creation). */
    public String groupId() {
        return options.groupId();
    }
}
