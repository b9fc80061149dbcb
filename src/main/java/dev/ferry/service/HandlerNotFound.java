package dev.ferry.service;

import java.util.Map;

import dev.ferry.web.NotFound;

/** A registered service has no handler of the given name. */
public class HandlerNotFound extends NotFound {

    private HandlerNotFound(String service, String handler) {
        super("handler-not-found", "Handler not found",
                "Service '%s' has no handler '%s'.".formatted(service, handler),
                Map.of("service", service, "handler", handler));
    }

    public static HandlerNotFound of(String service, String handler) {
        return new HandlerNotFound(service, handler);
    }
}
