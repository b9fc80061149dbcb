package dev.ferry.service;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.ferry.web.InvalidRequest;

/**
 * Registers the services of Restate SDK deployments (protocol {@code restate}) beside plain HTTP ones. A
 * re-registration updates a service in place, as its next revision, so subscriptions on it stay.
 */
@Service
public class RestateServiceRegistry {

    private static final Logger log = LoggerFactory.getLogger(RestateServiceRegistry.class);
    /** The names a Restate manifest allows; a subset of what plain services may be called. */
    private static final Pattern NAME = Pattern.compile("([a-zA-Z]|_[a-zA-Z0-9])[a-zA-Z0-9._-]{0,126}");

    private final RegisteredServiceRepository repository;
    private final ServiceUsage usage;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    RestateServiceRegistry(RegisteredServiceRepository repository, ServiceUsage usage,
            ApplicationEventPublisher events, Clock clock) {
        this.repository = repository;
        this.usage = usage;
        this.events = events;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public Optional<ServiceRevision> find(String name) {
        return repository.findById(name).map(RestateServiceRegistry::revision);
    }

    /** Every service of protocol {@code restate}, by name. */
    @Transactional(readOnly = true)
    public List<ServiceRevision> list() {
        return repository.findAllByOrderByNameAsc().stream()
                .filter(service -> service.protocol() == ServiceProtocol.RESTATE)
                .map(RestateServiceRegistry::revision).toList();
    }

    /** The services the deployment serves now, by name. */
    @Transactional(readOnly = true)
    public List<ServiceRevision> listOfDeployment(String deploymentId) {
        return list().stream().filter(service -> deploymentId.equals(service.deploymentId())).toList();
    }

    /**
     * Registers the service, or takes the new definition as its next revision. Refused when a plain HTTP service
     * holds the name, or when a handler that a subscription targets would disappear.
     */
    @Transactional
    public ServiceRevision put(RestateEndpoint endpoint, RestateServiceDefinition definition) {
        validate(definition);
        Optional<RegisteredService> existing = repository.findById(definition.name());
        RegisteredService service;
        if (existing.isEmpty()) {
            service = repository.save(RegisteredService.restate(endpoint, definition, clock.instant()));
        } else {
            service = existing.get();
            if (service.protocol() != ServiceProtocol.RESTATE) {
                throw RestateServiceConflict.nameTaken(definition.name());
            }
            refuseDroppingSubscribedHandlers(service, definition);
            service.redefine(endpoint, definition);
        }
        events.publishEvent(new ServiceChanged(service.name()));
        log.info("Restate service {} ({}) revision {} registered from deployment {} with {} handler(s)", service.name(),
                service.type(), service.revision(), endpoint.deploymentId(), definition.handlers().size());
        return revision(service);
    }

    /** Deletes a service of a deployment; its subscriptions are deleted too when forced, else they refuse it. */
    @Transactional
    public void delete(String name, boolean force) {
        RegisteredService service = repository.findById(name).orElseThrow(() -> ServiceNotFound.of(name));
        List<String> subscriptions = usage.subscriptionsOf(name);
        if (!subscriptions.isEmpty()) {
            if (!force) {
                throw RestateServiceConflict.serviceInUse(name, subscriptions);
            }
            usage.deleteSubscriptionsOf(name);
        }
        repository.delete(service);
        repository.flush();
        events.publishEvent(new ServiceChanged(name));
        log.info("Restate service {} of deployment {} deleted", name, service.deploymentId());
    }

    /** Ids of the subscriptions whose sink is a handler of the named service. */
    @Transactional(readOnly = true)
    public List<String> subscriptionsOf(String name) {
        return usage.subscriptionsOf(name);
    }
    private void refuseDroppingSubscribedHandlers(RegisteredService service, RestateServiceDefinition definition) {
        List<String> subscriptions = usage.subscriptionsOf(service.name());
        if (subscriptions.isEmpty()) {
            return;
        }
        List<String> dropped = service.handlers().stream().map(Handler::name)
                .filter(name -> definition.handlers().stream().noneMatch(handler -> handler.name().equals(name)))
                .toList();
        if (!dropped.isEmpty()) {
            throw RestateServiceConflict.handlerInUse(service.name(), dropped, subscriptions);
        }
    }

    private static void validate(RestateServiceDefinition definition) {
        if (definition.name() == null || !NAME.matcher(definition.name()).matches()) {
            throw InvalidRequest.of("services", "The deployment declares a service named '%s', which is not a valid"
                    .formatted(definition.name()) + " name: start with a letter (or '_' and a letter or digit), then"
                    + " use letters, digits, '_', '-' or '.'.");
        }
        if (definition.type() == null) {
            throw InvalidRequest.of("services", "The deployment declares service '%s' without a type."
                    .formatted(definition.name()));
        }
        for (RestateServiceDefinition.Handler handler : definition.handlers()) {
            boolean allowed = switch (definition.type()) {
                case SERVICE -> handler.type() == null || handler.type() == HandlerType.SHARED;
                case VIRTUAL_OBJECT -> handler.type() == HandlerType.EXCLUSIVE || handler.type() == HandlerType.SHARED;
                case WORKFLOW -> handler.type() == HandlerType.WORKFLOW || handler.type() == HandlerType.SHARED;
            };
            if (!allowed || handler.name() == null || !NAME.matcher(handler.name()).matches()) {
                throw InvalidRequest.of("services", "The deployment declares handler '%s' of type %s in %s '%s', which"
                        .formatted(handler.name(), handler.type(), definition.type(), definition.name())
                        + " Ferry cannot register: check the service's definition in the SDK.");
            }
        }
    }

    private static ServiceRevision revision(RegisteredService service) {
        return new ServiceRevision(service.name(), service.type(), service.protocol(), service.deploymentId(),
                service.revision(), service.definition(), service.createdAt());
    }
}
