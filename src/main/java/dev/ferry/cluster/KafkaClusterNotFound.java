package dev.ferry.cluster;

import java.util.Map;

import dev.ferry.web.NotFound;

/** No cluster has the given name. */
public class KafkaClusterNotFound extends NotFound {

    private KafkaClusterNotFound(String name) {
        super("kafka-cluster-not-found", "Kafka cluster not found",
                "No Kafka cluster is named '%s'. List clusters with GET /kafka-clusters, or create it first."
                        .formatted(name),
                Map.of("cluster", name));
    }

    public static KafkaClusterNotFound of(String name) {
        return new KafkaClusterNotFound(name);
    }
}
