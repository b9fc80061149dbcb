package dev.ferry.service;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.ferry.cluster.ClusterResultTopics;
import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.service.ServiceDescriptors.HandlerDescriptor;
import dev.ferry.service.ServiceDescriptors.RegisterServiceRequest;
import dev.ferry.service.ServiceDescriptors.ServiceView;
import dev.ferry.service.ServiceDescriptors.UpdateServiceRequest;
import dev.ferry.web.EntityTags;
import dev.ferry.web.InvalidRequest;
import dev.ferry.web.RequestDurations;
import dev.ferry.web.Versioned;

/**
 * Registers services and resolves handler targets. Targets are cached briefly, because every
 * ingested record and every dispatched call looks one up; a change on this instance evicts at once,
 * a change made through another instance is seen within {@link #CACHE_TTL}.
 */
@Service
public class ServiceRegistry implements ClusterResultTopics {

    private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);
    private static final Pattern NAME = ServiceDefinitions.NAME;
    static final Duration CACHE_TTL = Duration.ofSeconds(5);
    private static final int MAX_CACHED = 10_000;

    private final RegisteredServiceRepository repository;
    private final ServiceUsage usage;
    private final KafkaClusterRegistry clusters;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ServiceRegistry(RegisteredServiceRepository repository, ServiceUsage usage, @Lazy KafkaClusterRegistry clusters,
            ApplicationEventPublisher events, Clock clock) {
        this.repository = repository;
        this.usage = usage;
        this.clusters = clusters;
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
        String endpoint = ServiceDefinitions.validEndpoint(request.endpoint());
        List<Handler> handlers = ServiceDefinitions.handlers(request.type(), request.handlers());
        String resultTopic = request.resultTopic();
        ResultTopic destination = resultTopic == null || resultTopic.isEmpty() ? null : resultTopic(resultTopic);
        if (repository.existsById(name)) {
            throw ServiceExists.of(name);
        }
        RegisteredService service;
        try {
            // flushed here, so that a registration racing this one for the name is told it exists, not a server error
            service = repository.saveAndFlush(new RegisteredService(name, request.type(), endpoint,
                    RequestDurations.positive("timeout", request.timeout(), RequestDurations.MAX_WAIT),
                    ServiceDefinitions.retry("retry_policy", request.retryPolicy()), handlers,
                    RequestDurations.positive("retention", request.retention(), RequestDurations.MAX_RETENTION),
                    clock.instant()).withState(ServiceDefinitions.state("state", request.state(), request.type()))
                    .withResultTopic(destination));
        } catch (DataIntegrityViolationException | OptimisticLockingFailureException e) {
            throw ServiceExists.of(name);
        }
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

    /** The service with the version of its row, for {@code ETag}. */
    @Transactional(readOnly = true)
    public Versioned<ServiceView> getVersioned(String name) {
        RegisteredService service = repository.findById(name).orElseThrow(() -> ServiceNotFound.of(name));
        return new Versioned<>(ServiceView.of(service), service.version());
    }

    /**
     * Changes a plain HTTP service in place: its subscriptions keep their ids, consumer groups and offsets.
     * Refused for a service of a Restate deployment, when a removed handler has subscriptions, and with
     * {@code ifMatch} (the request's {@code If-Match}, or null) naming an older version.
     */
    @Transactional
    public Versioned<ServiceView> update(String name, UpdateServiceRequest request, String ifMatch) {
        RegisteredService service = repository.findById(name).orElseThrow(() -> ServiceNotFound.of(name));
        EntityTags.check(ifMatch, service.version(), "service", name);
        if (service.protocol() == ServiceProtocol.RESTATE) {
            throw RestateServiceConflict.changeOfDeployment(name, service.deploymentId());
        }
        if (request.name() != null && !request.name().equals(name)) {
            throw InvalidRequest.of("name", "A service cannot be renamed: register '%s' as a new service instead."
                    .formatted(request.name()));
        }
        if (request.type() != null && request.type() != service.type()) {
            throw InvalidRequest.of("type", ("Service '%s' is a %s and its type cannot change: delete it and register"
                    + " it again as a %s.").formatted(name, service.type(), request.type()));
        }
        List<Handler> handlers = changedHandlers(service, request);
        if (request.resultTopic() != null) {
            service.withResultTopic(request.resultTopic().isEmpty() ? null : resultTopic(request.resultTopic()));
        }
        service.change(request.endpoint() == null ? null : ServiceDefinitions.validEndpoint(request.endpoint()),
                RequestDurations.positive("timeout", request.timeout(), RequestDurations.MAX_WAIT),
                request.retryPolicy() == null ? null
                        : ServiceDefinitions.retry("retry_policy", request.retryPolicy()),
                RequestDurations.positive("retention", request.retention(), RequestDurations.MAX_RETENTION),
                handlers);
        repository.saveAndFlush(service);
        evict(name);
        events.publishEvent(new ServiceChanged(name));
        log.info("Service {} changed; its subscriptions keep consuming", name);
        return new Versioned<>(ServiceView.of(service), service.version());
    }

    /** The destination {@code value} names, on a registered cluster. */
    private ResultTopic resultTopic(String value) {
        ResultTopic destination = ResultTopic.parse(value);
        if (!clusters.exists(destination.cluster())) {
            throw InvalidRequest.of("result_topic", ("Field 'result_topic' names cluster '%s', which is not"
                    + " registered: register it (POST /kafka-clusters) or pick one from GET /kafka-clusters.")
                    .formatted(destination.cluster()));
        }
        return destination;
    }

    @Override
    @Transactional(readOnly = true)
    public List<String> servicesProducingTo(String clusterName) {
        return repository.findByResultClusterOrderByNameAsc(clusterName).stream().map(RegisteredService::name)
                .toList();
    }

    /** The handlers after the change, or null when the request leaves them as they are. */
    private List<Handler> changedHandlers(RegisteredService service, UpdateServiceRequest request) {
        List<String> removals = request.removeHandlers() == null ? List.of() : request.removeHandlers();
        List<HandlerDescriptor> changes = request.handlers() == null ? List.of() : request.handlers();
        if (removals.isEmpty() && changes.isEmpty()) {
            return null;
        }
        Map<String, Handler> handlers = new LinkedHashMap<>();
        service.handlers().forEach(handler -> handlers.put(handler.name(), handler));
        for (String removal : removals) {
            if (!handlers.containsKey(removal)) {
                throw InvalidRequest.of("remove_handlers", "Service '%s' has no handler '%s' to remove; it has %s."
                        .formatted(service.name(), removal, handlers.keySet()));
            }
            if (changes.stream().anyMatch(change -> removal.equals(change.name()))) {
                throw InvalidRequest.of("remove_handlers",
                        "Handler '%s' is both changed and removed; do one.".formatted(removal));
            }
            handlers.remove(removal);
        }
        Map<String, List<String>> subscribed = usage.subscriptionsByHandler(service.name());
        List<String> usedRemovals = removals.stream().filter(subscribed::containsKey).toList();
        if (!usedRemovals.isEmpty()) {
            throw HandlerInUse.of(service.name(), usedRemovals, usedRemovals.stream()
                    .flatMap(handler -> subscribed.get(handler).stream()).toList());
        }
        Set<String> changed = new HashSet<>();
        for (HandlerDescriptor change : changes) {
            Handler handler = ServiceDefinitions.handler(service.type(), change);
            if (!changed.add(handler.name())) {
                throw InvalidRequest.of("handlers", "Handler '%s' is listed twice.".formatted(handler.name()));
            }
            handlers.put(handler.name(), handler);
        }
        if (handlers.isEmpty()) {
            throw InvalidRequest.of("remove_handlers", "A service keeps at least one handler; delete the service"
                    + " instead (DELETE /services/%s).".formatted(service.name()));
        }
        List<Handler> result = new ArrayList<>(handlers.values());
        ServiceDefinitions.checkWorkflowRun(result);
        return result;
    }

    @Transactional
    public void delete(String name) {
        delete(name, null);
    }

    /** Deletes the service, refused with 412 when {@code ifMatch} names an older version. */
    @Transactional
    public void delete(String name, String ifMatch) {
        RegisteredService service = repository.findById(name).orElseThrow(() -> ServiceNotFound.of(name));
        EntityTags.check(ifMatch, service.version(), "service", name);
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
                service.envelope(handler),
                service.protocol() == ServiceProtocol.HTTP ? service.resultTopic() : null));
    }
}
