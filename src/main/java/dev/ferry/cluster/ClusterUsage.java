package dev.ferry.cluster;

import java.util.List;
import java.util.Map;

/**
 * What uses a cluster. Implemented by the subscription feature, so that this one can refuse to delete a
 * cluster in use (or delete its users when forced) without depending on it.
 */
public interface ClusterUsage {

    /** The subscriptions that consume from the named cluster. */
    List<ClusterUser> usersOf(String clusterName);

    /** Deletes every subscription on the named cluster; called when a cluster is deleted by force. */
    void releaseAll(String clusterName);

    /**
     * A subscription that consumes from a cluster, shaped like a subscription in Restate's admin API
     * (whose tools expect the options); secret options are masked.
     */
    record ClusterUser(String id, String source, String sink, Map<String, String> options) {
    }
}
