package dev.ferry.consumer;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.event.ConsumerFailedToStartEvent;
import org.springframework.kafka.event.ConsumerRetryAuthEvent;
import org.springframework.kafka.event.ConsumerRetryAuthSuccessfulEvent;
import org.springframework.kafka.event.ConsumerStartedEvent;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.event.NonResponsiveConsumerEvent;
import org.springframework.stereotype.Component;

import dev.ferry.subscription.ConsumerStatus;
import dev.ferry.subscription.ConsumerStatuses;

/**
 * The state of each subscription's consumer on this instance, with since when, why (when stalled or failed)
 * and the partitions assigned to it. Fed by the reconciler (starting, paused, could not start), by the
 * listener containers' events (started, stopped, failed to start, not polling, authentication retries)
 * and by the ingest listener (stalled while batches cannot be stored, running once one is).
 */
@Component
class ConsumerStates implements ConsumerStatuses {

    private static final Logger log = LoggerFactory.getLogger(ConsumerStates.class);

    /** What a subscription's consumer is doing. */
    enum State {
        STARTING, RUNNING, PAUSED, STALLED, FAILED;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private record Entry(State state, Instant since, String error) {
    }

    private final Clock clock;
    private final ConsumerMetrics metrics;
    private final Map<String, Entry> states = new ConcurrentHashMap<>();
    /** Per subscription, the partitions each of its consumer threads holds. */
    private final Map<String, Map<String, Set<TopicPartition>>> partitions = new ConcurrentHashMap<>();

    ConsumerStates(Clock clock, ConsumerMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Optional<ConsumerStatus> find(String subscriptionId) {
        Entry entry = states.get(subscriptionId);
        return entry == null ? Optional.empty()
                : Optional.of(new ConsumerStatus(entry.state().json(), entry.since(), entry.error(),
                        partitions(subscriptionId)));
    }

    /** Every subscription's state, by id. */
    Map<String, ConsumerStatus> all() {
        Map<String, ConsumerStatus> all = new TreeMap<>();
        states.keySet().forEach(id -> find(id).ifPresent(status -> all.put(id, status)));
        return all;
    }

    Optional<State> state(String subscriptionId) {
        return Optional.ofNullable(states.get(subscriptionId)).map(Entry::state);
    }

    /**
     * Moves a consumer to {@code state}; {@code since} changes only when the state or the error does, so
     * repeated reports of the same failure keep the time it began.
     */
    void set(String subscriptionId, State state, String error) {
        boolean[] changed = {false};
        boolean[] first = {false};
        states.compute(subscriptionId, (id, current) -> {
            if (current != null && current.state() == state && Objects.equals(current.error(), error)) {
                return current;
            }
            changed[0] = true;
            first[0] = current == null;
            return new Entry(state, clock.instant(), error);
        });
        if (changed[0] && (state == State.FAILED || state == State.STALLED)) {
            log.warn("Consumer subscription-{} is {}: {}", subscriptionId, state.json(), error);
        }
        if (state != State.RUNNING && state != State.STALLED) {
            partitions.remove(subscriptionId);
        }
        if (first[0]) {
            metrics.stateGauges(subscriptionId, this::state);
        }
    }

    /** Moves a consumer to {@code state} unless it is in {@code unless} (e.g. an idle consumer stays stalled). */
    private void setUnless(String subscriptionId, State state, State unless) {
        if (state(subscriptionId).orElse(null) != unless) {
            set(subscriptionId, state, null);
        }
    }

    /** The partitions one consumer thread of the subscription now holds. */
    void assigned(String subscriptionId, String thread, Collection<TopicPartition> held) {
        partitions.computeIfAbsent(subscriptionId, id -> new ConcurrentHashMap<>()).put(thread, Set.copyOf(held));
    }

    private List<String> partitions(String subscriptionId) {
        Set<String> names = new TreeSet<>();
        partitions.getOrDefault(subscriptionId, Map.of()).values()
                .forEach(held -> held.forEach(partition -> names.add(partition.toString())));
        return List.copyOf(names);
    }

    void remove(String subscriptionId) {
        states.remove(subscriptionId);
        partitions.remove(subscriptionId);
        metrics.remove(subscriptionId);
    }

    /** Follows one event of a subscription's listener container. */
    void on(String subscriptionId, Object event) {
        switch (event) {
            case ConsumerStartingEvent ignored -> setUnless(subscriptionId, State.STARTING, State.STALLED);
            case ConsumerStartedEvent ignored -> setUnless(subscriptionId, State.RUNNING, State.STALLED);
            case ConsumerRetryAuthSuccessfulEvent ignored -> set(subscriptionId, State.RUNNING, null);
            case ListenerContainerIdleEvent ignored -> setUnless(subscriptionId, State.RUNNING, State.STALLED);
            case ConsumerFailedToStartEvent ignored ->
                    set(subscriptionId, State.FAILED, "the Kafka consumer did not start in time");
            case ConsumerRetryAuthEvent retry -> set(subscriptionId, State.STALLED,
                    "the Kafka cluster refused the consumer's credentials (%s); retrying"
                            .formatted(retry.getReason().name().toLowerCase(Locale.ROOT)));
            case NonResponsiveConsumerEvent silent -> set(subscriptionId, State.STALLED,
                    "the Kafka consumer has not polled for %d ms".formatted(silent.getTimeSinceLastPoll()));
            case ConsumerStoppedEvent stopped when stopped.getReason() != ConsumerStoppedEvent.Reason.NORMAL ->
                    set(subscriptionId, State.FAILED, "the Kafka consumer stopped (%s)"
                            .formatted(stopped.getReason().name().toLowerCase(Locale.ROOT)));
            default -> {
            }
        }
    }
}
