package dev.ferry.service;

import java.util.Map;

import dev.ferry.web.Conflict;

/** A service of the given name is already registered. */
public class ServiceExists extends Conflict {

    private ServiceExists(String name) {
        super("service-exists", "Service already exists",
                "A service named '%s' is already registered. Delete it first with DELETE /services/%s."
                        .formatted(name, name),
                Map.of("service", name));
    }

    public static ServiceExists of(String name) {
        return new ServiceExists(name);
    }
}
