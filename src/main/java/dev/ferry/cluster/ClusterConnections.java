package dev.ferry.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** The last connection state of each cluster, as this instance saw it; kept in memory. */
@Component
class ClusterConnections {

    private final Map<String, ClusterConnection> states = new ConcurrentHashMap<>();

    ClusterConnection of(String cluster) {
        return states.getOrDefault(cluster, ClusterConnection.unknown());
    }

    void record(String cluster, ClusterConnection connection) {
        states.put(cluster, connection);
    }

    void forget(String cluster) {
        states.remove(cluster);
    }

    /** Drops the states of clusters that no longer exist (deleted through another instance). */
    void retainOnly(Collection<String> clusters) {
        states.keySet().retainAll(clusters);
    }
}
