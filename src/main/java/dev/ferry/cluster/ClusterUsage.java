package dev.ferry.cluster;

import java.util.List;

/**
 * What uses a cluster. Implemented by the subscription feature, so that this one can refuse to delete a
 * cluster in use (or delete its users when forced) without depending on it.
 */
public interface ClusterUsage {

    /** The subscriptions that consume from the named cluster. */
    List<ClusterUser> usersOf(String clusterName);

    /** Deletes every subscription on the named cluster; called when a cluster is deleted by force. */
    void releaseAll(String clusterName);

    /** A subscription that consumes from a cluster. */
    record ClusterUser(String id, String source, String sink) {
    }
}
