package dev.ferry.cluster;

import java.time.Instant;
import java.util.Map;

/**
 * A cluster as other features see it: its name and properties translated for the Java client.
 * Secret values are present here, so never log or return this record.
 */
public record ClusterDetails(String name, Map<String, Object> clientProperties, Instant updatedAt) {

    @Override
    public String toString() {
        return "ClusterDetails[name=" + name + ", updatedAt=" + updatedAt + "]";
    }
}
