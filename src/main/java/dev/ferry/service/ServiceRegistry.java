package dev.ferry.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.ferry.service.ServiceDescriptors.HandlerDescriptor;
import dev.ferry.service.ServiceDescriptors.RegisterServiceRequest;
import dev.ferry.service.ServiceDescriptors.RetryPolicyDescriptor;
import dev.ferry.service.ServiceDescriptors.ServiceView;
import dev.ferry.web.InvalidRequest;
import dev.ferry.web.RequestDurations;

/**
 * Registers services and resolves handler targets. Targets are cached briefly, because every
 * ingested record and every dispatched call looks one up; a change on this instance evicts at once,
 * a change made through another instance is seen within {@link #CACHE_TTL}.
 */
@Service
public class ServiceRegistry {

    private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
    static final Duration CACHE_TTL = Duration.ofSeconds(5);
    private static final int MAX_CACHED = 10_000;

    private final RegisteredServiceRepository repository;
    private final ServiceUsage usage;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ServiceRegistry(RegisteredServiceRepository repository, ServiceUsage usage, ApplicationEventPublisher events,
            Clock clock) {
        this.repository = repository;
        this.usage = usage;
        this.events = events;
        this.clock = clock;
    }

    private record Cached(Optional<HandlerTarget> target, Instant loadedAt) {
    }

    @Transactional
    public ServiceView register(RegisterServiceRequest request) {
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidRequest.of("name", "Service name '%s' is not valid: start with a letter or '_', then use"
                    .formatted(name) + " letters, digits, '_', '-' or '.'.");
        }
        if (request.type() == null) {
            throw InvalidRequest.of("type", "Field 'type' is required: SERVICE, VIRTUAL_OBJECT or WORKFLOW.");
        }
        String endpoint = validEndpoint(request.endpoint());
        List<HandlerDescriptor> descriptors = request.handlers() == null ? List.of() : request.handlers();
        if (descriptors.isEmpty()) {
            throw InvalidRequest.of("handlers", "Field 'handlers' must list at least one handler, e.g."
                    + " [{\"name\":\"process\"}].");
        }
        List<Handler> handlers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (HandlerDescriptor descriptor : descriptors) {
            handlers.add(handler(request.type(), descriptor).withState(state("handlers.state", descriptor.state(),
                    request.type())));
            if (!seen.add(descriptor.name())) {
                throw InvalidRequest.of("handlers", "Handler '%s' is listed twice.".formatted(descriptor.name()));
            }
        }
        if (handlers.stream().filter(handler -> handler.type() == HandlerType.WORKFLOW).count() > 1) {
            throw InvalidRequest.of("handlers",
                    "A workflow has exactly one handler of type WORKFLOW (its run handler).");
        }
        if (repository.existsById(name)) {
            throw ServiceExists.of(name);
        }
        RegisteredService service = repository.save(new RegisteredService(name, request.type(), endpoint,
                RequestDurations.positive("timeout", request.timeout(), RequestDurations.MAX_WAIT),
                retry("retry_policy", request.retryPolicy()), handlers,
                RequestDurations.positive("retention", request.retention(), RequestDurations.MAX_RETENTION),
                clock.instant()).withState(state("state", request.state(), request.type())));
        evict(name);
        events.publishEvent(new ServiceChanged(name));
        log.info("Service {} ({}) registered at {} with {} handler(s)", name, request.type(), endpoint,
                handlers.size());
        return ServiceView.of(service);
    }

    @Transactional(readOnly = true)
    public List<ServiceView> list() {
        return repository.findAllByOrderByNameAsc().stream().map(ServiceView::of).toList();
    }

    @Transactional(readOnly = true)
    public ServiceView get(String name) {
        return repository.findById(name).map(ServiceView::of).orElseThrow(() -> ServiceNotFound.of(name));
    }

    @Transactional
    public void delete(String name) {
        RegisteredService service = repository.findById(name).orElseThrow(() -> ServiceNotFound.of(name));
        if (service.protocol() == ServiceProtocol.RESTATE) {
            throw RestateServiceConflict.ofDeployment(name, service.deploymentId());
        }
        List<String> subscriptions = usage.subscriptionsOf(name);
        if (!subscriptions.isEmpty()) {
            throw ServiceInUse.of(name, subscriptions);
        }
        repository.deleteById(name);
        evict(name);
        events.publishEvent(new ServiceChanged(name));
        log.info("Service {} deleted", name);
    }

    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return NAME.matcher(name).matches() && repository.existsById(name);
    }

    /** Services that keep completed invocations for their own retention period, by name. */
    @Transactional(readOnly = true)
    public Map<String, Duration> retentions() {
        Map<String, Duration> retentions = new LinkedHashMap<>();
        for (RegisteredService service : repository.findAll()) {
            if (service.retention() != null) {
                retentions.put(service.name(), service.retention());
            }
        }
        return retentions;
    }

    /** The handler to call, if the service and handler exist. */
    public Optional<HandlerTarget> findTarget(String service, String handler) {
        if (!NAME.matcher(service).matches() || !NAME.matcher(handler).matches()) {
            // no registered service or handler has such a name; nothing to look up, nothing to cache
            return Optional.empty();
        }
        String cacheKey = service + '/' + handler;
        Instant now = clock.instant();
        Cached cached = cache.get(cacheKey);
        if (cached == null || cached.loadedAt().plus(CACHE_TTL).isBefore(now)) {
            cached = new Cached(repository.findById(service).flatMap(found -> target(found, handler)), now);
            if (cache.size() >= MAX_CACHED) {
                // calls of made-up names must not grow the cache without bound
                cache.clear();
            }
            cache.put(cacheKey, cached);
        }
        return cached.target();
    }

    @EventListener
    void on(ServiceChanged event) {
        evict(event.name());
    }

    private void evict(String service) {
        cache.keySet().removeIf(key -> key.startsWith(service + '/'));
    }

    private static Optional<HandlerTarget> target(RegisteredService service, String handlerName) {
        return service.handler(handlerName).map(handler -> new HandlerTarget(service.name(), handler.name(),
                service.type(), handler.type(), URI.create(service.endpoint()), handler.input(),
                handler.timeout() != null ? handler.timeout() : service.timeout(),
                handler.retry().orElse(service.retry()), service.protocol(), service.restateTarget(handler),
                service.envelope(handler)));
    }

    private static Handler handler(ServiceType serviceType, HandlerDescriptor descriptor) {
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
                retry("handlers.retry_policy", descriptor.retryPolicy()));
    }

    /** A declared {@code state}: null, or {@code envelope} on a virtual object. */
    private static String state(String field, String state, ServiceType type) {
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

    private static String validEndpoint(String endpoint) {
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

    private static RetrySettings retry(String field, RetryPolicyDescriptor descriptor) {
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
