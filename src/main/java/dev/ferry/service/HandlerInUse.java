package dev.ferry.service;

import java.util.List;
import java.util.Map;

import dev.ferry.web.Conflict;

/** A handler cannot be removed from a service while subscriptions deliver to it. */
final class HandlerInUse extends Conflict {

    private HandlerInUse(String service, List<String> handlers, List<String> subscriptions) {
        super("handler-in-use", "Handler in use",
                ("Handler(s) %s of service '%s' are the sink of subscription(s) %s, so they cannot be removed. Delete"
                        + " those subscriptions first, or keep the handlers.")
                        .formatted(handlers, service, String.join(", ", subscriptions)),
                Map.of("service", service, "handlers", handlers, "subscriptions", subscriptions));
    }

    static HandlerInUse of(String service, List<String> handlers, List<String> subscriptions) {
        return new HandlerInUse(service, handlers, subscriptions);
    }
}
