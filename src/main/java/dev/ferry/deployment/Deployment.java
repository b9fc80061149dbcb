package dev.ferry.deployment;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A Restate SDK endpoint Ferry discovered; its services live in the service registry. */
@Entity
@Table(name = "deployments")
class Deployment {

    @Id
    private String id;

    private String uri;

    @Column(name = "use_http_11")
    private boolean useHttp11;

    private String protocolMode;

    private int minProtocolVersion;

    private int maxProtocolVersion;

    private String sdkVersion;

    private Instant createdAt;

    private Instant updatedAt;

    @Version
    private long version;

    protected Deployment() {
    }

    Deployment(String id, String uri, Instant now) {
        this.id = id;
        this.uri = uri;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void discovered(boolean useHttp11, EndpointManifest manifest, String sdkVersion, Instant now) {
        this.useHttp11 = useHttp11;
        this.protocolMode = manifest.protocolMode();
        this.minProtocolVersion = manifest.minProtocolVersion();
        this.maxProtocolVersion = manifest.maxProtocolVersion();
        this.sdkVersion = sdkVersion;
        this.updatedAt = now;
    }

    String id() {
        return id;
    }

    String uri() {
        return uri;
    }

    boolean useHttp11() {
        return useHttp11;
    }

    String protocolMode() {
        return protocolMode;
    }

    int minProtocolVersion() {
        return minProtocolVersion;
    }

    int maxProtocolVersion() {
        return maxProtocolVersion;
    }

    String sdkVersion() {
        return sdkVersion;
    }

    Instant createdAt() {
        return createdAt;
    }
}
