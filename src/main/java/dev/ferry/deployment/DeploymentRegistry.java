package dev.ferry.deployment;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.deployment.DeploymentDescriptors.DeploymentResponse;
import dev.ferry.deployment.DeploymentDescriptors.DetailedDeploymentResponse;
import dev.ferry.deployment.DeploymentDescriptors.RegisterDeploymentRequest;
import dev.ferry.deployment.DeploymentDescriptors.RegisterDeploymentResponse;
import dev.ferry.deployment.DeploymentDescriptors.ServiceMetadata;
import dev.ferry.deployment.DeploymentDescriptors.ServiceNameRevPair;
import dev.ferry.service.RestateEndpoint;
import dev.ferry.service.RestateServiceDefinition;
import dev.ferry.service.RestateServiceRegistry;
import dev.ferry.service.ServiceProtocol;
import dev.ferry.service.ServiceRevision;
import dev.ferry.shared.Ids;
import dev.ferry.web.InvalidRequest;

/**
 * Registers Restate SDK deployments: discovers the endpoint first (outside any transaction), refuses what Ferry
 * cannot run, then stores the deployment and its services in one transaction, so a refusal stores nothing.
 */
@Service
public class DeploymentRegistry {

    private static final Logger log = LoggerFactory.getLogger(DeploymentRegistry.class);

    private final DeploymentRepository repository;
    private final RestateServiceRegistry services;
    private final DiscoveryClient discovery;
    private final JsonMapper json;
    private final TransactionTemplate transaction;
    private final Clock clock;

