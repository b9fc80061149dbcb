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
