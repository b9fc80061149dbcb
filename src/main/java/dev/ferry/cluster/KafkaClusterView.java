package dev.ferry.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A cluster on the wire; secret properties are masked. {@code connection} is what this instance last saw. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KafkaClusterView(String name, Map<String, String> properties, Instant createdAt,
        List<ClusterUsage.ClusterUser> subscriptions, ClusterConnection connection) {
}
