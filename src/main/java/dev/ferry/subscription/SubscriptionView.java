package dev.ferry.subscription;

import java.time.Instant;
import java.util.Map;

/**
 * A subscription on the wire, shaped like Restate's admin API with Ferry's state added: the desired
 * {@code state} and what its {@code consumer} on the answering instance is doing.
 */
public record SubscriptionView(String id, String source, String sink, Map<String, String> options,
        SubscriptionState state, Instant createdAt, ConsumerStatus consumer) {

    static SubscriptionView of(Subscription subscription) {
        return new SubscriptionView(subscription.id(), subscription.source().toString(),
                subscription.sink().toString(), subscription.options(), subscription.state(),
                subscription.createdAt(), null);
    }

    SubscriptionView withConsumer(ConsumerStatus status) {
        return new SubscriptionView(id, source, sink, options, state, createdAt, status);
    }
}
