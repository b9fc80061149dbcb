package dev.ferry.consumer;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Keeps the partitions each consumer thread of a subscription holds, for its consumer state, and lets the ingest
 * listener settle the batch in flight before partitions go, so that what it stored is committed with the rest.
 */
final class PartitionTracker implements ConsumerAwareRebalanceListener {

    private final String subscriptionId;
    private final ConsumerStates states;
    private final IngestListener listener;

    PartitionTracker(String subscriptionId, ConsumerStates states, IngestListener listener) {
        this.subscriptionId = subscriptionId;
        this.states = states;
        this.listener = listener;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        states.assigned(subscriptionId, Thread.currentThread().getName(), consumer.assignment());
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        listener.partitionsGone(consumer, partitions);
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        held(consumer, partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        listener.partitionsGone(consumer, partitions);
        held(consumer, partitions);
    }

    private void held(Consumer<?, ?> consumer, Collection<TopicPartition> gone) {
        Set<TopicPartition> held = new HashSet<>(consumer.assignment());
        held.removeAll(gone);
        states.assigned(subscriptionId, Thread.currentThread().getName(), held);
    }
}
