package dev.ferry.results;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import dev.ferry.cluster.ClusterDetails;
import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.invocation.PendingResult;
import dev.ferry.invocation.ResultOutbox;

/**
 * Produces the result outbox to the result topics, exactly once: each round's results of one cluster go in one
 * Kafka transaction of a transactional producer whose {@code transactional.id} is the same on every instance
 * ({@code ferry-results-CLUSTER}), so a new producer fences a crashed or stalled one and aborts its open
 * transaction. Before committing, the round's results are marked as attempted in PostgreSQL; a marked result
 * that is still in the outbox (Ferry died after the commit, or the commit's answer was lost) is first looked
 * for on its topic with a {@code read_committed} reader, by invocation id, and only produced again if absent.
 */
@Component
class ResultPublisher implements SchedulingConfigurer, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ResultPublisher.class);

    private final ResultOutbox outbox;
    private final KafkaClusterRegistry clusters;
    private final ResultProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Producer> producers = new HashMap<>();

    private record Producer(KafkaProducer<byte[], byte[]> client, Instant clusterVersion, ClusterDetails details) {
    }

    ResultPublisher(ResultOutbox outbox, KafkaClusterRegistry clusters, ResultProperties properties,
            MeterRegistry meters, Clock clock) {
        this.outbox = outbox;
        this.clusters = clusters;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        Gauge.builder("ferry.results.outbox", outbox, ResultOutbox::depth)
                .description("Results of completed invocations waiting to be produced to their result topic")
                .register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::publish, properties.interval());
    }

    synchronized void publish() {
        try {
            while (outbox.publish(properties.batch(), this::round) == properties.batch()) {
                log.debug("Produced a full batch of results; looking for more");
            }
        } catch (RuntimeException e) {
            log.warn("Could not produce results, will try again: {}", e.getMessage());
        }
    }

    private Collection<String> round(List<PendingResult> pending, ResultOutbox.Attempted attempted) {
        Map<String, List<PendingResult>> byCluster = new LinkedHashMap<>();
        pending.forEach(result -> byCluster.computeIfAbsent(result.cluster(), c -> new ArrayList<>()).add(result));
        List<String> done = new ArrayList<>(pending.size());
        byCluster.forEach((cluster, results) -> {
            Producer producer = producer(cluster);
            if (producer == null) {
                return;
            }
            try {
                done.addAll(produce(producer, results, attempted));
            } catch (KafkaException e) {
                log.warn("Could not produce {} result(s) to cluster {}, will try again: {}", results.size(), cluster,
                        e.getMessage());
                close(cluster);
            }
        });
        return done;
    }

    /** Produces the results not yet on their topic in one transaction; returns all that are on it now. */
    private List<String> produce(Producer producer, List<PendingResult> results, ResultOutbox.Attempted attempted) {
        List<PendingResult> maybeProduced = results.stream().filter(result -> result.attemptedAt() != null).toList();
        Set<String> found = maybeProduced.isEmpty() ? Set.of()
                : new ProducedResults(producer.details().clientProperties(), properties.commitTimeout())
                        .find(maybeProduced, properties.lookBack());
        if (!found.isEmpty()) {
            log.info("{} result(s) of a round cut short are on their topic already; not producing them again",
                    found.size());
        }
        List<PendingResult> toProduce = results.stream().filter(result -> !found.contains(result.invocationId()))
                .toList();
        List<String> done = new ArrayList<>(found);
        if (toProduce.isEmpty()) {
            return done;
        }
        KafkaProducer<byte[], byte[]> client = producer.client();
        client.beginTransaction();
        toProduce.forEach(result -> client.send(record(result)));
        List<String> ids = toProduce.stream().map(PendingResult::invocationId).toList();
        attempted.mark(ids);
        client.commitTransaction();
        Instant now = clock.instant();
        for (PendingResult result : toProduce) {
            Counter.builder("ferry.results.published").description("Results produced to result topics")
                    .tag("cluster", result.cluster()).tag("topic", result.topic()).register(meters).increment();
            Timer.builder("ferry.results.publish.latency")
                    .description("From an invocation's completion to its result's Kafka transaction committing")
                    .tag("cluster", result.cluster()).register(meters)
                    .record(Duration.between(result.createdAt(), now).abs());
        }
        done.addAll(ids);
        return done;
    }

    static ProducerRecord<byte[], byte[]> record(PendingResult result) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(result.topic(), null, result.key(),
                result.value());
        header(record, ProducedResults.INVOCATION_ID, result.invocationId());
        header(record, "ferry.subscription.id", result.subscriptionId());
        header(record, "ferry.source.topic", result.sourceTopic());
        header(record, "ferry.source.partition",
                result.sourcePartition() == null ? null : result.sourcePartition().toString());
        header(record, "ferry.source.offset", result.sourceOffset() == null ? null : result.sourceOffset().toString());
        header(record, "content-type", result.contentType());
        return record;
    }

    private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
        if (value != null) {
            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The cluster's transactional producer, rebuilt when its properties changed; null when the cluster is gone. */
    private Producer producer(String cluster) {
        ClusterDetails details = clusters.findDetails(cluster).orElse(null);
        Producer current = producers.get(cluster);
        if (current != null && (details == null || !current.clusterVersion().equals(details.updatedAt()))) {
            close(cluster);
        }
        if (details == null) {
            log.warn("Cluster {} of a result topic no longer exists; its results wait", cluster);
            return null;
        }
        return producers.computeIfAbsent(cluster, name -> {
            Map<String, Object> config = new HashMap<>(details.clientProperties());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ferry-results-" + name);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) properties.commitTimeout().toMillis());
            config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ferry-results-" + name);
            config.remove("auto.offset.reset");
            KafkaProducer<byte[], byte[]> client = new KafkaProducer<>(config);
            try {
                client.initTransactions();
            } catch (RuntimeException e) {
                client.close(Duration.ZERO);
                throw e;
            }
            return new Producer(client, details.updatedAt(), details);
        });
    }

    private void close(String cluster) {
        Producer producer = producers.remove(cluster);
        if (producer != null) {
            producer.client().close(Duration.ZERO);
        }
    }

    @Override
    public synchronized void destroy() {
        new HashSet<>(producers.keySet()).forEach(this::close);
    }
}
