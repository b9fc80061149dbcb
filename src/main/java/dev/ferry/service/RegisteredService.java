package dev.ferry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A service whose handlers Ferry calls. */
@Entity
@Table(name = "services")
class RegisteredService {

    @Id
    private String name;

    @Enumerated(EnumType.STRING)
    private ServiceType type;

    private String endpoint;

    @Column(name = "timeout_ms")
    private Long timeoutMillis;

    @Embedded
    private RetrySettings retry;

    @Column(name = "retention_ms")
    private Long retentionMillis;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "service_handlers", joinColumns = @JoinColumn(name = "service_name"))
    @OrderColumn(name = "position")
    private List<Handler> handlers = new ArrayList<>();

    private Instant createdAt;

    @Column(name = "protocol", nullable = false)
    private String protocol = ServiceProtocol.HTTP.wireName();

    @Column(name = "deployment_id")
    private String deploymentId;

    @Column(name = "use_http_11", nullable = false)
    private boolean useHttp11;

    @Column(name = "min_protocol_version")
    private Integer minProtocolVersion;

    @Column(name = "max_protocol_version")
    private Integer maxProtocolVersion;

    @Column(name = "abort_timeout_ms")
    private Long abortTimeoutMillis;

    @Column(name = "enable_lazy_state", nullable = false)
    private boolean enableLazyState;

    @Column(name = "revision", nullable = false)
    private int revision = 1;

    @Column(name = "state")
    private String state;

    @Column(name = "result_cluster")
    private String resultCluster;

    @Column(name = "result_topic")
    private String resultTopic;

    @Version
    private long version;

    protected RegisteredService() {
    }

    RegisteredService(String name, ServiceType type, String endpoint, Duration timeout, RetrySettings retry,
            List<Handler> handlers, Duration retention, Instant now) {
        this.retentionMillis = retention == null ? null : retention.toMillis();
        this.name = name;
        this.type = type;
        this.endpoint = endpoint;
        this.timeoutMillis = timeout == null ? null : timeout.toMillis();
        this.retry = retry;
        this.handlers = new ArrayList<>(handlers);
        this.createdAt = now;
    }

    /** Takes a user's change of a plain HTTP service; a null argument keeps what is stored. */
    void change(String newEndpoint, Duration newTimeout, RetrySettings newRetry, Duration newRetention,
            List<Handler> newHandlers) {
        if (newEndpoint != null) {
            this.endpoint = newEndpoint;
        }
        if (newTimeout != null) {
            this.timeoutMillis = newTimeout.toMillis();
        }
        if (newRetry != null) {
            this.retry = newRetry;
        }
        if (newRetention != null) {
            this.retentionMillis = newRetention.toMillis();
        }
        if (newHandlers != null) {
            // a new list: Hibernate then rewrites the rows whole instead of renaming them in place one by one
            this.handlers = new ArrayList<>(newHandlers);
        }
    }

    /** The version of the stored row, which Hibernate counts up with every change. */
    long version() {
        return version;
    }

    /** A service of a Restate SDK deployment, at revision 1. */
    static RegisteredService restate(RestateEndpoint endpoint, RestateServiceDefinition definition, Instant now) {
        RegisteredService service = new RegisteredService(definition.name(), definition.type(), endpoint.uri(),
                null, null, List.of(), null, now);
        service.redefine(endpoint, definition);
        service.revision = 1;
        return service;
    }

    /** Takes the deployment's new definition in place (same name, same subscriptions) as the next revision. */
    void redefine(RestateEndpoint endpoint, RestateServiceDefinition definition) {
        this.protocol = ServiceProtocol.RESTATE.wireName();
        this.type = definition.type();
        this.endpoint = endpoint.uri();
        this.deploymentId = endpoint.deploymentId();
        this.useHttp11 = endpoint.useHttp11();
        this.minProtocolVersion = endpoint.minProtocolVersion();
        this.maxProtocolVersion = endpoint.maxProtocolVersion();
        this.timeoutMillis = definition.inactivityTimeout() == null ? null : definition.inactivityTimeout().toMillis();
        this.abortTimeoutMillis = definition.abortTimeout() == null ? null : definition.abortTimeout().toMillis();
        this.retry = definition.retry();
        this.enableLazyState = definition.enableLazyState();
        // a new list: Hibernate then rewrites the rows whole instead of renaming them in place one by one
        this.handlers = new ArrayList<>(definition.handlers().stream()
                .map(handler -> Handler.restate(definition, handler)).toList());
        this.revision++;
    }

    /** The definition this service was registered from; null for a plain HTTP service. */
    RestateServiceDefinition definition() {
        if (protocol() != ServiceProtocol.RESTATE) {
            return null;
        }
        List<RestateServiceDefinition.Handler> definitions = handlers.stream()
                .map(handler -> new RestateServiceDefinition.Handler(handler.name(), handler.type(),
                        handler.inputContentType(), handler.outputContentType(), handler.timeout(),
                        handler.abortTimeout(), handler.retry(),
                        handler.enableLazyState() == enableLazyState ? null : handler.enableLazyState()))
                .toList();
        return new RestateServiceDefinition(name, type, timeout(), abortTimeout(), retry(), enableLazyState,
                definitions);
    }

    /** {@code envelope} when every handler keeps object state through the envelope, else null. */
    String state() {
        return state;
    }

    RegisteredService withState(String state) {
        this.state = state;
        return this;
    }

    /** Where the outputs of RPC-started invocations go, or null. */
    ResultTopic resultTopic() {
        return resultTopic == null ? null : new ResultTopic(resultCluster, resultTopic);
    }

    /** Sets where the outputs of RPC-started invocations go; null for nowhere. */
    RegisteredService withResultTopic(ResultTopic destination) {
        this.resultCluster = destination == null ? null : destination.cluster();
        this.resultTopic = destination == null ? null : destination.topic();
        return this;
    }

    /** Whether a handler keeps object state through the envelope: it says so, or its service does. */
    boolean envelope(Handler handler) {
        return protocol() == ServiceProtocol.HTTP
                && (Handler.ENVELOPE.equals(handler.state()) || Handler.ENVELOPE.equals(state));
    }

    ServiceProtocol protocol() {
        return ServiceProtocol.ofWireName(protocol);
    }

    String deploymentId() {
        return deploymentId;
    }

    int revision() {
        return revision;
    }

    Duration abortTimeout() {
        return abortTimeoutMillis == null ? null : Duration.ofMillis(abortTimeoutMillis);
    }

    /** What the Restate protocol needs to call the handler; null for a plain HTTP service. */
    RestateTarget restateTarget(Handler handler) {
        if (protocol() != ServiceProtocol.RESTATE) {
            return null;
        }
        return new RestateTarget(deploymentId, useHttp11, minProtocolVersion, maxProtocolVersion,
                handler.enableLazyState(), handler.abortTimeout() != null ? handler.abortTimeout() : abortTimeout(),
                revision);
    }

    String name() {
        return name;
    }

    ServiceType type() {
        return type;
    }

    String endpoint() {
        return endpoint;
    }

    Duration timeout() {
        return timeoutMillis == null ? null : Duration.ofMillis(timeoutMillis);
    }

    RetrySettings retry() {
        return retry == null ? RetrySettings.inherit() : retry;
    }

    Duration retention() {
        return retentionMillis == null ? null : Duration.ofMillis(retentionMillis);
    }

    List<Handler> handlers() {
        return List.copyOf(handlers);
    }

    Optional<Handler> handler(String handlerName) {
        return handlers.stream().filter(handler -> handler.name().equals(handlerName)).findFirst();
    }

    Instant createdAt() {
        return createdAt;
    }
}
