package dev.ferry.subscription;

import java.util.Map;

import dev.ferry.web.NotFound;

/** No subscription has the given id. */
public class SubscriptionNotFound extends NotFound {

    private SubscriptionNotFound(String id) {
        super("subscription-not-found", "Subscription not found",
                "No subscription has id '%s'. List subscriptions with GET /subscriptions.".formatted(id),
                Map.of("subscription_id", id));
    }

    public static SubscriptionNotFound of(String id) {
        return new SubscriptionNotFound(id);
    }
}
