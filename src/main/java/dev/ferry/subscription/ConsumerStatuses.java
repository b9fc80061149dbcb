package dev.ferry.subscription;

import java.util.Optional;

/** Reports the state of each subscription's consumer on this instance; the consumers implement it. */
public interface ConsumerStatuses {

    /** The consumer's state, or empty when this instance has none for the subscription. */
    Optional<ConsumerStatus> find(String subscriptionId);
}
