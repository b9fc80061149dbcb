package dev.ferry.subscription;

import java.time.Instant;
import java.util.Map;

/** A subscription on the wire, shaped like Restate's admin API with Ferry's state added. */
public record SubscriptionView(String id, String source, String sink, Map<String, String> options,
        SubscriptionState state, Instant createdAt) {

    static SubscriptionView of(Subscription subscription) {
        return new SubscriptionView(subscription.id(), subscription.source().toString(),
                subscription.sink().toString(), subscription.options(), subscription.state(),
                subscription.createdAt());
    }
}
