package dev.ferry.cluster;

import java.util.List;
import java.util.Map;

import dev.ferry.web.Conflict;

/**
 * A Kafka cluster cannot be deleted, without force, while subscriptions consume from it, and not at all while a
 * service produces its results to it.
 */
public class KafkaClusterInUse extends Conflict {

    private KafkaClusterInUse(String detail, Map<String, ?> fields) {
        super("kafka-cluster-in-use", "Kafka cluster in use", detail, fields);
    }

    /** @param users the subscriptions on the cluster; at least one */
    public static KafkaClusterInUse of(String name, List<ClusterUsage.ClusterUser> users) {
        return new KafkaClusterInUse(("Kafka cluster '%s' is used by %d subscription(s) (%s). Delete them first, or"
                + " add ?force=true to delete them with the cluster.").formatted(name, users.size(),
                users.getFirst().id()),
                Map.of("cluster", name, "subscriptions", users.stream().map(ClusterUsage.ClusterUser::id).toList()));
    }

    /** @param services the services whose result topic is on the cluster; at least one */
    public static KafkaClusterInUse ofResultTopics(String name, List<String> services) {
        return new KafkaClusterInUse(("Kafka cluster '%s' holds the result topic of %d service(s) (%s). Change their"
                + " result_topic first (PATCH /services/%s with another one, or \"\" for none); force does not delete"
                + " services.").formatted(name, services.size(), String.join(", ", services), services.getFirst()),
                Map.of("cluster", name, "services", services));
    }
}
