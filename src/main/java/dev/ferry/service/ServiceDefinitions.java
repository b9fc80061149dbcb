package dev.ferry.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.ferry.service.ServiceDescriptors.HandlerDescriptor;
import dev.ferry.service.ServiceDescriptors.RetryPolicyDescriptor;
import dev.ferry.web.InvalidRequest;
import dev.ferry.web.RequestDurations;

/** Checks what a user sends to define a plain HTTP service, and turns it into what is stored. */
final class ServiceDefinitions {

    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    private ServiceDefinitions() {
    }

    /** The handlers of a service of the given type, checked: at least one, no name twice, one workflow run. */
    static List<Handler> handlers(ServiceType type, List<HandlerDescriptor> descriptors) {
        if (descriptors == null || descriptors.isEmpty()) {
            throw InvalidRequest.of("handlers", "Field 'handlers' must list at least one handler, e.g."
                    + " [{\"name\":\"process\"}].");
        }
        List<Handler> handlers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (HandlerDescriptor descriptor : descriptors) {
            handlers.add(handler(type, descriptor));
            if (!seen.add(descriptor.name())) {
                throw InvalidRequest.of("handlers", "Handler '%s' is listed twice.".formatted(descriptor.name()));
            }
        }
        checkWorkflowRun(handlers);
        return handlers;
    }

    static void checkWorkflowRun(List<Handler> handlers) {
        if (handlers.stream().filter(handler -> handler.type() == HandlerType.WORKFLOW).count() > 1) {
            throw InvalidRequest.of("handlers",
                    "A workflow has exactly one handler of type WORKFLOW (its run handler).");
        }
    }

    static Handler handler(ServiceType serviceType, HandlerDescriptor descriptor) {
        if (descriptor == null || descriptor.name() == null || !NAME.matcher(descriptor.name()).matches()) {
            throw InvalidRequest.of("handlers", "Handler name '%s' is not valid: start with a letter or '_', then use"
                    .formatted(descriptor == null ? null : descriptor.name()) + " letters, digits, '_', '-' or '.'.");
        }
        HandlerType type = descriptor.type();
        if (type == null) {
            type = switch (serviceType) {
                case SERVICE -> null;
                case VIRTUAL_OBJECT -> HandlerType.EXCLUSIVE;
                case WORKFLOW -> HandlerType.SHARED;
            };
        }
        boolean allowed = switch (serviceType) {
            case SERVICE -> type == null || type == HandlerType.SHARED;
            case VIRTUAL_OBJECT -> type == HandlerType.EXCLUSIVE || type == HandlerType.SHARED;
            case WORKFLOW -> type == HandlerType.WORKFLOW || type == HandlerType.SHARED;
        };
        if (!allowed) {
            throw InvalidRequest.of("handlers", "Handler '%s' cannot be of type %s in a %s: %s."
                    .formatted(descriptor.name(), type, serviceType, switch (serviceType) {
                        case SERVICE -> "service handlers take no type";
                        case VIRTUAL_OBJECT -> "use EXCLUSIVE or SHARED";
                        case WORKFLOW -> "use WORKFLOW (the run handler) or SHARED";
                    }));
        }
        InputFormat input;
        try {
            input = descriptor.input() == null ? InputFormat.JSON
                    : InputFormat.valueOf(descriptor.input().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw InvalidRequest.of("handlers", "Handler '%s' has input '%s': use \"json\" or \"raw\"."
                    .formatted(descriptor.name(), descriptor.input()));
        }
        return new Handler(descriptor.name(), type, input,
                RequestDurations.positive("handlers.timeout", descriptor.timeout(), RequestDurations.MAX_WAIT),
                retry("handlers.retry_policy", descriptor.retryPolicy()))
                .withState(state("handlers.state", descriptor.state(), serviceType));
    }

    /** A declared {@code state}: null, or {@code envelope} on a virtual object. */
    static String state(String field, String state, ServiceType type) {
        if (state == null) {
            return null;
        }
        if (!Handler.ENVELOPE.equals(state)) {
            throw InvalidRequest.of(field, "State '%s' is not known: use \"envelope\" (or leave it out for the plain"
                    .formatted(state) + " body without object state).");
        }
        if (type != ServiceType.VIRTUAL_OBJECT) {
            throw InvalidRequest.of(field, "Only a VIRTUAL_OBJECT keeps object state; a %s cannot declare"
                    .formatted(type) + " \"state\": \"envelope\".");
        }
        return state;
    }

    static String validEndpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw InvalidRequest.of("endpoint", "Field 'endpoint' is required: the base URL of the service,"
                    + " e.g. \"http://127.0.0.1:9080\".");
        }
        try {
            URI uri = new URI(endpoint);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw InvalidRequest.of("endpoint",
                        "Endpoint '%s' must be an absolute http:// or https:// URL with a host."
                        .formatted(endpoint));
            }
            if (uri.getRawUserInfo() != null) {
                // the endpoint is not echoed: it holds a password
                throw InvalidRequest.of("endpoint", "The endpoint must not carry credentials (user:password@);"
                        + " give the plain http(s) URL of the service.");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw InvalidRequest.of("endpoint", "Endpoint '%s' must not carry a query or a fragment."
                        .formatted(endpoint));
            }
        } catch (URISyntaxException e) {
            throw InvalidRequest.of("endpoint",
                    "Endpoint '%s' is not a valid URL: %s.".formatted(endpoint, e.getReason()));
        }
        return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }

    static RetrySettings retry(String field, RetryPolicyDescriptor descriptor) {
        if (descriptor == null) {
            return RetrySettings.inherit();
        }
        if (descriptor.factor() != null && descriptor.factor() < 1.0) {
            throw InvalidRequest.of(field,
                    "Retry factor %s is below 1; use 1 for a constant interval or more to back off."
                    .formatted(descriptor.factor()));
        }
        if (descriptor.maxAttempts() != null && descriptor.maxAttempts() < 0) {
            throw InvalidRequest.of(field, "max_attempts must be 0 (unlimited) or more.");
        }
        RetrySettings.OnMaxAttempts onMax = null;
        if (descriptor.onMaxAttempts() != null) {
            try {
                onMax = RetrySettings.OnMaxAttempts.valueOf(descriptor.onMaxAttempts().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw InvalidRequest.of(field, "on_max_attempts '%s' is not known: use \"pause\" or \"kill\"."
                        .formatted(descriptor.onMaxAttempts()));
            }
        }
        return new RetrySettings(RequestDurations.positive(field + ".initial_interval",
                descriptor.initialInterval(), RequestDurations.MAX_WAIT),
                descriptor.factor(), RequestDurations.positive(field + ".max_interval",
                descriptor.maxInterval(), RequestDurations.MAX_WAIT),
                descriptor.maxAttempts(), onMax);
    }
}
