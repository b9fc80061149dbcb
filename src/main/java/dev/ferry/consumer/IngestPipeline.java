package dev.ferry.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The batches of one consumer thread on their way into the invocation table. A batch is stored on the ingest
 * executor while the consumer thread polls the next one; the next is handed over only once the batch before it
 * is durable, so batches are stored one at a time in poll order, with at most one in flight per consumer thread.
 * A batch's offsets are acknowledged only once it is stored. A store that fails is tried again on the executor,
 * after the error backoff, before anything polled after it; meanwhile the consumer thread waits at most
 * {@code maxWait} for it at each poll and then seeks back to the records it got, so that the consumer keeps
 * polling (and its partitions) and gets those records again. Used by its consumer thread only, except for the
 * attempts, which run on the executor.
 */
final class IngestPipeline {

    private static final Logger log = LoggerFactory.getLogger(IngestPipeline.class);

    /** Stores a batch of records as invocations and returns once they are durable; throws if it cannot. */
    interface Store {

        /**
         * @param failedBefore how many attempts in a row of this consumer thread failed before this one
         */
        void store(List<ConsumerRecord<byte[], byte[]>> records, int failedBefore);
    }

    private final ScheduledExecutorService executor;
    private final Store store;
    private final BackOff backOff;
    private final Duration maxWait;
    private Batch inFlight;
    /** Attempts in a row that failed; written by the attempts, one at a time. */
    private volatile int failures;

    IngestPipeline(ScheduledExecutorService executor, Store store, BackOff backOff, Duration maxWait) {
        this.executor = executor;
        this.store = store;
        this.backOff = backOff;
        this.maxWait = maxWait;
    }

    /**
     * Hands a polled batch over to be stored once the batch before it is durable. If that one is not stored
     * within {@code maxWait}, nothing is handed over and {@code consumer} is sought back to these records, so
     * the next polls return them again.
     */
    void submit(List<ConsumerRecord<byte[], byte[]>> records, Acknowledgment acknowledgment, Consumer<?, ?> consumer) {
        if (records.isEmpty()) {
            return;
        }
        if (!awaitInFlight()) {
            log.debug("The batch before is not stored yet; polling {} record(s) again", records.size());
            rewind(consumer, records, Set.of());
            return;
        }
        Batch batch = new Batch(records, acknowledgment);
        inFlight = batch;
        batch.attemptNow();
    }

    /** True once no batch is in flight: the one that was is durable. Waits up to {@code maxWait} for it. */
    boolean awaitInFlight() {
        Batch batch = inFlight;
        if (batch == null) {
            return true;
        }
        try {
            batch.durable.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | CancellationException e) {
            // only an abandoned batch ends without being stored, and an abandoned one is no longer in flight
            throw new IllegalStateException("A batch in flight ended without being stored", e);
        }
        inFlight = null;
        return true;
    }

    /**
     * Gives up the batch in flight when its consumer loses {@code gone} (revoked, lost, or all of them on close):
     * an attempt under way finishes (and acknowledges what it stored), a retry not yet begun is cancelled, and the
     * partitions this consumer keeps are sought back to the records not stored, to be polled again.
     */
    void abandon(Consumer<?, ?> consumer, Collection<TopicPartition> gone) {
        Batch batch = inFlight;
        if (batch == null) {
            return;
        }
        inFlight = null;
        batch.abandon();
        boolean stored;
        try {
            batch.durable.get();
            stored = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stored = false;
        } catch (ExecutionException | CancellationException e) {
            stored = false;
        }
        if (!stored) {
            rewind(consumer, batch.records, Set.copyOf(gone));
        }
    }

    /** Seeks each partition of {@code records} the consumer still holds, except {@code gone}, to its first record. */
    private static void rewind(Consumer<?, ?> consumer, List<ConsumerRecord<byte[], byte[]>> records,
            Set<TopicPartition> gone) {
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        Set<TopicPartition> held = consumer.assignment();
        first.forEach((partition, offset) -> {
            if (held.contains(partition) && !gone.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    /** One polled batch: stored by attempts on the executor until one succeeds or it is abandoned. */
    private final class Batch implements Runnable {

        private final List<ConsumerRecord<byte[], byte[]>> records;
        private final Acknowledgment acknowledgment;
        private final CompletableFuture<Void> durable = new CompletableFuture<>();
        private BackOffExecution backOffs;
        private ScheduledFuture<?> retry;
        private boolean abandoned;

        Batch(List<ConsumerRecord<byte[], byte[]>> records, Acknowledgment acknowledgment) {
            this.records = records;
            this.acknowledgment = acknowledgment;
        }

        void attemptNow() {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException stopped) {
                durable.completeExceptionally(stopped);
            }
        }

        @Override
        public void run() {
            synchronized (this) {
                if (abandoned) {
                    durable.cancel(false);
                    return;
                }
            }
            try {
                store.store(records, failures);
            } catch (RuntimeException | Error e) {
                // an error too: a batch that ended without an outcome would hold its consumer back for good
                failures++;
                retryLater(e);
                return;
            }
            failures = 0;
            acknowledgment.acknowledge();
            durable.complete(null);
        }

        private synchronized void retryLater(Throwable failure) {
            if (abandoned) {
                durable.completeExceptionally(failure);
                return;
            }
            if (backOffs == null) {
                backOffs = backOff.start();
            }
            long wait = backOffs.nextBackOff();
            if (wait == BackOffExecution.STOP) {
                backOffs = backOff.start();
                wait = Math.max(0, backOffs.nextBackOff());
            }
            try {
                retry = executor.schedule(this, wait, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                durable.completeExceptionally(failure);
            }
        }

        synchronized void abandon() {
            abandoned = true;
            if (retry != null && retry.cancel(false)) {
                durable.cancel(false);
            }
        }
    }
}
