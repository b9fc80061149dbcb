package dev.ferry.consumer;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a consumer's lag against its group's committed offsets (end offset minus committed offset of each
 * partition it holds), not against its position: a consumer that polls but cannot store its records shows
 * the records it holds back. A partition the group has not committed yet shows the consumer's own lag.
 * Runs on the consumer's thread, at most once per interval per thread.
 */
final class LagProbe {

    private static final Logger log = LoggerFactory.getLogger(LagProbe.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final String subscriptionId;
    private final String groupId;
    private final ConsumerMetrics metrics;
    private final long intervalNanos;
    private final ThreadLocal<Long> lastProbe = new ThreadLocal<>();

    LagProbe(String subscriptionId, String groupId, ConsumerMetrics metrics, Duration interval) {
        this.subscriptionId = subscriptionId;
        this.groupId = groupId;
        this.metrics = metrics;
        this.intervalNanos = interval.toNanos();
    }

    /** Records the lag unless this thread did so less than an interval ago. */
    void maybeRecord(Consumer<?, ?> consumer) {
        long now = System.nanoTime();
        Long last = lastProbe.get();
        if (last != null && now - last < intervalNanos) {
            return;
        }
        lastProbe.set(now);
        record(consumer);
    }

    void record(Consumer<?, ?> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, TIMEOUT);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, TIMEOUT);
            for (TopicPartition partition : assigned) {
                Long end = ends.get(partition);
                OffsetAndMetadata offset = committed.get(partition);
                if (end != null && offset != null) {
                    metrics.recordLag(subscriptionId, groupId, partition, Math.max(0, end - offset.offset()));
                } else {
                    OptionalLong own = consumer.currentLag(partition);
                    own.ifPresent(lag -> metrics.recordLag(subscriptionId, groupId, partition, lag));
                }
            }
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            log.debug("Could not measure the lag of consumer subscription-{}: {}", subscriptionId, e.toString());
        }
    }
}
