package dev.ferry.cluster;

import java.util.Map;

import dev.ferry.web.Conflict;

/** A merge needs the cluster's stored secrets, and Ferry cannot decrypt them with the keys it has. */
public class KafkaClusterSecretUnreadable extends Conflict {

    private KafkaClusterSecretUnreadable(String name, String reason) {
        super("kafka-cluster-secret-unreadable", "Stored secret unreadable",
                reason + " Or replace all properties with PATCH without ?merge=true.", Map.of("cluster", name));
    }

    /** @param reason why the secret cannot be read and what to do, never the secret itself */
    public static KafkaClusterSecretUnreadable of(String name, String reason) {
        return new KafkaClusterSecretUnreadable(name, reason);
    }
}
