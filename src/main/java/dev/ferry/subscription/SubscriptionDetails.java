package dev.ferry.subscription;

import java.time.Instant;
import java.util.Map;

/** A subscription as the consumer feature sees it. */
public record SubscriptionDetails(String id, KafkaSource source, ServiceSink sink, Map<String, String> options,
        SubscriptionState state, Instant updatedAt) {

    /** The consumer group, {@code group.id} from the options (defaulted to the id at creation). */
    public String groupId() {
        return options.getOrDefault("group.id", id);
    }
}
