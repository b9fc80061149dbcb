package dev.ferry.service;

import java.time.Instant;

/**
 * A registered service as other features see it: its protocol, and for a Restate SDK service the deployment that
 * serves it, its revision (1 when first registered, one more on every re-registration) and its definition.
 */
public record ServiceRevision(String name, ServiceType type, ServiceProtocol protocol, String deploymentId,
        int revision, RestateServiceDefinition definition, Instant createdAt) {
}
