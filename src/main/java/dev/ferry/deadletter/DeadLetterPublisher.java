package dev.ferry.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import dev.ferry.cluster.ClusterDetails;
import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.consumer.ConsumerProperties;
import dev.ferry.invocation.FailedRecord;
import dev.ferry.invocation.FailedRecords;
import dev.ferry.invocation.RecordHeader;

/**
 * Publishes the record of every failed invocation whose subscription names a {@code dead-letter.topic}:
 * the original key, value and headers, plus {@code ferry.*} headers naming the failure, the subscription
 * and the original topic, partition and offset. A record counts as published only once the broker
 * acknowledged it; the invocation is then marked, so it is not published again.
 */
@Component
class DeadLetterPublisher implements SchedulingConfigurer, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
    private static final int BATCH = 500;

    private final FailedRecords failedRecords;
    private final KafkaClusterRegistry clusters;
    private final ConsumerProperties properties;
    private final Map<String, Producer> producers = new HashMap<>();

    private final MeterRegistry registry;

    /** A producer, and the binder of its own metrics ({@code kafka.producer.*}) to the meter registry, or null. */
    private record Producer(KafkaProducer<byte[], byte[]> client, KafkaClientMetrics metrics, Instant clusterVersion) {

        void close() {
            if (metrics != null) {
                metrics.close();
            }
            client.close();
        }
    }

    DeadLetterPublisher(FailedRecords failedRecords, KafkaClusterRegistry clusters, ConsumerProperties properties,
            MeterRegistry registry) {
        this.registry = registry;
        this.failedRecords = failedRecords;
        this.properties = properties;
        this.clusters = clusters;
    }

    /** Looks for dead letters every {@code ferry.consumer.dead-letter-interval}. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::publish, properties.deadLetterInterval());
    }

    synchronized void publish() {
        try {
            while (failedRecords.publish(BATCH, this::send) == BATCH) {
                log.debug("Published a full batch of dead letters; looking for more");
            }
        } catch (RuntimeException e) {
            log.warn("Could not publish dead letters, will try again: {}", e.getMessage());
        }
    }

    private List<String> send(List<FailedRecord> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        List<String> ids = new ArrayList<>(records.size());
        List<FailedRecord> failed = new ArrayList<>(records.size());
        for (FailedRecord record : records) {
            KafkaProducer<byte[], byte[]> producer = producer(record.cluster());
            if (producer == null) {
                continue;
            }
            sent.add(producer.send(deadLetter(record)));
            ids.add(record.invocationId());
            failed.add(record);
        }
        List<String> published = new ArrayList<>(ids.size());
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get(30, TimeUnit.SECONDS);
                published.add(ids.get(i));
                count(failed.get(i), "published");
            } catch (ExecutionException | TimeoutException e) {
                count(failed.get(i), "failed");
                log.warn("Could not publish the dead letter of invocation {}: {}", ids.get(i),
                        e.getCause() == null ? e.toString() : e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return published;
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(FailedRecord failed) {
        byte[] key = failed.origin() == null ? null : failed.origin().key();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(failed.topic(), null, key, failed.value());
        for (RecordHeader header : failed.headers()) {
            record.headers().add(header.name(), header.value());
        }
        header(record, "ferry.invocation.id", failed.invocationId());
        header(record, "ferry.failure.reason", failed.failureReason());
        header(record, "ferry.failure.detail", failed.failure());
        if (failed.origin() != null) {
            header(record, "ferry.subscription.id", failed.origin().subscriptionId());
            header(record, "ferry.original.topic", failed.origin().topic());
            header(record, "ferry.original.partition", Integer.toString(failed.origin().partition()));
            header(record, "ferry.original.offset", Long.toString(failed.origin().offset()));
        }
        return record;
    }

    private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
        if (value != null) {
            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The {@code ferry.dead.letters} counter: dead letters the broker acknowledged, or that could not be sent. */
    private void count(FailedRecord record, String result) {
        Counter.builder("ferry.dead.letters").description("Dead letters published to their topic, or failed")
                .tags("topic", record.topic(), "result", result).register(registry).increment();
    }

    /** A producer for the cluster, rebuilt when its properties changed; null when the cluster is gone. */
    private KafkaProducer<byte[], byte[]> producer(String cluster) {
        ClusterDetails details = clusters.findDetails(cluster).orElse(null);
        Producer current = producers.get(cluster);
        if (details == null || (current != null && !current.clusterVersion().equals(details.updatedAt()))) {
            if (current != null) {
                current.close();
                producers.remove(cluster);
            }
            if (details == null) {
                log.warn("Cluster {} of a dead-letter topic no longer exists; its dead letters wait", cluster);
                return null;
            }
        }
        return producers.computeIfAbsent(cluster, name -> {
            Map<String, Object> config = new HashMap<>(details.clientProperties());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ferry-dead-letters-" + name);
            config.remove("auto.offset.reset");
            KafkaProducer<byte[], byte[]> client = new KafkaProducer<>(config);
            KafkaClientMetrics metrics = null;
            if (properties.clientMetrics()) {
                metrics = new KafkaClientMetrics(client, List.of(Tag.of("cluster", name)));
                metrics.bindTo(registry);
            }
            return new Producer(client, metrics, details.updatedAt());
        }).client();
    }

    @Override
    public synchronized void destroy() {
        producers.values().forEach(Producer::close);
        producers.clear();
    }
}
