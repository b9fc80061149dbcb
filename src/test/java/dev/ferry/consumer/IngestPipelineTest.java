package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.backoff.FixedBackOff;

class IngestPipelineTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    /** What each attempt got: the first offset of its batch and how many attempts failed before it. */
    private final List<String> attempts = new CopyOnWriteArrayList<>();
    private final List<Long> acknowledged = new CopyOnWriteArrayList<>();

    IngestPipelineTest() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.seek(P0, 100);
        consumer.seek(P1, 100);
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void storesOffTheConsumerThreadAndHandsTheNextBatchOverOnlyOnceTheOneBeforeIsDurable() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        IngestPipeline pipeline = pipeline((records, failedBefore) -> {
            attempts.add(records.getFirst().offset() + "/" + failedBefore);
            if (records.getFirst().offset() == 0) {
                hold(held);
            }
        }, Duration.ofMillis(50));

        // returns while the first batch's transaction is still open: the consumer thread polls on
        pipeline.submit(batch(P0, 0, 3), acknowledgment(0), consumer);
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.contains("0/0"));
        pipeline.submit(batch(P0, 3, 2), acknowledgment(3), consumer);

        assertThat(acknowledged).as("nothing is acknowledged before it is durable").isEmpty();
        assertThat(attempts).as("the next batch waits for the one before").containsExactly("0/0");
        assertThat(consumer.position(P0)).as("the next batch is polled again").isEqualTo(3);

        held.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.equals(List.of(0L)));
        pipeline.submit(batch(P0, 3, 2), acknowledgment(3), consumer);
        assertThat(pipeline.awaitInFlight()).isTrue();
        assertThat(attempts).containsExactly("0/0", "3/0");
        assertThat(acknowledged).containsExactly(0L, 3L);
    }

    @Test
    void storesABatchThatFailedAgainBeforeAnythingPolledAfterIt() {
        AtomicInteger failing = new AtomicInteger(2);
        IngestPipeline pipeline = pipeline((records, failedBefore) -> {
            attempts.add(records.getFirst().offset() + "/" + failedBefore);
            if (records.getFirst().offset() == 0 && failing.getAndDecrement() > 0) {
                throw new IllegalStateException("database out of reach");
            }
        }, Duration.ofSeconds(30));

        pipeline.submit(batch(P0, 0, 3), acknowledgment(0), consumer);
        pipeline.submit(batch(P0, 3, 2), acknowledgment(3), consumer);
        assertThat(pipeline.awaitInFlight()).isTrue();

        assertThat(attempts).containsExactly("0/0", "0/1", "0/2", "3/0");
        assertThat(acknowledged).containsExactly(0L, 3L);
    }

    @Test
    void abandonsABatchNotStoredWhenPartitionsGoAndSeeksThoseItKeepsBackToIt() {
        IngestPipeline pipeline = pipeline((records, failedBefore) -> {
            attempts.add(records.getFirst().offset() + "/" + failedBefore);
            throw new IllegalStateException("database out of reach");
        }, Duration.ofMillis(50), new FixedBackOff(TimeUnit.HOURS.toMillis(1)));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(batch(P0, 7, 2));
        records.addAll(batch(P1, 4, 2));

        pipeline.submit(records, acknowledgment(7), consumer);
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 1);
        pipeline.abandon(consumer, List.of(P1));

        assertThat(consumer.position(P0)).as("kept: polled again from the first record not stored").isEqualTo(7);
        assertThat(consumer.position(P1)).as("revoked: left to its next owner").isEqualTo(100);
        assertThat(acknowledged).isEmpty();
        assertThat(executor.getQueue()).as("no retry left behind").isEmpty();
        assertThat(pipeline.awaitInFlight()).isTrue();
    }

    private IngestPipeline pipeline(IngestPipeline.Store store, Duration maxWait) {
        return pipeline(store, maxWait, new FixedBackOff(1));
    }

    private IngestPipeline pipeline(IngestPipeline.Store store, Duration maxWait, FixedBackOff backOff) {
        executor.setRemoveOnCancelPolicy(true);
        return new IngestPipeline(executor, store, backOff, maxWait);
    }

    private Acknowledgment acknowledgment(long firstOffset) {
        return () -> acknowledged.add(firstOffset);
    }

    private static List<ConsumerRecord<byte[], byte[]>> batch(TopicPartition partition, long from, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long offset = from; offset < from + count; offset++) {
            records.add(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null, new byte[0]));
        }
        return records;
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