    DeploymentRegistry(DeploymentRepository repository, RestateServiceRegistry services, DiscoveryClient discovery,
            JsonMapper json, PlatformTransactionManager transactions, Clock clock) {
        this.repository = repository;
        this.services = services;
        this.discovery = discovery;
        this.json = json;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** The registration's answer, and whether the deployment was new (201) or already known (200). */
    public record Registered(RegisterDeploymentResponse response, boolean created) {
    }

    public Registered register(RegisterDeploymentRequest request) {
        if (request.arn() != null) {
            throw InvalidRequest.of("arn", "Ferry calls HTTP deployments only; give the deployment's \"uri\".");
        }
        if (request.additionalHeaders() != null && !request.additionalHeaders().isEmpty()) {
            throw InvalidRequest.of("additional_headers", "Ferry does not send additional headers to deployments yet;"
                    + " register the deployment without them.");
        }
        String uri = validUri(request.uri());
        boolean force = request.force() == null || request.force();
        boolean dryRun = Boolean.TRUE.equals(request.dryRun());
        DiscoveryClient.Answer answer = discovery.discover(uri, Boolean.TRUE.equals(request.useHttp11()));
        EndpointManifest manifest = manifest(uri, answer);
        return transaction.execute(status -> {
            boolean created = repository.findByUri(uri).isEmpty();
            return new Registered(store(uri, answer, manifest, force, dryRun), created);
        });
    }

    @Transactional(readOnly = true)
    public List<DeploymentResponse> list() {
        return repository.findAllByOrderByCreatedAtAsc().stream().map(deployment -> new DeploymentResponse(
                deployment.id(), deployment.uri(), protocolType(deployment), httpVersion(deployment),
                deployment.createdAt().toString(), deployment.minProtocolVersion(), deployment.maxProtocolVersion(),
                deployment.sdkVersion(), services.listOfDeployment(deployment.id()).stream()
                        .map(service -> new ServiceNameRevPair(service.name(), service.revision())).toList()))
                .toList();
    }

    @Transactional(readOnly = true)
    public DetailedDeploymentResponse get(String id) {
        Deployment deployment = repository.findById(id).orElseThrow(() -> DeploymentNotFound.of(id));
        return new DetailedDeploymentResponse(deployment.id(), deployment.uri(), protocolType(deployment),
                httpVersion(deployment), deployment.createdAt().toString(), deployment.minProtocolVersion(),
                deployment.maxProtocolVersion(), deployment.sdkVersion(),
                services.listOfDeployment(id).stream().map(ServiceMetadata::of).toList());
    }

    /** The names of the deployment's services; not found if there is no such deployment. */
    @Transactional(readOnly = true)
    public List<String> serviceNames(String id) {
        if (!repository.existsById(id)) {
            throw DeploymentNotFound.of(id);
        }
        return services.listOfDeployment(id).stream().map(ServiceRevision::name).toList();
    }

    /** Removes the deployment and its services; refused while subscribed unless forced (which deletes them too). */
    @Transactional
    public void delete(String id, boolean force) {
        Deployment deployment = repository.findById(id).orElseThrow(() -> DeploymentNotFound.of(id));
        List<ServiceRevision> served = services.listOfDeployment(id);
        if (!force) {
            Map<String, List<String>> subscribed = served.stream()
                    .filter(service -> !services.subscriptionsOf(service.name()).isEmpty())
                    .collect(Collectors.toMap(ServiceRevision::name,
                            service -> services.subscriptionsOf(service.name())));
            if (!subscribed.isEmpty()) {
                throw DeploymentConflict.inUse(id, subscribed);
            }
        }
        for (ServiceRevision service : served) {
            services.delete(service.name(), force);
        }
        repository.delete(deployment);
        log.info("Deployment {} at {} removed with {} service(s)", id, deployment.uri(), served.size());
    }

    private RegisterDeploymentResponse store(String uri, DiscoveryClient.Answer answer, EndpointManifest manifest,
            boolean force, boolean dryRun) {
        Optional<Deployment> existing = repository.findByUri(uri);
        List<Planned> plan = plan(existing.map(Deployment::id).orElse(null), manifest);
        if (existing.isPresent() && !force) {
            boolean unchanged = plan.stream().allMatch(planned -> planned.current() != null
                    && existing.get().id().equals(planned.current().deploymentId())
                    && planned.definition().equals(planned.current().definition()))
                    && services.listOfDeployment(existing.get().id()).size() == plan.size()
                    && existing.get().useHttp11() == answer.http11();
            if (!unchanged) {
                throw DeploymentConflict.exists(existing.get().id(), uri);
            }
            return response(existing.get().id(), manifest, answer, plan.stream()
                    .map(planned -> ServiceMetadata.of(planned.current())).toList());
        }
        if (!force) {
            for (Planned planned : plan) {
                if (planned.current() != null && planned.current().type() != planned.definition().type()) {
                    throw DeploymentConflict.serviceTypeChanged(planned.definition().name(),
                            planned.current().type(), planned.current().deploymentId(), planned.definition().type());
                }
            }
        }
        String id = existing.map(Deployment::id).orElseGet(() -> Ids.nextRestateStyle("dp_", clock.instant()));
        if (dryRun) {
            return response(id, manifest, answer, plan.stream().map(planned -> ServiceMetadata.of(planned.definition(),
                    id, planned.current() == null ? 1 : planned.current().revision() + 1)).toList());
        }
        Instant now = clock.instant();
        Deployment deployment = existing.orElseGet(() -> new Deployment(id, uri, now));
        deployment.discovered(answer.http11(), manifest, answer.server(), now);
        repository.saveAndFlush(deployment);
        RestateEndpoint endpoint = new RestateEndpoint(id, uri, answer.http11(), manifest.minProtocolVersion(),
                manifest.maxProtocolVersion());
        Set<String> declared = manifest.services().stream().map(RestateServiceDefinition::name)
                .collect(Collectors.toSet());
        for (ServiceRevision gone : services.listOfDeployment(id)) {
            if (!declared.contains(gone.name())) {
                services.delete(gone.name(), false);
            }
        }
        List<ServiceMetadata> registered = new ArrayList<>();
        for (RestateServiceDefinition definition : manifest.services()) {
            registered.add(ServiceMetadata.of(services.put(endpoint, definition)));
        }
        log.info("Deployment {} at {} {} with service(s) {} (protocol {}..{}, {})", id, uri,
                existing.isPresent() ? "updated" : "registered", declared, manifest.minProtocolVersion(),
                manifest.maxProtocolVersion(), answer.http11() ? "HTTP/1.1" : "HTTP/2");
        return response(id, manifest, answer, registered);
    }

    private record Planned(RestateServiceDefinition definition, ServiceRevision current) {
    }

    /** Each declared service with what holds its name now; a plain HTTP service holding one refuses it all. */
    private List<Planned> plan(String deploymentId, EndpointManifest manifest) {
        List<Planned> plan = new ArrayList<>();
        for (RestateServiceDefinition definition : manifest.services()) {
            ServiceRevision current = services.find(definition.name()).orElse(null);
            if (current != null && current.protocol() != ServiceProtocol.RESTATE) {
                throw DeploymentConflict.serviceNameTaken(definition.name());
            }
            plan.add(new Planned(definition, current));
        }
        return plan;
    }

    private EndpointManifest manifest(String uri, DiscoveryClient.Answer answer) {
        if (answer.status() == 401 || answer.status() == 403) {
            throw DiscoveryFailed.unauthorized(uri, answer.status(), discovery.publicKey());
        }
        if (answer.status() < 200 || answer.status() > 299) {
            throw DiscoveryFailed.notAManifest(uri, "it answered HTTP status " + answer.status());
        }
        if (!EndpointManifest.isManifestType(answer.contentType())) {
            throw DiscoveryFailed.notAManifest(uri, "it answered content-type '%s', not"
                    .formatted(answer.contentType() == null ? "" : answer.contentType())
                    + " application/vnd.restate.endpointmanifest.v2+json (or v3, v4)");
        }
        EndpointManifest manifest;
        try {
            manifest = EndpointManifest.parse(json, answer.body());
        } catch (EndpointManifest.NotAManifest e) {
            throw DiscoveryFailed.notAManifest(uri, e.getMessage());
        }
        if (manifest.minProtocolVersion() > ServiceProtocol.RESTATE_MAX_VERSION
                || manifest.maxProtocolVersion() < ServiceProtocol.RESTATE_MIN_VERSION) {
            throw DiscoveryFailed.unsupportedProtocol(uri, manifest.minProtocolVersion(), manifest.maxProtocolVersion(),
                    ServiceProtocol.RESTATE_MIN_VERSION, ServiceProtocol.RESTATE_MAX_VERSION);
        }
        return manifest;
    }

    private static RegisterDeploymentResponse response(String id, EndpointManifest manifest,
            DiscoveryClient.Answer answer, List<ServiceMetadata> services) {
        return new RegisterDeploymentResponse(id, services, manifest.minProtocolVersion(),
                manifest.maxProtocolVersion(), answer.server());
    }

    private static String protocolType(Deployment deployment) {
        return "REQUEST_RESPONSE".equals(deployment.protocolMode()) ? "RequestResponse" : "BidiStream";
    }

    private static String httpVersion(Deployment deployment) {
        return deployment.useHttp11() ? "HTTP/1.1" : "HTTP/2.0";
    }

    private static String validUri(String uri) {
        if (uri == null || uri.isBlank()) {
            throw InvalidRequest.of("uri", "Field 'uri' is required: the base URL of the Restate SDK endpoint,"
                    + " e.g. \"http://127.0.0.1:9080\".");
        }
        try {
            URI parsed = new URI(uri);
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") || parsed.getHost() == null) {
                throw InvalidRequest.of("uri", "URI '%s' must be an absolute http:// URL with a host (Ferry speaks"
                        .formatted(uri) + " HTTP/2 cleartext or HTTP/1.1 to deployments).");
            }
            if (parsed.getRawUserInfo() != null) {
                throw InvalidRequest.of("uri", "The URI must not carry credentials (user:password@).");
            }
            if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
                throw InvalidRequest.of("uri", "URI '%s' must not carry a query or a fragment.".formatted(uri));
            }
        } catch (URISyntaxException e) {
            throw InvalidRequest.of("uri", "URI '%s' is not a valid URL: %s.".formatted(uri, e.getReason()));
        }
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
