package dev.ferry.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The ceiling Ferry is measured against: a plain consumer loop that calls the handler for every record with
 * the JDK HTTP client, asynchronously and with bounded concurrency, and commits a poll's offsets once all of
 * its calls (and all earlier ones) have answered. No database, no retries: what is left is Kafka plus HTTP.
 *
 * <p>Usage: {@code PlainConsumer <bootstrap> <topic> <group> <handler-url> [max-in-flight]}.
 */
public final class PlainConsumer {

    private static final Duration POLL = Duration.ofMillis(100);

    private final LongAdder failures = new LongAdder();
    private volatile boolean running = true;

    private PlainConsumer() {
    }

    public static void main(String[] args) throws InterruptedException {
        Lifetime.boundTo(Lifetime.fromProperty());
        int maxInFlight = args.length > 4 ? Integer.parseInt(args[4]) : 256;
        new PlainConsumer().run(args[0], args[1], args[2], URI.create(args[3]), maxInFlight);
    }

    private void run(String bootstrap, String topic, String group, URI handler, int maxInFlight)
            throws InterruptedException {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
        Semaphore permits = new Semaphore(maxInFlight);
        Thread main = Thread.currentThread();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                running = false;
                consumer.wakeup();
                try {
                    main.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            consumer.subscribe(List.of(topic));
            System.out.println("PlainConsumer consuming " + topic + " as " + group + ", calling " + handler);
            ArrayDeque<Batch> batches = new ArrayDeque<>();
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    break;
                }
                if (!records.isEmpty()) {
                    batches.add(dispatch(records, http, handler, permits));
                }
                commitFinished(consumer, batches);
            }
        } finally {
            executor.shutdownNow();
            System.out.println("PlainConsumer stopped; " + failures.sum() + " call(s) failed");
        }
    }

    private Batch dispatch(ConsumerRecords<byte[], byte[]> records, HttpClient http, URI handler, Semaphore permits)
            throws InterruptedException {
        List<CompletableFuture<?>> calls = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            permits.acquire();
            calls.add(http.sendAsync(request(handler, record), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        permits.release();
                        if (error != null || response.statusCode() / 100 != 2) {
                            failures.increment();
                        }
                    }));
            offsets.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
        return new Batch(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)), offsets);
    }

    private static HttpRequest request(URI handler, ConsumerRecord<byte[], byte[]> record) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(handler).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .header("idempotency-key", record.topic() + "-" + record.partition() + "-" + record.offset())
                .header("kafka.topic", record.topic())
                .header("kafka.partition", Integer.toString(record.partition()))
                .header("kafka.offset", Long.toString(record.offset()))
                .header("kafka.timestamp", Long.toString(record.timestamp()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(record.value() == null ? new byte[0] : record.value()));
        if (record.key() != null) {
            builder.header("kafka.key", Base64.getEncoder().encodeToString(record.key()));
        }
        return builder.build();
    }

    /** Commits the offsets of the leading batches whose calls have all answered. */
    private static void commitFinished(KafkaConsumer<byte[], byte[]> consumer, ArrayDeque<Batch> batches) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        while (!batches.isEmpty() && batches.peek().calls().isDone()) {
            offsets.putAll(batches.poll().offsets());
        }
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, null);
        }
    }

    private record Batch(CompletableFuture<Void> calls, Map<TopicPartition, OffsetAndMetadata> offsets) {
    }
}
