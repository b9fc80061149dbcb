package dev.ferry.service;

import java.util.List;
import java.util.Map;

/**
 * What uses a service. Implemented by the subscription feature so that a service in use is not
 * deleted, without this feature depending on it.
 */
public interface ServiceUsage {

    /** Ids of the subscriptions whose sink is a handler of the named service. */
    List<String> subscriptionsOf(String serviceName);

    /** Ids of the subscriptions whose sink is a handler of the named service, by handler name. */
    Map<String, List<String>> subscriptionsByHandler(String serviceName);

    /** Deletes every subscription whose sink is a handler of the named service; called when forced. */
    void deleteSubscriptionsOf(String serviceName);
}
