package dev.ferry.cluster;

import java.util.List;

/**
 * What produces results to a cluster outside subscriptions. Implemented by the service feature (a service's
 * result topic), so that this one can refuse to delete a cluster that a service still writes to.
 */
public interface ClusterResultTopics {

    /** The names of the services whose result topic is on the named cluster. */
    List<String> servicesProducingTo(String clusterName);
}
