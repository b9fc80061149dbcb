package dev.ferry.service;

import java.util.Map;

import dev.ferry.web.NotFound;

/** No service has the given name. */
public class ServiceNotFound extends NotFound {

    private ServiceNotFound(String name) {
        super("service-not-found", "Service not found",
                "No service is named '%s'. List services with GET /services, or register it with POST /services."
                        .formatted(name),
                Map.of("service", name));
    }

    public static ServiceNotFound of(String name) {
        return new ServiceNotFound(name);
    }
}
