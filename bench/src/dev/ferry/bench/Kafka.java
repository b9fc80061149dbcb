package dev.ferry.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The benchmark's side of the broker: creates topics, waits for consumer groups, produces the records. */
final class Kafka implements AutoCloseable {

    private final String bootstrapServers;
    private final Admin admin;

    Kafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Waits until the broker answers metadata requests. */
    static void awaitBroker(String bootstrapServers, Duration timeout, Children.Child broker) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin probe = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000))) {
            while (true) {
                Children.requireAlive(broker);
                try {
                    probe.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Broker on " + bootstrapServers + " did not answer within "
                                + timeout, e);
                    }
                    sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    void createTopic(String topic, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until a consumer group's members are assigned all {@code partitions} of its topic. */
    void awaitAssigned(String group, int partitions, Duration timeout) {
        awaitAssigned(group, partitions, 1, timeout);
    }

    /**
     * Waits until at least {@code members} members of a consumer group each have a partition and together all
     * {@code partitions} of its topic; returns how many partitions each member has, most first.
     */
    List<Integer> awaitAssigned(String group, int partitions, int members, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                        .describedGroups().get(group).get(5, TimeUnit.SECONDS);
                List<Integer> assignment = new ArrayList<>();
                for (MemberDescription member : description.members()) {
                    assignment.add(member.assignment().topicPartitions().size());
                }
                assignment.sort(Comparator.reverseOrder());
                int assigned = assignment.stream().mapToInt(Integer::intValue).sum();
                if (assigned >= partitions && assignment.stream().filter(count -> count > 0).count() >= members) {
                    return assignment;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not known yet: the consumer has not joined
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException("Consumer group " + group + " got no assignment of " + partitions
                + " partition(s) over " + members + " member(s) within " + timeout);
    }

    /** A producer: batching for throughput (linger 20 ms) or none for latency. */
    Producer producer(boolean batching) {
        return new Producer(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, batching ? 20 : 0,
                ProducerConfig.BATCH_SIZE_CONFIG, batching ? 256 * 1024 : 16 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    /** Produces benchmark records (see {@link BenchRecord}); fails if the broker refused any. */
    static final class Producer implements AutoCloseable {

        private final KafkaProducer<byte[], byte[]> producer;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final AtomicLong acknowledged = new AtomicLong();

        private Producer(KafkaProducer<byte[], byte[]> producer) {
            this.producer = producer;
        }

        /** Sends records {@code from..to-1} as fast as the producer takes them and waits for every acknowledgement. */
        void sendAll(String topic, long from, long to, int keys, int valueBytes) {
            for (long i = from; i < to; i++) {
                send(topic, i, keys, valueBytes);
            }
            flush();
        }

        /**
         * Sends {@code rate} records per second for {@code seconds}, in 10 ms steps, and waits for every
         * acknowledgement. Returns how many it sent.
         */
        long sendPaced(String topic, int rate, int seconds, int keys, int valueBytes) {
            long total = (long) rate * seconds;
            long started = System.nanoTime();
            long sent = 0;
            while (sent < total) {
                long elapsedNanos = System.nanoTime() - started;
                long due = Math.min(total, elapsedNanos * rate / 1_000_000_000L + 1);
                for (; sent < due; sent++) {
                    send(topic, sent, keys, valueBytes);
                }
                long nextStep = (elapsedNanos / 10_000_000L + 1) * 10_000_000L;
                long sleepNanos = nextStep - (System.nanoTime() - started);
                if (sleepNanos > 0) {
                    sleep(sleepNanos / 1_000_000L);
                }
                if (System.nanoTime() - started > (seconds + 60) * 1_000_000_000L) {
                    throw new IllegalStateException("Producer fell behind its pace by over a minute");
                }
            }
            flush();
            return sent;
        }

        private void send(String topic, long i, int keys, int valueBytes) {
            Exception failed = failure.get();
            if (failed != null) {
                throw new IllegalStateException("The broker refused a record", failed);
            }
            producer.send(new ProducerRecord<>(topic, BenchRecord.key(i % keys), BenchRecord.value(i, keys, valueBytes)),
                    (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        } else {
                            acknowledged.incrementAndGet();
                        }
                    });
        }

        private void flush() {
            producer.flush();
            Exception failed = failure.get();
            if (failed != null) {
                throw new IllegalStateException("The broker refused a record", failed);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(30));
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
