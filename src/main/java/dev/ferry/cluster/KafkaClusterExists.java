package dev.ferry.cluster;

import java.util.Map;

import dev.ferry.web.Conflict;

/** A Kafka cluster of the given name already exists. */
public class KafkaClusterExists extends Conflict {

    private KafkaClusterExists(String name) {
        super("kafka-cluster-exists", "Kafka cluster already exists",
                ("A Kafka cluster named '%s' already exists. Choose another name, or change it with"
                        + " PATCH /kafka-clusters/%s.").formatted(name, name),
                Map.of("cluster", name));
    }

    public static KafkaClusterExists of(String name) {
        return new KafkaClusterExists(name);
    }
}
