package dev.ferry.cluster;

import java.util.List;
import java.util.Map;

import dev.ferry.web.Conflict;

/** A Kafka cluster cannot be deleted, without force, while subscriptions consume from it. */
public class KafkaClusterInUse extends Conflict {

    private KafkaClusterInUse(String name, List<ClusterUsage.ClusterUser> users) {
        super("kafka-cluster-in-use", "Kafka cluster in use",
                ("Kafka cluster '%s' is used by %d subscription(s) (%s). Delete them first, or add ?force=true to"
                        + " delete them with the cluster.").formatted(name, users.size(), users.getFirst().id()),
                Map.of("cluster", name, "subscriptions", users.stream().map(ClusterUsage.ClusterUser::id).toList()));
    }

    /** @param users the subscriptions on the cluster; at least one */
    public static KafkaClusterInUse of(String name, List<ClusterUsage.ClusterUser> users) {
        return new KafkaClusterInUse(name, users);
    }
}
