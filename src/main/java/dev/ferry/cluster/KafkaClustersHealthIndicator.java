package dev.ferry.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The {@code kafkaClusters} health component: each cluster's last connection state and error. A cluster that
 * cannot be reached makes this component {@value #DEGRADED}, a status that is deliberately not in the health
 * status order, so the overall status (and liveness and readiness) stays UP: Ferry keeps serving its API,
 * dispatching stored invocations and consuming from the other clusters.
 */
@Component
class KafkaClustersHealthIndicator implements HealthIndicator {

    static final String DEGRADED = "DEGRADED";

    private final KafkaClusterRegistry registry;
    private final ClusterConnections connections;

    KafkaClustersHealthIndicator(KafkaClusterRegistry registry, ClusterConnections connections) {
        this.registry = registry;
        this.connections = connections;
    }

    @Override
    public Health health() {
        List<String> names = registry.names();
        Map<String, Object> clusters = new LinkedHashMap<>();
        int failed = 0;
        int unknown = 0;
        for (String name : names) {
            ClusterConnection connection = connections.of(name);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", connection.state().json());
            if (connection.checkedAt() != null) {
                detail.put("checked_at", connection.checkedAt().toString());
            }
            if (connection.error() != null) {
                detail.put("error", connection.error());
            }
            clusters.put(name, detail);
            failed += connection.state() == ClusterConnection.State.FAILED ? 1 : 0;
            unknown += connection.state() == ClusterConnection.State.UNKNOWN ? 1 : 0;
        }
        Health.Builder health = failed > 0 ? Health.status(new Status(DEGRADED,
                "%d of %d Kafka cluster(s) cannot be reached".formatted(failed, names.size())))
                : unknown > 0 ? Health.unknown() : Health.up();
        return health.withDetail("clusters", clusters).build();
    }
}
