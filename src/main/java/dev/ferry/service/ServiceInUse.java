package dev.ferry.service;

import java.util.List;
import java.util.Map;

import dev.ferry.web.Conflict;

/** A service cannot be deleted while subscriptions deliver to it. */
public class ServiceInUse extends Conflict {

    private ServiceInUse(String name, List<String> subscriptions) {
        super("service-in-use", "Service in use",
                "Service '%s' is the sink of %d subscription(s) (%s). Delete those subscriptions first."
                        .formatted(name, subscriptions.size(), String.join(", ", subscriptions)),
                Map.of("service", name, "subscriptions", subscriptions));
    }

    /** @param subscriptions the ids of the subscriptions whose sink the service is */
    public static ServiceInUse of(String name, List<String> subscriptions) {
        return new ServiceInUse(name, subscriptions);
    }
}
