package dev.ferry.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.stereotype.Component;

/**
 * Meters of the consumers, tagged with {@code subscription} (and {@code topic}, {@code partition}): records
 * ingested, batch size, ingest latency (a histogram), lag per partition (with the {@code consumergroup} as
 * kafka_exporter names it), consumer state, and the Kafka consumers' own metrics. A deleted subscription's
 * meters are removed with its consumer.
 */
@Component
class ConsumerMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();

    ConsumerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void recordBatch(String subscription, String topic, int records, Duration took) {
        Counter.builder("ferry.records.ingested").description("Records stored as invocations")
                .tags("subscription", subscription, "topic", topic).register(registry).increment(records);
        DistributionSummary.builder("ferry.ingest.batch.size").description("Records per ingest transaction")
                .tags("subscription", subscription).register(registry).record(records);
        Timer.builder("ferry.ingest.latency").description("Time to store one polled batch as invocations")
                .tags("subscription", subscription).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(took);
    }

    /** Headers dropped from records because no handler could be given their name (NUL, or too long). */
    void droppedHeaders(String subscription, int count) {
        Counter.builder("ferry.records.headers.dropped")
                .description("Record headers not kept because their name holds NUL or is too long")
                .tags("subscription", subscription).register(registry).increment(count);
    }

    /** The consumer's own view of how far each partition's end offset is ahead of its position. */
    void recordLag(String subscription, String group, TopicPartition partition, long lag) {
        String key = subscription + '/' + partition;
        lags.computeIfAbsent(key, ignored -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("ferry.consumer.lag", value, AtomicLong::get)
                    .description("Records in the partition not yet consumed by the subscription")
                    .tags("subscription", subscription, "consumergroup", group, "topic", partition.topic(),
                            "partition", Integer.toString(partition.partition()))
                    .register(registry);
            return value;
        }).set(lag);
    }

    /**
     * Registers the {@code ferry.consumer.state} gauges of a subscription: 1 for the state {@code states} says
     * its consumer is in, 0 for the others.
     */
    void stateGauges(String subscription, Function<String, Optional<ConsumerStates.State>> states) {
        for (ConsumerStates.State each : ConsumerStates.State.values()) {
            Gauge.builder("ferry.consumer.state", () -> states.apply(subscription).orElse(null) == each ? 1 : 0)
                    .description("1 for the state the subscription's consumer is in")
                    .tags("subscription", subscription, "state", each.json())
                    .register(registry);
        }
    }

    /**
     * The Kafka clients' own metrics ({@code kafka.consumer.*}) of every consumer the factory creates for a
     * subscription, tagged with it; removed when the consumer closes.
     */
    <K, V> void bindClients(String subscription, DefaultKafkaConsumerFactory<K, V> factory) {
        factory.addListener(new MicrometerConsumerListener<>(registry, List.of(Tag.of("subscription", subscription))));
    }

    /** Removes every meter of a subscription that is gone. */
    void remove(String subscription) {
        lags.keySet().removeIf(key -> key.startsWith(subscription + '/'));
        registry.getMeters().stream()
                .filter(meter -> subscription.equals(meter.getId().getTag("subscription")))
                .toList()
                .forEach(registry::remove);
    }
}
